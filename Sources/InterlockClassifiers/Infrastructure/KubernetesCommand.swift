import InterlockCore

/// `kubectl`/`oc` and `helm` command lines.
enum KubernetesCommand {
    static let valued: Set<String> = ["-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-l", "--selector", "-o", "--output", "-f", "--filename", "-k", "--kustomize", "-c", "--container", "--field-selector", "--replicas", "--type", "-p", "--patch", "--patch-file", "--image", "--timeout", "--grace-period", "--revision", "--to-revision", "-s", "--server", "--token", "--as", "--kube-context", "--values", "--set", "--post-renderer", "--version", "--repo", "--wait-for", "--for", "--schedule", "--from", "--restart", "--port", "--target-port", "--labels"]

    struct Parsed {
        var words: [String] = []
        var dynamic = false
        var flags: Set<String> = []
        var values: [String: String] = [:]
    }

    static func parse(_ invocation: InfrastructureInvocation) -> Parsed {
        var parsed = Parsed()
        var index = 0
        let arguments = invocation.arguments
        while index < arguments.count {
            guard let text = arguments[index] else {
                parsed.dynamic = true
                index += 1
                continue
            }
            if text == "--" { break }
            // A short option glued to its value, as pflag reads it: `-oyaml`, `-o=json`,
            // `-ojsonpath={.data}`, `-nprod`.
            if !text.hasPrefix("--"), text.utf8.count > 2, text.hasPrefix(ascii: "-"), valued.contains(String(text.prefix(2))) {
                let name = String(text.prefix(2))
                let glued = text.dropFirst(2)
                parsed.flags.insert(name)
                parsed.values[name] = String(glued.hasPrefix(ascii: "=") ? glued.dropFirst() : glued)
                index += 1
                continue
            }
            if text.hasPrefix(ascii: "-") {
                if let equals = text.firstIndex(of: "=") {
                    let name = String(text[..<equals])
                    parsed.flags.insert(name)
                    parsed.values[name] = String(text[text.index(after: equals)...])
                } else {
                    parsed.flags.insert(text)
                    if valued.contains(text), index + 1 < arguments.count {
                        parsed.values[text] = arguments[index + 1] ?? "*"
                        index += 1
                    }
                }
            } else {
                parsed.words.append(text)
            }
            index += 1
        }
        return parsed
    }

    /// Whether `--dry-run` (the last one given) leaves the cluster as it is: bare, `=client`,
    /// `=server`, or `=true` as older kubectl and helm take it. `=none` and `=false` run the
    /// command for real, and a value the tool does not know is not taken for a dry run.
    static func isDryRun(_ p: Parsed) -> Bool {
        guard p.flags.contains("--dry-run") else { return false }
        guard let value = p.values["--dry-run"] else { return true }
        return value == "client" || value == "server" || value == "true"
    }

    static func kubectl(_ invocation: InfrastructureInvocation) -> [Finding] {
        let p = parse(invocation)
        let tool = invocation.tool
        guard let verb = p.words.first else {
            return [Finding(operation: "\(tool):unclassified", effect: .unknown, targetsComplete: false, reason: "`\(tool)` with a computed or missing subcommand")]
        }
        let op = "kubectl:\(verb)"
        let objects = Array(p.words.dropFirst())
        let broad = p.flags.contains("--all") || p.flags.contains("-A") || p.flags.contains("--all-namespaces") || p.values["-l"] != nil || p.values["--selector"] != nil || p.values["--field-selector"] != nil || p.values["-f"] != nil || p.values["--filename"] != nil || p.values["-k"] != nil || p.values["--kustomize"] != nil
        let targets = Self.objectTargets(objects)
        if isDryRun(p) { return [Finding(operation: op, effect: .read, targets: targets, reason: "`\(tool) \(verb) --dry-run` changes nothing")] }
        if !invocation.documentsReadable, invocation.carriesDocuments, ["apply", "create", "replace", "patch"].contains(verb), !(verb == "replace" && p.flags.contains("--force")) {
            return [Finding(operation: op, effect: .unknown, targets: targets, targetsComplete: false,
                            reason: "`\(tool) \(verb)` reads manifests or patches, and this line holds more of them than are read; what they do is not examined")]
        }
        switch verb {
        case "get", "describe", "logs", "top", "explain", "diff", "version", "api-resources", "api-versions", "cluster-info", "events", "wait":
            // Secrets printed in full (`-o yaml`, `json`, `jsonpath=…`, templates) hand their values,
            // the cluster's credentials, to the caller; the default table shows names only.
            let output = (p.values["-o"] ?? p.values["--output"] ?? "").lowercased()
            let namesSecrets = Self.objectKinds(objects).contains { $0.hasPrefix("secret") }
            if verb == "get", namesSecrets, !output.isEmpty, !["name", "wide"].contains(output) {
                return [Finding(operation: "kubectl:get_secret", effect: .read, targets: targets, categories: [.credentialIssue],
                                reason: "`\(tool) get secret -o \(output)` prints the secrets' values")]
            }
            return [Finding(operation: op, effect: .read, targets: targets, reason: "`\(tool) \(verb)` only reads")]
        case "auth":
            return [Finding(operation: op, effect: objects.first == "can-i" || objects.first == "whoami" ? .read : .write, reason: "`\(tool) auth \(objects.first ?? "")`")]
        case "config":
            let sub = objects.first ?? ""
            // `view --raw` (or `--flatten`) prints the tokens and client keys `view` redacts.
            if sub == "view", p.flags.contains("--raw") || p.flags.contains("--flatten") {
                return [Finding(operation: "kubectl:config_view_raw", effect: .read, categories: [.credentialIssue], reason: "`\(tool) config view --raw` prints the kubeconfig's tokens and client keys")]
            }
            if ["view", "get-contexts", "current-context", "get-clusters", "get-users"].contains(sub) { return [Finding(operation: op, effect: .read, reason: "reads kubeconfig")] }
            if sub.hasPrefix("delete") || sub == "unset" { return [Finding(operation: "kubectl:config", effect: .write, reason: "removes kubeconfig entries")] }
            return [Finding(operation: "kubectl:config", effect: .write, reason: "`\(tool) config \(sub)` changes kubeconfig")]
        case "delete":
            var categories: Set<Category> = []
            var targets = targets
            var complete = !broad && !p.dynamic
            var kinds = Self.objectKinds(objects)
            if let manifests = manifestObjects(invocation), !manifests.objects.isEmpty {
                // `delete -f FILE`: the objects the files name, when every file could be read.
                targets += manifests.objects.map(\.target)
                kinds += manifests.objects.map { $0.kind.lowercased() }
                complete = manifests.complete && !p.dynamic && p.values["-l"] == nil && p.values["--selector"] == nil && !p.flags.contains("--all")
            }
            // An OpenShift project is a namespace.
            if kinds.contains(where: { ["namespace", "namespaces", "ns", "project", "projects"].contains($0) }) { categories.insert(.teardown) }
            // `delete all --all` empties the namespace of every workload, as `helm uninstall` does a release.
            if objects.first == "all", p.flags.contains("--all") || p.flags.contains("-A") || p.flags.contains("--all-namespaces") { categories.insert(.teardown) }
            if kinds.contains(where: { Self.dataKinds.contains($0) }) { categories.insert(.dataLoss) }
            return [Finding(operation: op, effect: .destructive, targets: targets, targetsComplete: complete, blastRadius: complete ? nil : .unknown, categories: categories,
                            reason: "`\(tool) delete` removes \(complete ? targets.joined(separator: ", ") : "every matching object")")]
        case "kustomize":
            return KustomizeCommand.build(flags: p.flags, tool: "\(tool) kustomize", operation: op)
        case "drain", "cordon", "taint":
            return [Finding(operation: op, effect: .destructive, targets: targets, reason: "`\(tool) \(verb)` takes nodes out of service or evicts their pods")]
        case "replace":
            let manifests = manifestObjects(invocation)
            if p.flags.contains("--force") {
                return [Finding(operation: "kubectl:replace_force", effect: .destructive, targets: targets + (manifests?.objects.map(\.target) ?? []),
                                targetsComplete: manifests?.complete ?? true, reason: "`\(tool) replace --force` deletes and recreates objects")]
            }
            if let manifests, let findings = manifestFindings(manifests, verb: verb, tool: tool) { return findings }
            // No manifest named (`replace` reads one from a file or standard input, so kubectl
            // refuses the line): the verb alone speaks.
            return [Finding(operation: op, effect: .write, targets: targets, targetsComplete: !broad, reason: "`\(tool) replace` replaces objects")]
        case "scale":
            if let replicas = p.values["--replicas"], Int(replicas) == 0 {
                return [Finding(operation: "kubectl:scale_to_zero", effect: .destructive, targets: targets, reason: "`\(tool) scale --replicas=0` stops every pod")]
            }
            if p.values["--replicas"].flatMap({ Int($0) }) == nil {
                // `--replicas=$N`: the count is known only at run time, and 0 stops every pod.
                return [Finding(operation: op, effect: .unknown, targets: targets,
                                reason: "`\(tool) scale` to a replica count computed at run time, which may be 0 and stop every pod")]
            }
            return [Finding(operation: op, effect: .write, targets: targets, reason: "scales workloads")]
        case "rollout":
            let sub = objects.first ?? ""
            if ["status", "history"].contains(sub) { return [Finding(operation: op, effect: .read, reason: "reads rollout state")] }
            if sub == "undo" { return [Finding(operation: "kubectl:rollout_undo", effect: .destructive, targets: Array(objects.dropFirst()), reason: "`rollout undo` reverts a deployment")] }
            if sub == "pause" { return [Finding(operation: "kubectl:rollout_pause", effect: .write, targets: Array(objects.dropFirst()), reason: "pauses a rollout")] }
            return [Finding(operation: "kubectl:rollout_\(sub)", effect: .write, targets: Array(objects.dropFirst()), reason: "`rollout \(sub)`")]
        case "exec", "debug", "attach", "run", "cp", "proxy", "port-forward":
            // What runs inside the container is unknown from here; a pod `run` starts is decided
            // by its command as well, when the line gives one.
            let started = verb == "run" ? createdWorkloadFindings(verb: verb, objects: objects, parsed: p, invocation: invocation) ?? [] : []
            return started + [Finding(operation: op, effect: .unknown, targets: targets, targetsComplete: false, categories: verb == "exec" ? [.opaqueExecution] : [], reason: "`\(tool) \(verb)` runs or moves data inside the cluster")]
        case "apply", "create", "patch", "label", "annotate", "set", "expose", "autoscale", "edit", "uncordon", "certificate":
            let sub = objects.first ?? ""
            if ["create", "patch", "edit"].contains(verb), isAccessControl(sub) || (verb == "create" && sub == "token") {
                // `create token` returns a service account's bearer token to the caller.
                return [Finding(operation: "\(op)_rbac", effect: .destructive, targets: targets,
                                categories: verb == "create" && sub == "token" ? [.permissionChange, .credentialIssue] : [.permissionChange],
                                reason: "`\(tool) \(verb) \(sub)` changes who may do what in the cluster")]
            }
            if verb == "set", sub == "subject" || sub == "serviceaccount" || sub == "sa" {
                return [Finding(operation: "kubectl:set_\(sub)", effect: .destructive, targets: Array(objects.dropFirst()), categories: [.permissionChange],
                                reason: "`\(tool) set \(sub)` changes the identity that is granted rights or that pods run as")]
            }
            if verb == "certificate", sub == "approve" {
                return [Finding(operation: "kubectl:certificate_approve", effect: .destructive, targets: Array(objects.dropFirst()), categories: [.permissionChange],
                                reason: "`\(tool) certificate approve` issues a certificate the cluster will trust as an identity")]
            }
            if verb == "edit" {
                // An agent has no one at the editor: the change is whatever the editor it is
                // given (`KUBE_EDITOR`, `EDITOR`) writes, which cannot be seen before it is made.
                return [Finding(operation: op, effect: .unknown, targets: targets, targetsComplete: false,
                                reason: "`\(tool) edit` changes the objects as the configured editor leaves them; the change cannot be seen before it is made")]
            }
            if verb == "patch" {
                // The patch is given inline (`-p`) or in a file (`--patch-file`), as JSON or YAML.
                let patch = p.values["-p"] ?? p.values["--patch"] ?? p.values["--patch-file"].flatMap { invocation.files[$0] }
                // kubectl reads patches as YAML, of which JSON is a part: `-p 'spec: {replicas: 0}'`.
                if let patch, let document = YAMLDocuments.parse(patch)?.first {
                    if patchDocument(document, sets: ["spec", "replicas"], to: isZero) {
                        return [Finding(operation: "kubectl:scale_to_zero", effect: .destructive, targets: targets, reason: "`\(tool) patch` sets replicas to 0, which stops every pod")]
                    }
                    var exposedType = ""
                    if patchDocument(document, sets: ["spec", "type"], to: { value in
                        guard let type = value?.stringValue, isExposedServiceType(type) else { return false }
                        exposedType = type
                        return true
                    }) {
                        return [Finding(operation: "kubectl:expose_outside", effect: .destructive, targets: targets, categories: [.permissionChange],
                                        reason: "`\(tool) patch` makes the service a \(exposedType), reachable from outside the cluster")]
                    }
                    // Finalizers are what hold an object's deletion until its protection or cleanup
                    // is done (`kubernetes.io/pvc-protection` keeps a claim in use from going).
                    let clearsFinalizers = patchDocument(document, sets: ["metadata", "finalizers"], to: { $0 == .null || $0?.arrayValue?.isEmpty == true })
                        || document.arrayValue?.contains { operation in
                            operation["op"]?.stringValue == "remove" && operation["path"]?.stringValue?.hasPrefix("/metadata/finalizers") == true
                        } == true
                    if clearsFinalizers {
                        return [Finding(operation: "kubectl:finalizers_removed", effect: .destructive, targets: targets, categories: [.protectionOff],
                                        reason: "`\(tool) patch` removes the object's finalizers: a deletion waiting on them goes ahead at once, past the protection or cleanup they hold")]
                    }
                    if patchDocument(document, sets: ["spec", "persistentVolumeReclaimPolicy"], to: { $0?.stringValue?.lowercased() == "delete" }) {
                        return [Finding(operation: "kubectl:reclaim_delete", effect: .destructive, targets: targets, categories: [.protectionOff],
                                        reason: "`\(tool) patch` sets the volume's reclaim policy to Delete: when its claim is deleted, the volume and its data are deleted with it")]
                    }
                    // A patch that gives containers commands is decided as those commands.
                    let started = patchedContainerFindings(document, kind: Self.objectKinds(objects).first ?? "", target: targets.first ?? "?")
                    if !started.isEmpty {
                        return [Finding(operation: op, effect: .write, targets: targets, reason: "`\(tool) patch` changes what the workload's containers run")] + started
                    }
                }
            }
            // Pod Security Admission is a namespace's labels: `enforce=privileged`, or the label
            // removed (`enforce-`), lets any pod run there, host access included.
            if verb == "label", objects.contains(where: { word in
                word.hasPrefix("pod-security.kubernetes.io/enforce") && !word.hasPrefix("pod-security.kubernetes.io/enforce-version")
                    && (word.hasSuffix("=privileged") || word.hasSuffix("-"))
            }) {
                return [Finding(operation: "kubectl:pod_security_off", effect: .destructive, targets: targets, categories: [.protectionOff],
                                reason: "`\(tool) label` turns the namespace's pod security enforcement off: any pod, privileged and with host access, may run there")]
            }
            // A service reachable from outside the cluster: a load balancer (on a cloud, from the
            // internet) or a port on every node.
            let exposedBy: String? = switch verb {
            case "expose": (p.values["--type"]).flatMap { isExposedServiceType($0) ? $0 : nil }
            case "create" where sub == "service" || sub == "svc": objects.dropFirst().first.flatMap { isExposedServiceType($0) ? $0 : nil }
            default: nil
            }
            if let exposedBy {
                return [Finding(operation: "kubectl:expose_outside", effect: .destructive, targets: targets, categories: [.permissionChange],
                                reason: "`\(tool) \(verb)` creates a \(exposedBy) service, reachable from outside the cluster")]
            }
            // `apply --force` deletes and recreates an object whose patch keeps conflicting: the
            // incident's delete-then-recreate, with whatever the object held in between.
            if verb == "apply", p.flags.contains("--force"), p.values["--force"]?.lowercased() != "false" {
                let manifests = manifestObjects(invocation)
                return [Finding(operation: "kubectl:apply_force", effect: .destructive, targets: targets + (manifests?.objects.map(\.target) ?? []),
                                targetsComplete: manifests?.complete ?? !broad, reason: "`\(tool) apply --force` deletes and recreates objects whose changes cannot be patched in")]
            }
            if verb == "apply", p.flags.contains("--prune") {
                return [Finding(operation: "kubectl:apply_prune", effect: .destructive, targets: targets, targetsComplete: false, blastRadius: .unknown, reason: "`apply --prune` deletes objects missing from the files")]
            }
            if verb == "apply" || verb == "create", let manifests = manifestObjects(invocation),
               let findings = manifestFindings(manifests, verb: verb, tool: tool) {
                return findings
            }
            if verb == "create", let started = createdWorkloadFindings(verb: verb, objects: objects, parsed: p, invocation: invocation) {
                return [Finding(operation: op, effect: .write, targets: targets, reason: "`\(tool) create \(sub)` creates a workload")] + started
            }
            return [Finding(operation: op, effect: .write, targets: targets, targetsComplete: !broad, reason: "`\(tool) \(verb)` creates or changes objects")]
        default:
            return [Finding(operation: op, effect: .unknown, targets: targets, targetsComplete: false, reason: "`\(tool) \(verb)` is not classified")]
        }
    }

    /// Kinds whose deletion loses data: volumes and their claims, stateful sets' storage,
    /// secrets, and custom resource definitions (deleting one deletes every object of its kind).
    /// The kinds a command's object words name, however they are spelled: `ns prod`, `ns/prod`,
    /// `namespace,pvc prod`, `Namespace prod`, `statefulsets.apps db` (kind and API group). The
    /// first word is a kind or a list of them; any word with a slash names its kind before it.
    static func objectKinds(_ objects: [String]) -> [String] {
        var kinds: [String] = []
        for (index, word) in objects.enumerated() {
            guard let slash = word.firstIndex(of: "/") else {
                if index == 0 { kinds += word.pieces(between: ",").map { kindName($0) } }
                continue
            }
            kinds.append(kindName(word[..<slash]))
        }
        return kinds
    }

    /// `StatefulSets.apps`, `sts` → `statefulset`: the kind without its API group, lowercased,
    /// singular and unabbreviated, so that one object has one name whichever way it was written
    /// (a policy's targets and the delete-then-recreate check compare names).
    static func kindName(_ text: some StringProtocol) -> String {
        let name = (text.firstIndex(of: ".").map { text[..<$0] } ?? text[...]).lowercased()
        return kindAliases[name] ?? name
    }

    /// The objects a command's words name, as `kind/name`: `ns prod` and `namespace/prod` are both
    /// `namespace/prod`; `deploy,svc web` is `deployment/web` and `service/web`. A lone kind
    /// (`get pods`) stays as written.
    static func objectTargets(_ objects: [String]) -> [String] {
        guard let first = objects.first else { return [] }
        if first.contains("/") {
            return objects.map { word in
                guard let slash = word.firstIndex(of: "/") else { return word }
                return kindName(word[..<slash]) + word[slash...]
            }
        }
        guard objects.count >= 2 else { return objects }
        var targets: [String] = []
        for kind in first.pieces(between: ",") {
            for name in objects.dropFirst() { targets.append(kindName(kind) + "/" + name) }
        }
        return targets
    }

    static let kindAliases: [String: String] = [
        "ns": "namespace", "namespaces": "namespace", "deploy": "deployment", "deployments": "deployment", "svc": "service",
        "services": "service", "po": "pod", "pods": "pod", "pvc": "persistentvolumeclaim", "persistentvolumeclaims": "persistentvolumeclaim",
        "pv": "persistentvolume", "persistentvolumes": "persistentvolume", "sts": "statefulset", "statefulsets": "statefulset",
        "cm": "configmap", "configmaps": "configmap", "ds": "daemonset", "daemonsets": "daemonset", "rs": "replicaset",
        "replicasets": "replicaset", "rc": "replicationcontroller", "replicationcontrollers": "replicationcontroller", "cj": "cronjob",
        "cronjobs": "cronjob", "jobs": "job", "ing": "ingress", "ingresses": "ingress", "sa": "serviceaccount",
        "serviceaccounts": "serviceaccount", "no": "node", "nodes": "node", "crd": "customresourcedefinition",
        "crds": "customresourcedefinition", "customresourcedefinitions": "customresourcedefinition", "secrets": "secret",
        "roles": "role", "rolebindings": "rolebinding", "clusterroles": "clusterrole", "clusterrolebindings": "clusterrolebinding",
        "hpa": "horizontalpodautoscaler", "horizontalpodautoscalers": "horizontalpodautoscaler", "netpol": "networkpolicy",
        "networkpolicies": "networkpolicy", "pdb": "poddisruptionbudget", "poddisruptionbudgets": "poddisruptionbudget",
        "sc": "storageclass", "storageclasses": "storageclass", "ep": "endpoints", "quota": "resourcequota",
        "resourcequotas": "resourcequota", "limits": "limitrange", "limitranges": "limitrange", "projects": "project",
    ]

    static let dataKinds: Set<String> = [
        "pvc", "persistentvolumeclaim", "persistentvolumeclaims", "pv", "persistentvolume", "persistentvolumes", "statefulset", "statefulsets", "sts",
        "secret", "secrets", "crd", "crds", "customresourcedefinition", "customresourcedefinitions",
    ]

    /// One object of a manifest.
    struct ManifestObject {
        var kind: String
        var name: String?
        var document: JSONValue

        /// `kind/name` as kubectl writes it (`deployment/web`).
        var target: String { "\(KubernetesCommand.kindName(kind))/\(name ?? "?")" }
    }

    /// What the manifests an invocation names hold.
    struct Manifests {
        var objects: [ManifestObject] = []
        /// False when some file could not be read or parsed (a URL, a file the caller did not
        /// show, a remote base) or an object has no name.
        var complete = true
        /// Patches a kustomization applies.
        var patches: [String] = []
        /// Workloads a kustomization's `replicas:` sets to 0, as `kind/name` where the objects show the kind.
        var scaledToZero: [String] = []
        /// Manifests named but not read (not shown to the classifier, not YAML, an object whose
        /// kind is not text, a kustomization with a remote base): what they hold is not known.
        var unread: [String] = []
    }

    /// The objects in the manifests named by `-f`/`--filename` (files or directories) and
    /// `-k`/`--kustomize`. Nil when no manifest is named.
    static func manifestObjects(_ invocation: InfrastructureInvocation) -> Manifests? {
        var names: [String] = []
        var index = 0
        let arguments = invocation.arguments
        while index < arguments.count {
            defer { index += 1 }
            guard let argument = arguments[index] else { continue }
            if argument == "-f" || argument == "--filename" {
                names.append(index + 1 < arguments.count ? arguments[index + 1] ?? "" : "")
                index += 1
            } else if argument.hasPrefix("-f=") || argument.hasPrefix("--filename=") {
                names.append(String(argument[argument.index(after: argument.firstIndex(of: "=")!)...]))
            }
        }
        names += invocation.kustomizations
        guard !names.isEmpty else { return nil }
        var manifests = Manifests()
        guard invocation.documentsReadable else {
            manifests.complete = false
            manifests.unread = names
            return manifests
        }
        var generated: [ManifestSet.GeneratedObject] = []
        for name in names {
            var texts: [ManifestSet.File] = []
            if let set = invocation.manifestSets[name] {
                texts = set.files
                manifests.complete = manifests.complete && set.complete
                if !set.complete { manifests.unread.append(name) }
                manifests.patches += set.patches
                manifests.scaledToZero += set.scaledToZero
                generated += set.generated
            } else if let text = invocation.files[name] {
                texts = [.init(text: text, namePrefix: "", nameSuffix: "")]
            } else {
                manifests.complete = false
                manifests.unread.append(name)
            }
            for file in texts {
                // Yams ends a stream it cannot parse without a document rather than with an
                // error: text that is more than comments yet yields none was not read.
                guard let documents = YAMLDocuments.parse(file.text), !documents.isEmpty || YAMLDocuments.isBlank(file.text) else {
                    manifests.complete = false
                    manifests.unread.append(name)
                    continue
                }
                for document in documents {
                    // `kind: List` holds its objects under `items` (what `kubectl get -o yaml` prints).
                    let members = document["kind"]?.stringValue == "List" ? document["items"]?.arrayValue ?? [] : [document]
                    for member in members {
                        guard case .object = member else { continue }
                        // An object without a kind is refused (a kustomization.yaml among the files
                        // of `-f DIR`); one whose kind is not text was not read as kubectl reads it.
                        guard let kindValue = member["kind"] else {
                            manifests.complete = false
                            continue
                        }
                        guard let kind = kindValue.stringValue else {
                            manifests.complete = false
                            manifests.unread.append(name)
                            continue
                        }
                        var name = member["metadata"]?["name"]?.stringValue
                        // kustomize's prefixes and suffixes rename every object but namespaces and definitions.
                        if let given = name, kind != "Namespace", kind != "CustomResourceDefinition" { name = file.namePrefix + given + file.nameSuffix }
                        let object = ManifestObject(kind: kind, name: name, document: member)
                        if object.name == nil { manifests.complete = false }
                        manifests.objects.append(object)
                    }
                }
            }
        }
        for object in generated {
            manifests.objects.append(ManifestObject(kind: object.kind, name: object.name, document: .object([:])))
        }
        // A `replicas:` override names a workload the way kustomize finds it: by its name as written.
        manifests.scaledToZero = manifests.scaledToZero.map { name in
            manifests.objects.first { Self.workloadKinds.contains($0.kind.lowercased()) && ($0.document["metadata"]?["name"]?.stringValue == name || $0.name == name) }?.target ?? name
        }
        return manifests
    }

    static let workloadKinds: Set<String> = ["deployment", "statefulset", "replicaset", "replicationcontroller"]

    /// What applying, creating or replacing these objects does, when their content says more than
    /// the verb: an RBAC object changes who may do what, a workload with `replicas: 0` (in the
    /// manifest, a kustomization's patch or its `replicas:`) stops every pod, a workload's
    /// containers run their commands, and a manifest that could not be read may do any of it.
    /// Nil when nothing was named that could say more than the verb.
    static func manifestFindings(_ manifests: Manifests, verb: String, tool: String) -> [Finding]? {
        let patchedToZero = manifests.patches.contains(where: patchScalesToZero)
        guard !manifests.objects.isEmpty || patchedToZero || !manifests.scaledToZero.isEmpty || !manifests.unread.isEmpty else { return nil }
        var findings: [Finding] = []
        if !manifests.unread.isEmpty {
            // Roles and bindings, workloads and the commands they run decide what applying a
            // manifest does; one not read may hold any of them.
            let names = Array(Set(manifests.unread)).sorted().map { $0 == "-" ? "standard input" : "`\($0)`" }.joined(separator: ", ")
            findings.append(Finding(operation: "kubectl:\(verb)_unread", effect: .unknown, targetsComplete: false, blastRadius: .unknown,
                                    reason: "`\(tool) \(verb)` sends manifests that cannot be read here (\(names)); what they hold (roles and bindings, workloads and the commands they run) decides what it does"))
        }
        let access = manifests.objects.filter { isAccessControl($0.kind) }
        if !access.isEmpty {
            findings.append(Finding(operation: "kubectl:\(verb)_rbac", effect: .destructive, targets: access.map(\.target), categories: [.permissionChange],
                                    reason: "the manifest `\(tool) \(verb)` reads holds \(access.map(\.target).joined(separator: ", ")), which changes who may do what in the cluster"))
        }
        let exposed = manifests.objects.filter { ["service", "svc"].contains($0.kind.lowercased()) && isExposedServiceType($0.document["spec"]?["type"]?.stringValue) }
        if !exposed.isEmpty {
            findings.append(Finding(operation: "kubectl:expose_outside", effect: .destructive, targets: exposed.map(\.target), categories: [.permissionChange],
                                    reason: "the manifest makes \(exposed.map(\.target).joined(separator: ", ")) reachable from outside the cluster (a load balancer or a port on every node)"))
        }
        var stopped = manifests.objects.filter { workloadKinds.contains($0.kind.lowercased()) && isZero($0.document["spec"]?["replicas"]) }.map(\.target)
        stopped += manifests.scaledToZero
        if !stopped.isEmpty {
            findings.append(Finding(operation: "kubectl:scale_to_zero", effect: .destructive, targets: stopped,
                                    reason: "the manifest sets replicas to 0 for \(stopped.joined(separator: ", ")), which stops every pod"))
        }
        if patchedToZero {
            findings.append(Finding(operation: "kubectl:scale_to_zero", effect: .destructive, targetsComplete: false,
                                    reason: "a patch of the kustomization `\(tool) \(verb)` builds sets replicas to 0, which stops every pod of the workload it patches"))
        }
        // What the workloads' containers run.
        for object in manifests.objects { findings += containerFindings(object) }
        findings.append(Finding(operation: "kubectl:\(verb)", effect: .write, targets: manifests.objects.map(\.target), targetsComplete: manifests.complete,
                                reason: "`\(tool) \(verb)` creates or changes \(manifests.objects.isEmpty ? "objects" : manifests.objects.map(\.target).joined(separator: ", "))\(manifests.complete ? "" : " and what the files it could not read hold")"))
        return findings
    }

    /// `LoadBalancer` and `NodePort` services are reachable from outside the cluster.
    static func isExposedServiceType(_ type: String?) -> Bool {
        guard let type = type?.lowercased() else { return false }
        return type == "loadbalancer" || type == "nodeport"
    }

    /// RBAC objects: whoever changes them changes who may do what.
    static func isAccessControl(_ object: String) -> Bool {
        let kind = object.pieces(between: "/").first.map { $0.pieces(between: ".").first.map(String.init) ?? "" } ?? ""
        return ["clusterrolebinding", "clusterrolebindings", "rolebinding", "rolebindings", "clusterrole", "clusterroles", "role", "roles"].contains(kind.lowercased())
    }

    /// Whether a patch document sets `spec.replicas` to 0: a merge or strategic patch
    /// (`{"spec":{"replicas":0}}`) or a JSON patch (`[{"op":"replace","path":"/spec/replicas","value":0}]`).
    static func patchScalesToZero(_ text: String) -> Bool {
        // kubectl reads patches as YAML, of which JSON is a part: `-p 'spec: {replicas: 0}'`.
        guard let document = YAMLDocuments.parse(text)?.first else { return false }
        return patchDocument(document, sets: ["spec", "replicas"], to: isZero)
    }

    /// Whether a patch sets the field at `path` to a value `matches` accepts: a merge or strategic
    /// patch by its keys, a JSON patch by an `add` or `replace` of `/path/to/field`.
    static func patchDocument(_ document: JSONValue, sets path: [String], to matches: (JSONValue?) -> Bool) -> Bool {
        if let operations = document.arrayValue {
            let pointer = "/" + path.joined(separator: "/")
            return operations.contains { operation in
                ["replace", "add"].contains(operation["op"]?.stringValue ?? "") && operation["path"]?.stringValue == pointer && matches(operation["value"])
            }
        }
        var value: JSONValue? = document
        for key in path { value = value?[key] }
        return value != nil && matches(value)
    }

    static func isZero(_ value: JSONValue?) -> Bool { value == .int(0) || value == .string("0") || value == .double(0) }

    static func helm(_ invocation: InfrastructureInvocation) -> [Finding] {
        let p = parse(invocation)
        guard let verb = p.words.first else {
            return [Finding(operation: "helm:unclassified", effect: .unknown, targetsComplete: false, reason: "`helm` with a computed or missing subcommand")]
        }
        let op = "helm:\(verb)"
        let release = Array(p.words.dropFirst().prefix(1))
        // A post-renderer is a local program run over the rendered manifests, dry run or not.
        if p.flags.contains("--post-renderer") {
            return [Finding(operation: "helm:\(verb)_post_renderer", effect: .unknown, targets: release, targetsComplete: false, categories: [.opaqueExecution],
                            reason: "`helm \(verb) --post-renderer` runs a local program over the rendered manifests, which can do anything and send anything to the cluster")]
        }
        if isDryRun(p) { return [Finding(operation: op, effect: .read, targets: release, reason: "`helm \(verb) --dry-run` changes nothing")] }
        switch verb {
        case "uninstall", "delete", "del", "un":
            return [Finding(operation: "helm:uninstall", effect: .destructive, targets: release, categories: [.teardown], reason: "`helm uninstall` removes the release and its resources")]
        case "rollback":
            return [Finding(operation: op, effect: .destructive, targets: release, reason: "`helm rollback` replaces the release with an earlier revision")]
        case "install", "upgrade":
            if p.flags.contains("--force") {
                return [Finding(operation: "helm:\(verb)_force", effect: .destructive, targets: release,
                                reason: "`helm \(verb) --force` replaces changed resources by deleting and recreating them")]
            }
            // The release is one name, but its chart renders any number of objects (role bindings
            // and replica counts among them), which Interlock does not render: the blast radius is
            // not known.
            return [Finding(operation: op, effect: .write, targets: release, targetsComplete: false,
                            reason: "`helm \(verb)` deploys a release: the objects its chart renders, which are not examined here")]
        case "list", "ls", "status", "get", "history", "template", "show", "search", "lint", "env", "version", "verify", "diff":
            return [Finding(operation: op, effect: .read, targets: release, reason: "`helm \(verb)` only reads")]
        case "repo", "dependency", "dep", "plugin", "registry", "pull", "fetch", "package", "create", "push":
            let sub = p.words.dropFirst().first ?? ""
            if sub == "list" || sub == "ls" { return [Finding(operation: op, effect: .read, reason: "lists")] }
            if verb == "plugin", sub == "install" || sub == "update" {
                return [Finding(operation: "helm:plugin_\(sub)", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution],
                                reason: "`helm plugin \(sub)` runs the plugin's install hook, a program from elsewhere")]
            }
            return [Finding(operation: op, effect: .write, reason: "`helm \(verb) \(sub)` changes local charts or repositories")]
        case "test":
            return [Finding(operation: op, effect: .unknown, targets: release, targetsComplete: false, reason: "`helm test` runs the release's test pods")]
        default:
            return [Finding(operation: op, effect: .unknown, targets: release, targetsComplete: false, reason: "`helm \(verb)` is not classified")]
        }
    }
}
