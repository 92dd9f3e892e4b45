import InterlockCore

/// What the containers of a workload run. A Job, a CronJob or a bare Pod exists to run its
/// containers' commands — once, or on a schedule, where Interlock will not see them happen — so
/// creating one is decided as running those commands in the cluster: `kubectl create job x
/// --image=bitnami/kubectl -- kubectl delete ns prod` is the deletion, and `kubectl run` with a
/// command likewise. A Deployment's, StatefulSet's or DaemonSet's containers serve the
/// application being deployed: their commands raise the effect only when they are destructive
/// (an unknown server program is what deploying code means), while init containers, which run
/// to completion before every start, count as a Job's do.
extension KubernetesCommand {
    static let runToCompletionKinds: Set<String> = ["pod", "job", "cronjob"]
    static let longRunningKinds: Set<String> = workloadKinds.union(["daemonset"])

    /// The pod spec of an object of a workload kind: `spec` of a Pod, `spec.template.spec` of a
    /// Job or a Deployment, `spec.jobTemplate.spec.template.spec` of a CronJob.
    static func podSpec(_ object: ManifestObject) -> JSONValue? {
        switch kindName(object.kind) {
        case "pod": object.document["spec"]
        case "cronjob": object.document["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"]
        case let kind where runToCompletionKinds.contains(kind) || longRunningKinds.contains(kind): object.document["spec"]?["template"]?["spec"]
        default: nil
        }
    }

    /// Findings for what an object's containers run; empty for kinds that run nothing.
    static func containerFindings(_ object: ManifestObject) -> [Finding] {
        let kind = kindName(object.kind)
        // Kinds that run nothing have no pod spec; without a pod template the API server refuses
        // the object (or, for a patch, keeps the containers it has): nothing new runs.
        guard let spec = podSpec(object) else { return [] }
        var findings: [Finding] = []
        for (list, runsToCompletion) in [("initContainers", true), ("containers", runToCompletionKinds.contains(kind))] {
            for container in spec[list]?.arrayValue ?? [] {
                let name = container["name"]?.stringValue ?? "?"
                let argv = [container["command"], container["args"]].map { value -> [String?] in
                    guard let value else { return [] }
                    return (value.arrayValue ?? [value]).map(\.stringValue)
                }
                findings += commandFindings(command: argv[0], arguments: argv[1], in: "container `\(name)` of `\(object.target)`",
                                            target: object.target, runsToCompletion: runsToCompletion)
            }
        }
        return findings
    }

    /// The findings for one container: `command` (empty: the image's entrypoint) and `args`, a
    /// nil where a value is not known.
    static func commandFindings(command: [String?], arguments: [String?], in place: String, target: String, runsToCompletion: Bool) -> [Finding] {
        let words = command + arguments
        guard runsToCompletion || !words.isEmpty else { return [] }
        var findings: [Finding] = []
        if command.isEmpty, runsToCompletion {
            findings.append(Finding(operation: "kubectl:container_entrypoint", effect: .unknown, targets: [target], targetsComplete: false, categories: [.opaqueExecution],
                                    reason: "\(place) runs its image's entrypoint\(arguments.isEmpty ? "" : " with the arguments given"), which is not in the request"))
        }
        guard !words.isEmpty else { return findings }
        let known = words.compactMap { $0 }
        guard known.count == words.count else {
            if runsToCompletion {
                findings.append(Finding(operation: "kubectl:container_command", effect: .unknown, targets: [target], targetsComplete: false, categories: [.opaqueExecution],
                                        reason: "\(place) runs a command computed at run time"))
            }
            return findings
        }
        // The container's file system is not the one this machine shows: the command is read
        // against none.
        let line = ShellAnalysis.commandLine(known)
        let facts = ShellClassifier().classify(commandLineElsewhere: line)
        let display = known.joined(separator: " ")
        if runsToCompletion {
            findings.append(Finding(operation: "kubectl:container_command", effect: facts.effect, targets: [target], categories: facts.categories,
                                    reason: "\(place) runs `\(display)` in the cluster; what it does is what that command does"))
            findings += facts.findings
        } else if facts.effect == .destructive {
            let destructive = facts.findings.filter { $0.effect == .destructive }
            findings.append(Finding(operation: "kubectl:container_command", effect: .destructive, targets: [target],
                                    categories: destructive.reduce(into: []) { $0.formUnion($1.categories) },
                                    reason: "\(place) runs `\(display)` whenever a pod starts, which is destructive"))
            findings += destructive
        }
        return findings
    }

    /// The containers a patch of a `kind` object gives commands: a merge or strategic patch read
    /// as the object it changes; a JSON patch by its operations on `…/command` and `…/args` (a
    /// value that is not a list of strings, or a whole container added, is not read: unknown).
    static func patchedContainerFindings(_ document: JSONValue, kind: String, target: String) -> [Finding] {
        let kind = kindName(kind)
        guard runToCompletionKinds.contains(kind) || longRunningKinds.contains(kind) else { return [] }
        guard let operations = document.arrayValue else {
            return containerFindings(ManifestObject(kind: kind, name: target.split(separator: "/").last.map(String.init), document: document))
        }
        var findings: [Finding] = []
        for operation in operations {
            guard let path = operation["path"]?.stringValue, path.contains("ontainers"),
                  ["add", "replace", "copy", "move"].contains(operation["op"]?.stringValue ?? "") else { continue }
            let runsToCompletion = runToCompletionKinds.contains(kind) || path.contains("initContainers")
            let words = operation["value"]?.arrayValue?.map(\.stringValue)
            if path.hasSuffix("/command") || path.hasSuffix("/args"), let words {
                findings += commandFindings(command: path.hasSuffix("/command") ? words : [], arguments: path.hasSuffix("/args") ? words : [],
                                            in: "a container of `\(target)`", target: target, runsToCompletion: runsToCompletion)
            } else if runsToCompletion || path.hasSuffix("/command") || path.hasSuffix("/args") || operation["value"]?["command"] != nil || operation["value"]?["args"] != nil {
                findings.append(Finding(operation: "kubectl:container_command", effect: .unknown, targets: [target], targetsComplete: false, categories: [.opaqueExecution],
                                        reason: "a JSON patch of `\(target)` changes what its containers run (`\(path)`), in a form not read here"))
            }
        }
        return findings
    }

    /// `kubectl create job|cronjob|deployment NAME … [-- COMMAND …]` and `kubectl run NAME …
    /// [-- COMMAND …]`: the containers they create, as `containerFindings` reads a manifest's.
    /// Nil for other commands.
    static func createdWorkloadFindings(verb: String, objects: [String], parsed p: Parsed, invocation: InfrastructureInvocation) -> [Finding]? {
        let kind: String
        switch (verb, objects.first.map(kindName)) {
        case ("run", _): kind = "pod"
        case ("create", let created?) where ["job", "cronjob", "deployment"].contains(created): kind = created
        default: return nil
        }
        let name = verb == "run" ? objects.first : objects.dropFirst().first
        let target = "\(kind)/\(name ?? "?")"
        let command: [String?]
        if let separator = invocation.arguments.firstIndex(where: { $0 == "--" }) {
            command = Array(invocation.arguments[(separator + 1)...])
        } else {
            command = []
        }
        if command.isEmpty, let template = p.values["--from"] {
            // `create job --from=cronjob/backup` runs the cron job's template now.
            return [Finding(operation: "kubectl:container_entrypoint", effect: .unknown, targets: [target, template], targetsComplete: false, categories: [.opaqueExecution],
                            reason: "`\(target)` runs the containers of `\(template)`, whose commands are not in the request")]
        }
        // `kubectl run` passes the words after `--` to the image's entrypoint unless `--command`
        // makes them the command; `create` makes them the command.
        let asArguments = verb == "run" && !p.flags.contains("--command")
        return commandFindings(command: asArguments ? [] : command, arguments: asArguments ? command : [], in: "`\(target)`", target: target,
                               runsToCompletion: runToCompletionKinds.contains(kind))
    }
}
