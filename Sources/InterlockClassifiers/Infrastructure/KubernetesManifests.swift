import InterlockCore

/// The manifests one `kubectl -f DIRECTORY` or `-k KUSTOMIZATION` names, gathered from a file
/// system view for the Kubernetes classifier: what a directory or a kustomization will send to
/// the cluster decides what applying it does, as a single file's text does.
public struct ManifestSet: Sendable, Hashable {
    /// One manifest file, with the name prefix and suffix its kustomization gives its objects.
    public struct File: Sendable, Hashable {
        public var text: String
        public var namePrefix: String
        public var nameSuffix: String
    }

    /// The manifest files, in the order kubectl or kustomize reads them.
    public var files: [File] = []
    /// Patches a kustomization applies (strategic merge, JSON 6902), as text.
    public var patches: [String] = []
    /// Names of the workloads a kustomization's `replicas:` sets to 0.
    public var scaledToZero: [String] = []
    /// An object a kustomization generates (`configMapGenerator`, `secretGenerator`).
    public struct GeneratedObject: Sendable, Hashable {
        public var kind: String
        public var name: String
    }

    /// Objects the kustomization generates, named with its prefix and suffix.
    public var generated: [GeneratedObject] = []
    /// False when some of what the directory or kustomization sends could not be read or
    /// examined: a remote base, a missing file, a chart or plugin that computes objects, a
    /// directory the view cannot list.
    public var complete = true

    public init() {}
}

/// Reads directories of manifests and kustomizations through a `FileSystemView`, within an
/// allowance of files and bytes shared with the rest of the command line.
struct ManifestLoader {
    let fileSystem: any FileSystemView
    /// Bytes of files still allowed; the caller's disk allowance for documents.
    var bytesLeft: Int
    /// Files still allowed: a kustomization tree of hundreds of files is not examined on a hook's time.
    var filesLeft: Int
    /// Questions to the view still allowed (what a path is, what a directory holds): `-R -f /`
    /// must not walk the whole disk.
    var probesLeft: Int
    /// Set when an allowance ran out: the caller then treats the documents as unread.
    private(set) var spent = false

    init(fileSystem: any FileSystemView, bytesLeft: Int, filesLeft: Int = 64, probesLeft: Int = 1024) {
        self.fileSystem = fileSystem
        self.bytesLeft = bytesLeft
        self.filesLeft = filesLeft
        self.probesLeft = probesLeft
    }

    /// What is at a path, counted against the allowance; nil once it is spent.
    private mutating func kind(of path: String) -> PathKind? {
        probesLeft -= 1
        guard probesLeft >= 0 else {
            spent = true
            return nil
        }
        return fileSystem.kind(of: path)
    }

    /// What a directory holds, counted against the allowance by its length.
    private mutating func entries(of path: String) -> [String]? {
        guard let names = fileSystem.entries(of: path) else { return nil }
        probesLeft -= 1 + names.count / 16
        guard probesLeft >= 0 else {
            spent = true
            return nil
        }
        return names
    }

    /// The manifests `kubectl -f DIRECTORY` sends: its `.json`, `.yaml` and `.yml` files, and
    /// with `-R` those of every directory below it, in name order.
    mutating func directory(_ path: String, recursive: Bool) -> ManifestSet {
        var set = ManifestSet()
        readDirectory(path, recursive: recursive, depth: 0, into: &set)
        return set
    }

    private mutating func readDirectory(_ path: String, recursive: Bool, depth: Int, into set: inout ManifestSet) {
        guard depth < Self.maximumDepth, let names = entries(of: path) else {
            set.complete = false
            return
        }
        for name in names where !spent {
            let member = Paths.join(path, name)
            switch kind(of: member) {
            case .directory?:
                if recursive { readDirectory(member, recursive: true, depth: depth + 1, into: &set) }
            case .file?:
                guard Self.manifestExtensions.contains(where: { name.hasSuffix($0) }) else { continue }
                if let text = read(member) { set.files.append(.init(text: text, namePrefix: "", nameSuffix: "")) } else { set.complete = false }
            case .missing?, nil:
                set.complete = false
            }
        }
    }

    /// What `kubectl apply -k DIRECTORY` (or `kustomize build DIRECTORY`) sends: the
    /// kustomization's resources, bases and components, read recursively, with its patches, its
    /// `replicas:` overrides and its generated objects.
    mutating func kustomization(_ path: String) -> ManifestSet {
        var set = ManifestSet()
        var visiting: Set<String> = []
        readKustomization(path, prefix: "", suffix: "", depth: 0, visiting: &visiting, into: &set)
        return set
    }

    private mutating func readKustomization(_ directory: String, prefix outerPrefix: String, suffix outerSuffix: String, depth: Int,
                                            visiting: inout Set<String>, into set: inout ManifestSet) {
        guard depth < Self.maximumDepth, !visiting.contains(directory) else {
            set.complete = false
            return
        }
        var found: String?
        for name in Self.kustomizationFileNames where !spent {
            let candidate = Paths.join(directory, name)
            if kind(of: candidate) == .file {
                found = read(candidate)
                break
            }
        }
        guard let text = found, let document = YAMLDocuments.parse(text)?.first, case .object(let fields) = document else {
            set.complete = false
            return
        }
        visiting.insert(directory)
        defer { visiting.remove(directory) }
        // Prefixes nest: a base's objects get the base's prefix, then the overlay's.
        let prefix = outerPrefix + (fields["namePrefix"]?.stringValue ?? "")
        let suffix = (fields["nameSuffix"]?.stringValue ?? "") + outerSuffix

        for key in ["resources", "bases", "components"] {
            for entry in fields[key]?.arrayValue ?? [] where !spent {
                guard let reference = entry.stringValue, !Self.isRemote(reference) else {
                    set.complete = false
                    continue
                }
                let path = Paths.join(directory, reference)
                switch kind(of: path) {
                case .directory?:
                    readKustomization(path, prefix: prefix, suffix: suffix, depth: depth + 1, visiting: &visiting, into: &set)
                case .file?:
                    if let text = read(path) { set.files.append(.init(text: text, namePrefix: prefix, nameSuffix: suffix)) } else { set.complete = false }
                case .missing?, nil:
                    set.complete = false
                }
            }
        }
        // `patchesStrategicMerge` entries are file names or the patch itself; `patches` and
        // `patchesJson6902` entries name a file (`path`) or hold the patch (`patch`).
        for entry in fields["patchesStrategicMerge"]?.arrayValue ?? [] where !spent {
            guard let value = entry.stringValue else { continue }
            let path = Paths.join(directory, value)
            if !value.contains("\n"), kind(of: path) == .file {
                if let text = read(path) { set.patches.append(text) } else { set.complete = false }
            } else if value.contains(":") {
                set.patches.append(value)
            } else {
                set.complete = false
            }
        }
        for key in ["patches", "patchesJson6902"] {
            for entry in fields[key]?.arrayValue ?? [] where !spent {
                if let inline = entry["patch"]?.stringValue {
                    set.patches.append(inline)
                } else if let file = entry["path"]?.stringValue, case let path = Paths.join(directory, file), let text = read(path) {
                    set.patches.append(text)
                } else {
                    set.complete = false
                }
            }
        }
        for entry in fields["replicas"]?.arrayValue ?? [] {
            guard let name = entry["name"]?.stringValue else { continue }
            let count = entry["count"]
            if count == .int(0) || count == .string("0") || count == .double(0) { set.scaledToZero.append(name) }
        }
        for (key, kind) in [("configMapGenerator", "configmap"), ("secretGenerator", "secret")] {
            for entry in fields[key]?.arrayValue ?? [] {
                if let name = entry["name"]?.stringValue { set.generated.append(.init(kind: kind, name: prefix + name + suffix)) } else { set.complete = false }
            }
        }
        // Charts, plugins and replacements compute objects or values the files do not show.
        for key in Self.computingFields where fields[key] != nil { set.complete = false }
    }

    /// The text of a file, counted against the allowances; nil when it cannot be read.
    private mutating func read(_ path: String) -> String? {
        guard !spent else { return nil }
        filesLeft -= 1
        guard filesLeft >= 0 else {
            spent = true
            return nil
        }
        guard let text = fileSystem.contents(of: path) else { return nil }
        bytesLeft -= text.utf8.count
        guard bytesLeft >= 0 else {
            spent = true
            return nil
        }
        return text
    }

    /// A kustomize reference to a remote base: a URL or a git repository.
    static func isRemote(_ reference: String) -> Bool {
        reference.contains("://") || reference.hasPrefix("git@") || reference.hasPrefix("github.com/") || reference.hasPrefix("gitlab.com/")
            || reference.contains("?ref=") || reference.contains(".git//")
    }

    static let kustomizationFileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]
    static let manifestExtensions = [".json", ".yaml", ".yml"]
    static let computingFields = ["helmCharts", "helmChartInflationGenerator", "generators", "transformers", "validators", "replacements", "vars"]
    static let maximumDepth = 8
}

/// The `kustomize` CLI: `build` prints manifests; `edit`, `create` and `init` write the
/// kustomization file; the function commands run containers or programs.
enum KustomizeCommand {
    static func classify(_ invocation: InfrastructureInvocation) -> [Finding] {
        let words = invocation.arguments.compactMap { $0 }
        let flags = Set(words.filter { $0.hasPrefix("--") }.map { $0.split(separator: "=", maxSplits: 1).first.map(String.init) ?? $0 })
        guard let sub = invocation.arguments.first(where: { $0?.hasPrefix(ascii: "-") != true }) ?? nil else {
            return [Finding(operation: "kustomize:unclassified", effect: .unknown, targetsComplete: false, reason: "`kustomize` with a computed or missing subcommand")]
        }
        switch sub {
        case "build":
            return build(flags: flags, tool: "kustomize build", operation: "kustomize:build")
        case "version", "completion", "docs":
            return [Finding(operation: "kustomize:\(sub)", effect: .read, reason: "`kustomize \(sub)` only prints")]
        case "edit", "create", "init":
            return [Finding(operation: "kustomize:\(sub)", effect: .write, targets: ["kustomization.yaml"],
                            reason: "`kustomize \(sub)` writes the kustomization file; the cluster is not touched")]
        default:
            return [Finding(operation: "kustomize:\(sub)", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution],
                            reason: "`kustomize \(sub)` runs functions or commands that are not classified; its effect is unknown")]
        }
    }

    /// Building prints manifests and changes nothing, unless plugins may run programs.
    static func build(flags: Set<String>, tool: String, operation: String) -> [Finding] {
        if flags.contains("--enable-exec") || flags.contains("--enable-alpha-plugins") {
            return [Finding(operation: "\(operation)_plugins", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution],
                            reason: "`\(tool)` with plugins enabled runs the programs the kustomization names, which cannot be seen here")]
        }
        return [Finding(operation: operation, effect: .read, reason: "`\(tool)` prints the manifests a kustomization builds; it changes nothing")]
    }
}
