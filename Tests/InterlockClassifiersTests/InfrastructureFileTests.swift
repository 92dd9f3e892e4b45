import InterlockClassifiers
import InterlockCore
import Testing

/// Manifests, patches and request files: what an infrastructure command reads decides what it does.
@Suite struct InfrastructureFileTests {
    let infrastructure = InfrastructureClassifier()

    func kubectl(_ arguments: [String], files: [String: String]) -> Classification {
        Classification(findings: infrastructure.classify(InfrastructureInvocation(tool: "kubectl", arguments: arguments, displays: arguments, files: files)))
    }

    @Test func namedFilesAreWhatTheToolReads() {
        let kube = InfrastructureInvocation(tool: "kubectl", arguments: ["apply", "-f", "a.yaml", "--filename=b.yaml", "-f", nil, "--patch-file", "p.yaml", "-n", "prod"], displays: [])
        #expect(kube.namedFiles == ["a.yaml", "b.yaml", "p.yaml"])
        let aws = InfrastructureInvocation(tool: "aws", arguments: ["route53", "change-resource-record-sets", "--change-batch", "file://dns/batch.json", "--cli-input-json", "file:///tmp/in.json", "--body", "fileb://x.bin"], displays: [])
        #expect(aws.namedFiles == ["dns/batch.json", "/tmp/in.json"])
        #expect(InfrastructureInvocation(tool: "terraform", arguments: ["apply", "-f", "x"], displays: []).namedFiles.isEmpty)
    }

    @Test func aListsItemsAndEveryDocumentCount() {
        let list = #"{"kind": "List", "items": [{"kind": "ConfigMap", "metadata": {"name": "a"}}, {"kind": "ClusterRole", "metadata": {"name": "b"}}]}"#
        let facts = kubectl(["apply", "-f", "l.json"], files: ["l.json": list])
        #expect(facts.effect == .destructive)
        #expect(facts.categories.contains(.permissionChange))
        #expect(facts.targets == ["clusterrole/b", "configmap/a"])

        let documents = "kind: ConfigMap\nmetadata: {name: a}\n---\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 2}\n"
        let plain = kubectl(["apply", "-f", "d.yaml"], files: ["d.yaml": documents])
        #expect(plain.effect == .write)
        #expect(plain.targetsComplete)
        #expect(plain.targets == ["configmap/a", "deployment/web"])
    }

    /// A file that was not shown, or not YAML, may hold anything a manifest can (roles, workloads
    /// and their commands): unknown, with the targets incomplete.
    @Test func anUnreadFileLeavesTheTargetsIncomplete() {
        let facts = kubectl(["apply", "-f", "seen.yaml", "-f", "unseen.yaml"], files: ["seen.yaml": "kind: ConfigMap\nmetadata: {name: a}\n"])
        #expect(facts.effect == .unknown)
        #expect(!facts.targetsComplete)
        #expect(kubectl(["apply", "-f", "bad.yaml"], files: ["bad.yaml": "kind: [unclosed"]).effect == .unknown)
    }

    @Test func deletingFromAManifestNamesItsObjects() {
        let facts = kubectl(["delete", "-f", "x.yaml"], files: ["x.yaml": "kind: Namespace\nmetadata: {name: prod}\n---\nkind: PersistentVolumeClaim\nmetadata: {name: data}\n"])
        #expect(facts.effect == .destructive)
        #expect(facts.targets == ["namespace/prod", "persistentvolumeclaim/data"])
        #expect(facts.targetsComplete)
        #expect(facts.categories.isSuperset(of: [.teardown, .dataLoss]))
        let selected = kubectl(["delete", "-f", "x.yaml", "-l", "app=web"], files: ["x.yaml": "kind: Namespace\nmetadata: {name: prod}\n"])
        #expect(!selected.targetsComplete)
        #expect(kubectl(["delete", "crd", "certificates.cert-manager.io"], files: [:]).categories.contains(.dataLoss))
    }

    @Test func patchesAreReadAsYAMLOrJSON() {
        for patch in ["spec: {replicas: 0}", "spec:\n  replicas: 0\n", #"{"spec":{"replicas":0}}"#, #"[{"op": "replace", "path": "/spec/replicas", "value": 0}]"#] {
            #expect(kubectl(["patch", "deploy", "web", "-p", patch], files: [:]).effect == .destructive, "\(patch)")
            #expect(kubectl(["patch", "deploy", "web", "--patch-file", "p"], files: ["p": patch]).effect == .destructive, "\(patch)")
        }
        #expect(kubectl(["patch", "deploy", "web", "-p", "spec: {replicas: 10}"], files: [:]).effect == .write)
        #expect(kubectl(["patch", "deploy", "web", "-p", "spec: {replicas: '0'}"], files: [:]).effect == .destructive)
    }

    /// Aliases can make a few lines stand for billions of nodes; such a text is unreadable, and
    /// reading it stops early.
    @Test func aliasBombsAreUnreadableAndCheap() {
        var text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let previous = level == 1 ? "a" : "l\(level - 1)"
            text += "l\(level): &l\(level) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        text += "kind: ClusterRoleBinding\nmetadata: {name: hidden}\n"
        // A full expansion (10^10 nodes) would not finish: the test would hang, not pass.
        let facts = kubectl(["apply", "-f", "bomb.yaml"], files: ["bomb.yaml": text])
        #expect(facts.effect == .unknown)
        #expect(!facts.targetsComplete)
    }

    @Test func awsRequestFilesAreTheParametersTheCLIReads() {
        func aws(_ arguments: [String], files: [String: String] = [:]) -> Classification {
            Classification(findings: infrastructure.classify(InfrastructureInvocation(tool: "aws", arguments: arguments, displays: arguments, files: files)))
        }
        let delete = #"{"Changes": [{"Action": "DELETE", "ResourceRecordSet": {"Name": "api.example.com", "Type": "A"}}]}"#
        let change = ["route53", "change-resource-record-sets", "--hosted-zone-id", "Z1", "--change-batch"]
        #expect(aws(change + ["file://b.json"], files: ["b.json": delete]).effect == .destructive)
        #expect(aws(change + ["file://b.json"]).effect == .unknown)
        #expect(aws(["ec2", "terminate-instances", "--cli-input-yaml", "file://in.yaml"], files: ["in.yaml": "InstanceIds: [i-1]\nDryRun: true\n"]).effect == .read)
        // Parameters on the line win over the document's.
        #expect(aws(["ec2", "terminate-instances", "--no-dry-run", "--cli-input-yaml", "file://in.yaml"], files: ["in.yaml": "InstanceIds: [i-1]\nDryRun: true\n"]).effect == .destructive)
        let unread = aws(["ec2", "describe-instances", "--cli-input-json", "file://in.json"])
        #expect(unread.effect == .unknown)
        #expect(unread.operations == ["aws:ec2:DescribeInstances"])
    }
}

/// Reading documents costs tens of microseconds each; a line holding many stops reading them, and
/// what is left unread is unknown, never the milder verb.
@Suite struct DocumentAllowanceTests {
    @Test func pastTheAllowanceADocumentIsUnknownNotAWrite() {
        let padding = String(repeating: "kubectl patch deploy a -p 'spec: {paused: false}'; ", count: 4)
        let classifier = ShellClassifier()
        #expect(classifier.classify(commandLine: padding).effect == .write)
        let hidden = classifier.classify(commandLine: padding + "kubectl patch deploy web -p 'spec: {replicas: 0}'")
        #expect(hidden.effect == .unknown)
        #expect(classifier.classify(commandLine: "kubectl patch deploy web -p 'spec: {replicas: 0}'").effect == .destructive)
        let aws = classifier.classify(commandLine: padding + "aws ec2 terminate-instances --cli-input-json '{\"InstanceIds\": [\"i-1\"], \"DryRun\": true}'")
        #expect(aws.effect == .destructive)
    }

    /// Documents written on the line have 1,536 bytes between them (YAML is slow to read, and a
    /// 4 KiB line must classify in under a millisecond); the same manifest on disk is read.
    @Test func aLongManifestOnTheLineIsUnknownAndOnDiskIsRead() {
        let manifest = "kind: ClusterRoleBinding\nmetadata: {name: agent-admin}\n" + String(repeating: "# padding so that the document is long\n", count: 40)
        #expect(manifest.utf8.count > 1536)
        let line = ShellClassifier().classify(commandLine: "kubectl apply -f - <<'EOF'\n" + manifest + "EOF")
        #expect(line.effect == .unknown)
        let disk = ShellClassifier(fileSystem: FixedFileSystem(files: ["/w/rbac.yaml": manifest], directories: ["/w"]))
        #expect(disk.classify(commandLine: "kubectl apply -f rbac.yaml", workingDirectory: "/w").effect == .destructive)
        #expect(disk.classify(commandLine: "cat rbac.yaml | kubectl apply -f -", workingDirectory: "/w").effect == .destructive)
    }
}
