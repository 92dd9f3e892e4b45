import InterlockClassifiers
import InterlockCore
import Testing

/// Directories of manifests and kustomizations: what `kubectl -f DIR` and `-k DIR` send is read
/// from the disk view, as a single manifest file is.
@Suite struct KubernetesManifestTests {
    static let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n"
    static let binding = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: ops\n"

    func classify(_ line: String, files: [String: String], directories: Set<String> = []) -> Classification {
        var all = directories
        // Every directory above a file exists.
        for path in files.keys {
            var parent = path
            while let slash = parent.lastIndex(of: "/"), slash != parent.startIndex {
                parent = String(parent[..<slash])
                all.insert(parent)
            }
        }
        let shell = ShellClassifier(fileSystem: FixedFileSystem(files: files, directories: all))
        return shell.classify(commandLine: line, workingDirectory: "/w")
    }

    /// One object has one name however it is written, on the command line, in a manifest or
    /// through an MCP tool: the delete-then-recreate check and a policy's targets compare names.
    @Test func objectsHaveOneName() {
        let cases: [(String, [String])] = [
            ("kubectl delete ns prod", ["namespace/prod"]),
            ("kubectl delete ns/prod", ["namespace/prod"]),
            ("kubectl create namespace prod", ["namespace/prod"]),
            ("kubectl delete deploy,svc web -n prod", ["deployment/web", "service/web"]),
            ("kubectl create deployment web --image=nginx", ["deployment/web"]),
            ("kubectl delete statefulsets.apps/db", ["statefulset/db"]),
            ("kubectl delete -f ns.yaml", ["namespace/prod"]),
        ]
        for (line, targets) in cases {
            let facts = classify(line, files: ["/w/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n"])
            #expect(facts.targets == targets, "\(line): \(facts.targets)")
        }
        let mcp = ClassifierSet.standard(fileSystem: OpaqueFileSystem()).classify(Action(
            principal: Principal(agent: "t"), channel: .mcp,
            input: .tool(ToolCall(server: "kubernetes", tool: "resources_delete", arguments: .object(["kind": .string("Namespace"), "name": .string("prod")])))))
        #expect(mcp.targets.contains("namespace/prod"), "\(mcp.targets)")
    }

    @Test func theFixedViewListsWhatIsDirectlyInADirectory() {
        let view = FixedFileSystem(files: ["/a/x.yaml": "", "/a/b/y.yaml": "", "/ab/z": ""], directories: ["/a", "/a/b", "/a/c", "/ab"])
        #expect(view.entries(of: "/a") == ["b", "c", "x.yaml"])
        #expect(view.entries(of: "/a/b") == ["y.yaml"])
        #expect(view.entries(of: "/missing") == nil)
        #expect(OpaqueFileSystem().entries(of: "/a") == nil)
    }

    @Test func aDirectorySendsItsManifestFilesAndWithRecursionThoseBelow() {
        let files = ["/w/k8s/web.yaml": Self.deployment, "/w/k8s/notes.txt": "kind: RoleBinding\n", "/w/k8s/rbac/binding.yml": Self.binding]
        let flat = classify("kubectl apply -f k8s", files: files)
        #expect(flat.effect == .write)
        #expect(flat.targets == ["deployment/web"])
        #expect(flat.targetsComplete)
        let deep = classify("kubectl apply -R -f k8s/", files: files)
        #expect(deep.effect == .destructive)
        #expect(deep.categories.contains(.permissionChange))
        #expect(Set(deep.targets) == ["deployment/web", "rolebinding/ops"])
        // The same directory deleted names what it holds.
        let deleted = classify("kubectl delete -f k8s", files: files)
        #expect(deleted.effect == .destructive)
        #expect(deleted.targets == ["deployment/web"])
    }

    /// A service made reachable from outside the cluster is a change of who may reach it,
    /// through a manifest as through `expose` or `patch`; an internal one is an ordinary write.
    @Test func aServiceOpenedOutsideTheClusterIsAPermissionChange() {
        let service = { (type: String) in "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  type: \(type)\n  ports: [{port: 5432}]\n" }
        let opened = classify("kubectl apply -f svc.yaml", files: ["/w/svc.yaml": service("LoadBalancer")])
        #expect(opened.effect == .destructive)
        #expect(opened.categories.contains(.permissionChange))
        #expect(opened.operations.contains("kubectl:expose_outside"))
        #expect(classify("kubectl apply -f svc.yaml", files: ["/w/svc.yaml": service("NodePort")]).effect == .destructive)
        let insideOnly = classify("kubectl apply -f svc.yaml", files: ["/w/svc.yaml": service("ClusterIP")])
        #expect(insideOnly.effect == .write)
    }

    @Test func aDirectoryTheViewCannotListLeavesTheTargetsIncomplete() {
        let shell = ShellClassifier(fileSystem: OpaqueFileSystem())
        let facts = shell.classify(commandLine: "kubectl apply -f k8s/", workingDirectory: "/w")
        #expect(facts.effect == .unknown)
        #expect(!facts.targetsComplete)
        #expect(facts.blastRadius == .unknown)
    }

    @Test func kustomizationsAreReadThroughTheirBasesWithPrefixes() {
        let files = [
            "/w/base/kustomization.yaml": "nameSuffix: -v2\nresources: [deploy.yaml]\nsecretGenerator:\n- name: creds\n",
            "/w/base/deploy.yaml": Self.deployment,
            "/w/overlay/kustomization.yml": "namePrefix: prod-\nbases: [../base]\n",
        ]
        let facts = classify("kubectl apply -k overlay", files: files)
        #expect(facts.effect == .write)
        #expect(facts.targets == ["deployment/prod-web-v2", "secret/prod-creds-v2"])
        #expect(facts.targetsComplete)
    }

    @Test func whatAKustomizationChangesDecidesTheEffect() {
        let base = ["/w/base/kustomization.yaml": "resources: [deploy.yaml]\n", "/w/base/deploy.yaml": Self.deployment]
        func overlay(_ text: String, extra: [String: String] = [:]) -> Classification {
            classify("kubectl apply -k o", files: base.merging(["/w/o/kustomization.yaml": text]) { $1 }.merging(extra) { $1 })
        }
        let replicas = overlay("resources: [../base]\nreplicas:\n- name: web\n  count: 0\n")
        #expect(replicas.effect == .destructive)
        #expect(replicas.operations.contains("kubectl:scale_to_zero"))
        #expect(replicas.targets.contains("deployment/web"))
        #expect(overlay("resources: [../base]\nreplicas:\n- name: web\n  count: 2\n").effect == .write)
        // Patches inline and in files, in the three forms kustomize takes.
        #expect(overlay("resources: [../base]\npatches:\n- patch: '{\"spec\": {\"replicas\": 0}}'\n  target: {kind: Deployment}\n").effect == .destructive)
        #expect(overlay("resources: [../base]\npatchesStrategicMerge:\n- stop.yaml\n", extra: ["/w/o/stop.yaml": "kind: Deployment\nmetadata: {name: web}\nspec: {replicas: 0}\n"]).effect == .destructive)
        #expect(overlay("resources: [../base]\npatchesJson6902:\n- target: {kind: Deployment, name: web}\n  path: p.yaml\n", extra: ["/w/o/p.yaml": "- {op: replace, path: /spec/replicas, value: 0}\n"]).effect == .destructive)
        #expect(overlay("resources: [../base]\npatchesStrategicMerge:\n- |-\n  kind: Deployment\n  metadata: {name: web}\n  spec: {replicas: 0}\n").effect == .destructive)
        #expect(overlay("resources: [../base, rbac.yaml]\n", extra: ["/w/o/rbac.yaml": Self.binding]).categories.contains(.permissionChange))
    }

    @Test func whatCannotBeSeenLeavesTheTargetsIncomplete() {
        for text in [
            "resources: [https://example.com/base.yaml]\n", "resources: [github.com/org/repo//base?ref=v1]\n", "resources: [missing.yaml]\n",
            "helmCharts: [{name: redis}]\n", "transformers: [t.yaml]\n", "resources: [.]\n", "not: [valid\n",
        ] {
            let facts = classify("kubectl apply -k o", files: ["/w/o/kustomization.yaml": text])
            #expect(facts.effect == .unknown, "\(text)")
            #expect(!facts.targetsComplete, "\(text)")
        }
        // No kustomization file at all.
        #expect(!classify("kubectl apply -k o", files: ["/w/o/deploy.yaml": Self.deployment]).targetsComplete)
    }

    /// A kustomization tree larger than the allowance is not half-read: the apply is unknown.
    @Test func pastTheAllowanceAKustomizationIsUnknown() {
        var files = ["/w/o/kustomization.yaml": "resources:\n" + (0..<80).map { "- f\($0).yaml\n" }.joined()]
        for index in 0..<80 { files["/w/o/f\(index).yaml"] = "kind: ConfigMap\nmetadata: {name: c\(index)}\n" }
        let facts = classify("kubectl apply -k o", files: files)
        #expect(facts.effect == .unknown)
        var big = ["/w/o/kustomization.yaml": "resources: [a.yaml]\n"]
        big["/w/o/a.yaml"] = "kind: ConfigMap\nmetadata: {name: c}\ndata: {x: \"" + String(repeating: "x", count: 70_000) + "\"}\n"
        #expect(classify("kubectl apply -k o", files: big).effect == .unknown)
    }

    @Test func buildingAKustomizationIsAReadAndPipingItIsAnApply() {
        let files = ["/w/o/kustomization.yaml": "resources: [rbac.yaml]\n", "/w/o/rbac.yaml": Self.binding]
        #expect(classify("kustomize build o", files: files).effect == .read)
        #expect(classify("kubectl kustomize o", files: files).effect == .read)
        #expect(classify("kustomize build --enable-exec o", files: files).effect == .unknown)
        let piped = classify("kustomize build o | kubectl apply -f -", files: files)
        #expect(piped.effect == .destructive)
        #expect(piped.categories.contains(.permissionChange))
        // Options that change what is built leave the pipe unread.
        let other = classify("kustomize build --output x o | kubectl apply -f -", files: files)
        #expect(other.effect != .read)
        #expect(!other.targetsComplete)
        // A shell fed the build's output runs it: unknown, not an apply.
        #expect(classify("kustomize build o | sh", files: files).effect == .unknown)
    }
}

extension KubernetesManifestTests {
    /// A view that counts the questions it is asked: a recursive walk of a large tree, or a line of
    /// a thousand `-f` names, is cut short by the line's allowance, and the apply is unknown.
    final class CountingView: FileSystemView, @unchecked Sendable {
        var questions = 0
        func kind(of path: String) -> PathKind? {
            questions += 1
            return path.hasSuffix(".yaml") ? .file : .directory
        }
        func contents(of path: String) -> String? {
            questions += 1
            return nil
        }
        func entries(of directory: String) -> [String]? {
            questions += 1
            // Every directory holds 20 more and a file, without end.
            return (0..<20).map { "d\($0)" } + ["x.yaml"]
        }
    }

    @Test func aWalkOfTheWholeDiskIsCutShort() {
        let view = CountingView()
        let facts = ShellClassifier(fileSystem: view).classify(commandLine: "kubectl apply -R -f /", workingDirectory: "/w")
        #expect(facts.effect == .unknown)
        #expect(view.questions < 1200, "\(view.questions)")

        let names = CountingView()
        let many = "kubectl apply " + (0..<1500).map { "-f m\($0).yaml" }.joined(separator: " ")
        #expect(ShellClassifier(fileSystem: names).classify(commandLine: many, workingDirectory: "/w").effect == .unknown)
        #expect(names.questions < 2200, "\(names.questions)")
    }
}

extension KubernetesManifestTests {
    /// What a pipeline feeds `replace -f -` or `apply -f -` cannot be read: the objects, how many
    /// and what they do (here, replicas set to 0) are not known, so neither the effect nor the
    /// blast radius is (before, these were writes, and a replace counted as one object).
    @Test func objectsFromAPipelineAreUnknown() {
        for line in ["kubectl get deploy web -o yaml | sed 's/replicas: 3/replicas: 0/' | kubectl replace -f -",
                     "kubectl get deploy web -o yaml | sed 's/replicas: 3/replicas: 0/' | kubectl apply -f -", "kubectl replace -f missing.yaml"] {
            let facts = classify(line, files: [:])
            #expect(facts.effect == .unknown, "\(line)")
            #expect(facts.blastRadius == .unknown, "\(line)")
        }
    }
}

extension KubernetesManifestTests {
    static let pluginConfig = "users:\n- name: ops\n  user:\n    exec:\n      command: sh\n      args: [\"-c\", \"rm -rf /srv/app\"]\n"

    /// A kubeconfig's credential plugin is a command the line runs; one that cannot be seen —
    /// unreadable, or past the line's allowance of documents — is unknown, never passed over.
    @Test func kubeconfigPluginsAreCommandsTheLineRuns() {
        #expect(classify("KUBECONFIG=k.yaml kubectl get pods", files: ["/w/k.yaml": Self.pluginConfig]).effect == .destructive)
        // Missing: kubectl fails before it runs anything.
        #expect(classify("kubectl --kubeconfig gone.yaml get pods", files: [:], directories: ["/w"]).effect == .read)
        // A view that cannot read it.
        let unseen = ShellClassifier(fileSystem: OpaqueFileSystem()).classify(commandLine: "kubectl --kubeconfig k.yaml get pods", workingDirectory: "/w")
        #expect(unseen.effect == .unknown)
        // Four documents read first spend the allowance; the plugin is then unknown, not a read.
        let manifest = "kind: ConfigMap\nmetadata: {name: c}\n"
        let spent = classify("kubectl apply -f a.yaml; kubectl apply -f a.yaml; kubectl apply -f a.yaml; kubectl apply -f a.yaml; kubectl --kubeconfig k.yaml get pods",
                             files: ["/w/a.yaml": manifest, "/w/k.yaml": Self.pluginConfig])
        #expect(spent.effect != .read && spent.effect != .write)
        // A plugin that names its own kubeconfig again is followed only as far as the allowance.
        let loop = "users:\n- name: x\n  user:\n    exec:\n      command: kubectl\n      args: [--kubeconfig, loop.yaml, get, pods]\n"
        #expect(classify("kubectl --kubeconfig loop.yaml get pods", files: ["/w/loop.yaml": loop]).effect == .unknown)
    }
}
