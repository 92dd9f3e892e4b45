import FoundationEssentials
import InterlockCore
import InterlockSyntax

/// Classifies shell command lines by parsing them and following every layer to the commands that
/// will run: wrappers (`sudo`, `env`, `xargs`, `ssh` ...), command strings (`bash -c`, `eval`),
/// substitutions, functions, aliases and script files. Facts only.
public struct ShellClassifier: ActionClassifier {
    public var fileSystem: any FileSystemView
    public var infrastructure: any InfrastructureCommandClassifier

    public init(fileSystem: any FileSystemView = OpaqueFileSystem(), infrastructure: any InfrastructureCommandClassifier = InfrastructureClassifier()) {
        self.fileSystem = fileSystem
        self.infrastructure = infrastructure
    }

    public func classify(_ action: Action) -> Classification? {
        guard case .shell(let input) = action.input else { return nil }
        var facts = classify(commandLine: input.command, workingDirectory: action.workingDirectory)
        if let shell = input.shell?.lowercased(), shell == "powershell" || shell == "pwsh" {
            // The line was read with POSIX shell rules, which find `rm -rf` in PowerShell too but
            // not what PowerShell alone does: its aliases (`curl -Method Delete` is Invoke-WebRequest
            // in Windows PowerShell, `sc` is Set-Content, `r` reruns history), script blocks,
            // `&` calls. So a PowerShell line is never taken as read or write; destructive stays.
            facts.add(Finding(operation: "shell:powershell", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution],
                              reason: "PowerShell has rules of its own (aliases, script blocks, call operators) that Interlock does not parse, so the line is not taken as read or write"))
        }
        return facts
    }

    /// Facts about one command line run in `workingDirectory`.
    public func classify(commandLine: String, workingDirectory: String? = nil) -> Classification {
        classify(commandLine: commandLine, workingDirectory: workingDirectory, elsewhere: false)
    }

    /// Facts about a command line that runs on another machine or in a container (a cloud CLI's
    /// remote command, SSM, ECS Exec, a workload's container), whose environment is a
    /// service's, not the agent's.
    func classify(commandLineElsewhere commandLine: String) -> Classification {
        classify(commandLine: commandLine, workingDirectory: nil, elsewhere: true)
    }

    private func classify(commandLine: String, workingDirectory: String?, elsewhere: Bool) -> Classification {
        var analysis = ShellAnalysis(fileSystem: fileSystem, infrastructure: infrastructure, workingDirectory: workingDirectory)
        analysis.runsElsewhere = elsewhere
        analysis.nestedTextBudget = ShellAnalysis.nestedTextAllowance(for: commandLine)
        analysis.analyzeText(commandLine, origin: "the command line")
        return analysis.result()
    }
}

/// Where a command's standard input comes from; it decides what a shell or interpreter reading
/// its program from stdin will run.
enum StandardInput {
    case inherited
    /// The previous command of a pipeline; the string names it for reasons.
    case pipe(from: String)
    /// The previous command of a pipeline, which prints this fixed text.
    case piped(String, from: String)
    case file(String)
    /// A here-document or here-string with this text, or nil when the text is computed.
    case text(String?)
    /// The previous command of a pipeline is `kustomize build DIRECTORY` (or `kubectl kustomize`),
    /// which prints the manifests the kustomization in that directory builds.
    case kustomized(directory: String, from: String)
}

/// One argument after the parser's quote removal and the analysis' variable substitution.
struct Argument {
    /// The value the command receives, when it is known before running.
    var value: String?
    /// The display when it differs from the value: most arguments are shown as they are, and one
    /// string fewer to retain halves the reference counting of the lists arguments travel in.
    private var distinctDisplay: String?
    /// True when globbing, brace or tilde expansion can change it.
    var isPattern: Bool

    /// How to show it in a reason or a target when the value is not known.
    var display: String { distinctDisplay ?? value ?? "" }

    init(value: String?, display: String, isPattern: Bool = false) {
        self.value = value
        self.distinctDisplay = value == display ? nil : display
        self.isPattern = isPattern
    }

    static func known(_ value: String) -> Argument { Argument(value: value, display: value) }

    /// Arguments that arrive only at run time (xargs' input, find's `{}`).
    static func runtime(_ display: String) -> Argument { Argument(value: nil, display: display) }

    var isExact: Bool { value != nil && !isPattern }
    var text: String { value ?? display }
}

/// The walk over one command line and everything it runs.
struct ShellAnalysis {
    /// The disk as the classifier's view shows it, before this line changes anything.
    let disk: any FileSystemView
    /// Files the line has written or changed so far, which later commands of the line read as
    /// they will be then, not as the disk holds them now: `cat > deploy.sh <<EOF … EOF && bash
    /// deploy.sh` runs the here-document; `printf 'rm -rf /srv' >> ok.sh && sh ok.sh` runs the
    /// appended line too; after `curl -o x.sh URL`, `sed -i … x.sh` or `cp y x.sh`, `x.sh` holds
    /// what cannot be known here.
    /// In the order written, the latest last; a list, not a dictionary: most commands write, few
    /// lines read back, and hashing every written path cost more than the scans of the reads.
    var writtenFiles: [(path: String, file: WrittenFile)] = []

    enum WrittenFile {
        /// The line wrote this text (`echo`, `printf`, `cat <<EOF` into `>` or `>>`).
        case text(String)
        /// The line changed the file, or what is below the directory, in a way not known here.
        case changed
    }

    /// Symbolic links the line made (`ln -s TARGET LINK`), each where it stands and what it holds.
    var linksMade: [(path: String, target: String)] = []

    /// Whether any text this line analyzes could hold a subscript that runs a command
    /// (`mayHoldSubscriptCode`); until one does, the subscripts bash evaluates are not looked at.
    var subscriptsMayRun = false

    /// Whether the disk's view shows links, asked once: every path a line names asks `seesLinks`.
    let diskShowsLinks: Bool

    /// Whether the line's view shows links: asked before building the view, which costs more.
    var seesLinks: Bool { diskShowsLinks || !linksMade.isEmpty }

    /// Where an absolute path really leads, when a link makes that another place; nil otherwise.
    func linkedPath(_ path: String) -> String? {
        guard seesLinks, path.hasPrefix(ascii: "/"), let physical = fileSystem.physicalPath(path), physical != path else { return nil }
        return physical
    }

    /// The disk as the line's next command will find it.
    var fileSystem: any FileSystemView {
        writtenFiles.isEmpty && linksMade.isEmpty ? disk : LineFileSystem(disk: disk, written: writtenFiles, links: linksMade)
    }
    let infrastructure: any InfrastructureCommandClassifier
    var workingDirectory: String?
    /// True while classifying what runs in a container, a pod or on another host: there the
    /// environment is a service's, with its secrets, not the agent's own.
    var runsElsewhere = false
    /// Where `cd ~/x` or `cd $HOME/x` left the line, spelled from the home directory, which a pure
    /// classifier does not know: relative targets after it are `~/x/target`, so that a policy or
    /// `GuardedPaths` still sees `cd ~/.claude && rm settings.json` for what it removes.
    var homeRelativeDirectory: String?
    var findings: [Finding] = []
    var environmentFacts = EnvironmentFacts()
    /// What the commands that start billed resources will cost (`AWSCost`), summed.
    var estimatedCostUSD: Double?
    var functions: [String: CompoundCommand] = [:]
    /// Which set of definitions `functions` holds: a new number at every change, from a counter
    /// no branch rewinds, so that comparing what two ways through a line know compares numbers
    /// rather than function bodies.
    var functionsRevision = 0
    var revisionsIssued = 0
    var aliases: [String: String] = [:]
    var variables: [String: String] = [:]
    /// `$1`, `$2` … `$@`, when the line fixes them: the arguments of a function it defined and
    /// calls, the words after `bash -c TEXT NAME`, `set -- …`. Nil where they come from outside.
    var positional: [String]?
    /// Functions and aliases a branch, loop or `&&` may have defined, or defined otherwise: what
    /// calling them runs is not known (`ShellScope.swift`).
    var uncertainCommands: Set<String> = []
    /// The line may have left the working directory it was given, for one not known (a `cd` that
    /// may fail, or that only some ways through the line ran): relative targets are then not a
    /// complete account of what a command acts on.
    var directoryUncertain = false
    /// `IFS` was set to something not known: how unquoted expansions split is not known.
    var fieldSeparatorsUnknown = false
    /// A name reference (`declare -n`) makes any assignment change another variable: from then
    /// on no variable's value is known.
    var variablesUntrusted = false
    /// Second walks of loops that change what the shell remembers, still allowed for this line.
    var loopRewalksLeft = ShellAnalysis.maximumLoopRewalks
    /// For each function call being walked, the caller's values of the variables it made local.
    var localFrames: [[String: String?]] = []
    /// The line assigned `CDPATH` somewhere (kept for the whole walk, as no way can unset it
    /// for sure): `cd NAME` then looks NAME up there first.
    var cdpathAssigned = false
    /// Variables made read-only: assigning them fails and leaves them as they were.
    var readonlyVariables: Set<String> = []
    /// Variables given an attribute that changes what is assigned (`declare -u`, `-l`, `-i`):
    /// their values are not taken as written.
    var transformedVariables: Set<String> = []
    /// For each function call being walked, what the shell held at each `return` met so far.
    var returnScopes: [[Scope]] = []
    /// Assignments in front of the command being classified (`TF_CLI_ARGS=-destroy terraform apply`);
    /// nil values are computed at run time.
    var commandEnvironment: [String: String?] = [:]
    /// Nesting of command strings, scripts and function calls.
    var depth = 0
    /// Commands examined so far; past the budget the rest is `unknown`.
    var commandsExamined = 0
    var activeFunctions: Set<String> = []
    /// Scripts that database clients' own commands read (`SOURCE`, `:r`, `!source`), counted
    /// against a bound.
    var clientScriptsRead = 0

    /// Bytes of command strings (`eval`, `sh -c`, aliases, `-o ProxyCommand=` ...) still to be
    /// parsed. Each layer re-parses text the line already holds, so without a bound `eval eval eval
    /// ... rm -rf /` costs the square of its length; past the budget the rest is `unknown`.
    var nestedTextBudget = 0

    static let maximumDepth = 12
    static let commandBudget = 4000

    /// Nested text a source may bring: twice its own length and 4 KiB, enough for every layered
    /// command an agent writes while keeping the work linear in the input.
    static func nestedTextAllowance(for text: String) -> Int { 2 * text.utf8.count + 4096 }

    init(fileSystem: any FileSystemView, infrastructure: any InfrastructureCommandClassifier, workingDirectory: String?) {
        self.disk = fileSystem
        self.diskShowsLinks = fileSystem.showsLinks
        self.infrastructure = infrastructure
        self.workingDirectory = workingDirectory
    }

    func result() -> Classification {
        if findings.isEmpty {
            // Nothing at all to run (an empty line, only comments): nothing happens.
            return Classification(
                findings: [Finding(operation: "shell:empty", effect: .read, reason: "the command line runs nothing")],
                environmentFacts: environmentFacts)
        }
        return Classification(findings: findings, estimatedCostUSD: estimatedCostUSD, environmentFacts: environmentFacts)
    }

    // MARK: - Findings

    mutating func add(_ operation: String, _ effect: Effect, targets: [Argument] = [], blastRadius: BlastRadius? = nil,
                      categories: Set<Category> = [], _ reason: String) {
        add(operation, effect, targets, arePaths: true, blastRadius: blastRadius, categories: categories, reason)
    }

    /// Adds a finding about things a command names that are not files — services, processes,
    /// users, packages, containers, databases, keys — which are targets as written: `systemctl
    /// stop nginx` stops `nginx`, not `/srv/app/nginx`, and a grant or rule for paths under the
    /// working directory must not take it in.
    mutating func add(_ operation: String, _ effect: Effect, names: [Argument], blastRadius: BlastRadius? = nil,
                      categories: Set<Category> = [], _ reason: String) {
        add(operation, effect, names, arePaths: false, blastRadius: blastRadius, categories: categories, reason)
    }

    private mutating func add(_ operation: String, _ effect: Effect, _ targets: [Argument], arePaths: Bool, blastRadius: BlastRadius?,
                              categories: Set<Category>, _ reason: String) {
        var complete = targets.allSatisfy(\.isExact)
        if directoryUncertain, arePaths, targets.contains(where: { $0.value.map { !$0.hasPrefix(ascii: "/") && !$0.hasPrefix(ascii: "~") } ?? false }) {
            complete = false
        }
        // Loops rather than closures here and below: a closure that calls a method of this struct
        // captures a copy of the whole analysis state, which this hot path cannot afford.
        var resolved: [String] = []
        resolved.reserveCapacity(targets.count)
        for target in targets {
            if arePaths, let value = target.value, !target.isPattern {
                resolved.append(resolvePath(value))
            } else {
                resolved.append(target.display)
            }
        }
        // An extent said to be unknown is a scope, not a count: a recursive change, an archive
        // extracted, contents copied. It reaches a project's hook settings in a directory it
        // names, though it does not name them: the view says whether they are there, and then
        // they are named.
        let reachesBeneath = arePaths && effect != .read && blastRadius == .unknown
        if reachesBeneath {
            // `resolved` matches `targets` one to one until the first path is appended.
            for index in targets.indices where targets[index].isExact && resolved[index].hasPrefix(ascii: "/") {
                for settings in Self.projectHookSettings {
                    let path = resolved[index] == "/" ? "/" + settings : resolved[index] + "/" + settings
                    if let kind = fileSystem.kind(of: path), kind != .missing { resolved.append(path) }
                }
            }
        }
        let finding = Finding(
            operation: operation, effect: effect, targets: resolved, targetsComplete: complete,
            blastRadius: blastRadius, categories: categories, reason: reason, reachesBeneathTargets: reachesBeneath)
        // A fact already stated says nothing new: `x=$(y); x=$(y); ...` or a loop body written
        // out many times states each once. Repeats come one after another, so the last few
        // findings are all that need comparing.
        for earlier in findings.suffix(Self.repeatWindow) where earlier == finding { return }
        if findings.isEmpty { findings.reserveCapacity(4) }
        findings.append(finding)
    }

    /// Adds a finding made elsewhere, unless one of the latest says the same.
    mutating func add(_ finding: Finding) {
        for earlier in findings.suffix(Self.repeatWindow) where earlier == finding { return }
        findings.append(finding)
    }

    /// What, in a project's top directory, wires its host to Interlock (`GuardedPaths`).
    static let projectHookSettings = [".claude", ".kiro", ".cursor", ".mcp.json"]

    /// How many of the latest findings a new one is compared with before it is added.
    static let repeatWindow = 4

    mutating func unknown(_ operation: String, _ reason: String, opaque: Bool = false) {
        add(operation, .unknown, categories: opaque ? [.opaqueExecution] : [], reason)
    }

    /// A path as the command will see it: relative paths against the working directory.
    func resolvePath(_ path: String) -> String {
        guard !path.isEmpty, !path.hasPrefix(ascii: "-") else { return path }
        // A `..` is climbed from where a link leads, which only the view can say; every other
        // path is lexical (and what links it passes through is added to the targets later).
        if seesLinks, path.containsASCII(".."), let physical = climbsThroughLinks(path) { return physical }
        if path.hasPrefix(ascii: "/") { return Paths.normalize(path) }
        if path.containsASCII("://") || path.hasPrefix(ascii: "~") { return path }
        if workingDirectory == nil, let base = homeRelativeDirectory { return base + "/" + path }
        return Paths.join(workingDirectory, path)
    }

    /// A path with a `..` component, when the view shows links: the kernel climbs from where a
    /// link leads (`/tmp/x/../etc` with `x` leading to `/srv/app/data` is `/srv/app/etc`), which
    /// no lexical reading can say. Nil for every other path, and for a relative one without a
    /// working directory.
    @inline(never)
    func climbsThroughLinks(_ path: String) -> String? {
        guard path.split(separator: "/").contains("..") else { return nil }
        if path.hasPrefix(ascii: "/") { return fileSystem.physicalPath(path) }
        guard !path.containsASCII("://"), !path.hasPrefix(ascii: "~"), let workingDirectory, workingDirectory.hasPrefix(ascii: "/") else { return nil }
        return fileSystem.physicalPath(workingDirectory + "/" + path)
    }

    func pathKind(_ argument: Argument) -> PathKind? {
        guard let value = argument.value, !argument.isPattern, let path = absolutePath(value) else { return nil }
        // What is there is what the path leads to: a link to `/etc/passwd` is `/etc/passwd`.
        if let physical = linkedPath(path) { return fileSystem.kind(of: physical) }
        return fileSystem.kind(of: path)
    }

    // MARK: - Text and scripts

    /// Parses `text` and walks it one level deeper; `origin` names it in reasons.
    mutating func analyzeText(_ text: String, origin: String) {
        guard depth < Self.maximumDepth else {
            unknown("shell:too_deep", "\(origin) nests command strings more than \(Self.maximumDepth) levels deep", opaque: true)
            return
        }
        if depth > 0 {
            nestedTextBudget -= text.utf8.count
            guard nestedTextBudget >= 0 else {
                unknown("shell:too_much_text", "\(origin) is past the budget of nested command text for one line; its effect is not examined", opaque: true)
                return
            }
        }
        let script: ShellScript
        do {
            script = try ShellParser.parse(text)
        } catch {
            unknown("shell:unparseable", "\(origin) cannot be parsed (\(error.message)); its effect is unknown")
            return
        }
        if !subscriptsMayRun { subscriptsMayRun = Self.mayHoldSubscriptCode(text) }
        depth += 1
        walk(script)
        depth -= 1
    }

    /// Whether a text can give bash a subscript that runs a command: it holds `[` and `$(` or a
    /// backquote — or `$'…'`, which can spell either. Values the line knows are built from its
    /// own text, so a line without them has nothing for `walkSubscriptCode` to find.
    static func mayHoldSubscriptCode(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            // Every line is asked: one pass noting which of `[`, `` ` `` and `$` occur, and the
            // pairs only when both halves are there.
            // Independent selects, ORed: a loop the compiler turns into vector compares.
            var seen: UInt8 = 0
            for byte in bytes {
                seen |= (byte == UInt8(ascii: "[") ? 1 : 0) | (byte == UInt8(ascii: "`") ? 2 : 0) | (byte == UInt8(ascii: "$") ? 4 : 0)
            }
            guard seen & 4 != 0 || seen == 3 else { return seen == 3 }
            var previous: UInt8 = 0
            var substitution = seen & 2 != 0
            for byte in bytes {
                if previous == UInt8(ascii: "$") {
                    if byte == UInt8(ascii: "'") { return true }
                    if byte == UInt8(ascii: "(") { substitution = true }
                }
                previous = byte
            }
            return substitution && seen & 1 != 0
        }
    }

    /// Classifies a script file from its contents.
    mutating func analyzeScriptFile(_ argument: Argument, runner: String) {
        guard let path = argument.value, !argument.isPattern else {
            unknown("shell:script", "\(runner) runs a script whose path (`\(argument.display)`) is computed at run time", opaque: true)
            return
        }
        guard let text = contentsOfFile(named: argument) else {
            unknown("shell:script", "\(runner) runs `\(path)`, whose contents cannot be read here, so its effect is unknown", opaque: true)
            return
        }
        analyzeSourceText(text, origin: "the script `\(path)`")
    }

    /// The text of the file `argument` names, through the view; nil when the name is computed at
    /// run time or a pattern, or the file cannot be read here.
    func contentsOfFile(named argument: Argument) -> String? {
        guard let path = argument.value, !argument.isPattern, let resolved = absolutePath(path) else { return nil }
        return fileSystem.contents(of: resolved)
    }

    /// Reads the documents an infrastructure command names (manifests, patches, request files)
    /// into `invocation.files`, within the line's allowances; false when they are spent, and
    /// the classifier then says unknown where a document would decide.
    ///
    /// YAML costs 0.2 to 0.4 µs a byte to read (Yams), so documents written on the line itself
    /// (`-p` patches, here-documents, `echo … |`) have 1,536 bytes between them, which keeps a
    /// 4 KiB line under a millisecond; documents from the disk (`-f FILE`, `< FILE`, `cat FILE |`,
    /// `file://`) have 64 KiB, a few milliseconds; and at most four commands a line have theirs read (a
    /// document costs some 30 µs before its first byte).
    mutating func allowDocuments(of invocation: inout InfrastructureInvocation, stdin: StandardInput) -> Bool {
        documentReadsLeft -= 1
        lineDocumentBytesLeft -= invocation.inlineDocumentBytes
        guard documentReadsLeft >= 0, lineDocumentBytesLeft >= 0 else { return false }
        let recursive = invocation.arguments.contains { $0 == "-R" || $0 == "--recursive" || $0 == "--recursive=true" }
        for name in invocation.kustomizations where invocation.manifestSets[name] == nil {
            guard let directory = absolutePath(name) else { continue }
            guard let set = loadManifests(from: directory, kustomization: true, recursive: false) else { return false }
            invocation.manifestSets[name] = set
        }
        for name in invocation.namedFiles where invocation.files[name] == nil && invocation.manifestSets[name] == nil {
            // Each name costs the disk view a question or two: `-f a -f b …` a thousand times over
            // must not cost a thousand of them.
            manifestProbesLeft -= 1
            guard manifestProbesLeft >= 0 else { return false }
            var text: String?
            var fromLine = false
            if name == "-" {
                switch stdin {
                case .text(let given): (text, fromLine) = (given, true)
                case .piped(let given, _): (text, fromLine) = (given, true)
                case .file(let path): text = contentsOfFile(named: .known(path))
                case .kustomized(let directory, _):
                    // `kustomize build DIR | kubectl apply -f -` sends what `kubectl apply -k DIR` would.
                    guard let resolved = absolutePath(directory) else { continue }
                    guard let set = loadManifests(from: resolved, kustomization: true, recursive: false) else { return false }
                    invocation.manifestSets[name] = set
                    continue
                case .inherited, .pipe: text = nil
                }
            } else if let directory = absolutePath(name), fileSystem.kind(of: directory) == .directory {
                // `-f DIRECTORY` sends every manifest file in it (and below it, with `-R`).
                guard let set = loadManifests(from: directory, kustomization: false, recursive: recursive) else { return false }
                invocation.manifestSets[name] = set
                continue
            } else {
                text = contentsOfFile(named: .known(name))
            }
            guard let text else { continue }
            if fromLine {
                lineDocumentBytesLeft -= text.utf8.count
                guard lineDocumentBytesLeft >= 0 else { return false }
            } else {
                diskDocumentBytesLeft -= text.utf8.count
                guard diskDocumentBytesLeft >= 0 else { return false }
            }
            invocation.files[name] = text
        }
        return true
    }

    /// The absolute path a name given on the line resolves to; nil when it stays relative (no
    /// working directory) or names no file (`~`, a URL), and the view cannot be asked about it.
    func absolutePath(_ name: String) -> String? {
        let resolved = resolvePath(name)
        return resolved.hasPrefix(ascii: "/") ? resolved : nil
    }

    /// The manifests of a directory or kustomization, read within the line's disk allowance;
    /// nil when the allowance is spent.
    mutating func loadManifests(from directory: String, kustomization: Bool, recursive: Bool) -> ManifestSet? {
        var loader = ManifestLoader(fileSystem: fileSystem, bytesLeft: diskDocumentBytesLeft, filesLeft: manifestFilesLeft, probesLeft: manifestProbesLeft)
        let set = kustomization ? loader.kustomization(directory) : loader.directory(directory, recursive: recursive)
        (diskDocumentBytesLeft, manifestFilesLeft, manifestProbesLeft) = (loader.bytesLeft, loader.filesLeft, loader.probesLeft)
        if loader.spent { diskDocumentBytesLeft = -1 }
        return loader.spent ? nil : set
    }

    /// Manifest files and questions to the disk view that directories and kustomizations may
    /// still take on this line, whatever number of `-k` and `-f` they come from.
    var manifestFilesLeft = 64
    var manifestProbesLeft = 1024

    /// Plan files a `terraform plan -destroy -out FILE` earlier on the line wrote.
    var destroyPlanFiles: Set<String> = []

    /// A plan file's name for comparison: resolved, and without `./` when there is no working
    /// directory to resolve it against.
    static func planKey(_ path: String) -> String {
        var key = Substring(path)
        while key.hasPrefix("./") { key = key.dropFirst(2) }
        return String(key)
    }

    /// Terraform configurations read on this line, each of up to 2 MiB (`TerraformConfiguration`).
    var terraformConfigurationsLeft = 2

    /// `terraform plan` reads every data source, and an `external` one runs a program: the plan
    /// is as much of a read as the configuration lets it be. Apply, refresh and import read them
    /// too. Nothing is added when the configuration holds no such source, or when the view cannot
    /// see the directory (a gateway deciding for another machine).
    mutating func classifyTerraformPrograms(_ tool: String, _ invocation: InfrastructureInvocation) {
        // With what `TF_CLI_ARGS` adds, as `TerraformCommand` reads the line.
        let words = TerraformCommand.effectiveArguments(invocation) ?? invocation.arguments.compactMap { $0 }
        guard let verb = words.first(where: { !$0.hasPrefix(ascii: "-") }), ["plan", "apply", "refresh", "import"].contains(verb) else { return }
        let chdir = words.last { $0.hasPrefix("-chdir=") }.map { String($0.dropFirst("-chdir=".count)) }
        guard let root = absolutePath(chdir ?? ".") else { return }
        let op = "terraform:external_program"
        terraformConfigurationsLeft -= 1
        guard terraformConfigurationsLeft >= 0 else {
            add(Finding(operation: op, effect: .unknown, targets: [root], targetsComplete: false, categories: [.opaqueExecution],
                        reason: "the line runs more Terraform configurations than are read for one line; whether `\(tool) \(verb)` runs programs (`external` data sources) is unknown"))
            return
        }
        switch TerraformConfiguration.externalPrograms(root: root, fileSystem: fileSystem) {
        case .none, .unseen:
            return
        case .external(let sources):
            add(Finding(operation: op, effect: .unknown, targets: [root], targetsComplete: false, categories: [.opaqueExecution],
                        reason: "`\(tool) \(verb)` runs the programs the configuration's `external` data sources name (\(sources.prefix(3).joined(separator: ", "))\(sources.count > 3 ? ", …" : ""))"))
        case .unreadable(let why):
            add(Finding(operation: op, effect: .unknown, targets: [root], targetsComplete: false, categories: [.opaqueExecution],
                        reason: "whether `\(tool) \(verb)` runs programs (`external` data sources) cannot be told: \(why)"))
        }
    }

    /// What `allowDocuments` may still read on this line.
    var documentReadsLeft = 4
    var lineDocumentBytesLeft = 1536
    var diskDocumentBytesLeft = 64 * 1024

    /// Classifies command text that comes from a file (a script, a package manifest's scripts):
    /// a new source, which may be parsed and bring nested text of its own within a budget of its own.
    mutating func analyzeSourceText(_ text: String, origin: String) {
        nestedTextBudget += text.utf8.count + Self.nestedTextAllowance(for: text)
        analyzeText(text, origin: origin)
    }

    // MARK: - Walking the tree

    mutating func walk(_ script: ShellScript) {
        let pipelines = script.pipelines
        var start = 0
        while start < pipelines.count {
            // An and-or list: pipelines joined by `&&` and `||`, ended by `;`, a newline or `&`.
            var end = start
            while end < pipelines.count - 1, pipelines[end].connector == .and || pipelines[end].connector == .or { end += 1 }
            // With `&` the whole list runs in a subshell in the background.
            let outer = pipelines[end].connector == .background ? scope : nil
            if end == start {
                walk(pipelines[start])
            } else {
                // What is known where the list so far succeeded, and where it failed: a pipeline
                // after `&&` runs from the first, after `||` from the second. A pipeline that fails
                // may have done part of what it does (a failed `cd` moves nowhere).
                let first = scope
                walk(pipelines[start])
                var succeeded = scope
                var failed = merged(first, scope)
                for index in (start + 1)...end {
                    let runsAfterSuccess = pipelines[index - 1].connector == .and
                    let from = runsAfterSuccess ? succeeded : failed
                    scope = from
                    walk(pipelines[index])
                    if runsAfterSuccess {
                        failed = merged(failed, merged(from, scope))
                        succeeded = scope
                    } else {
                        succeeded = merged(succeeded, scope)
                        failed = merged(from, scope)
                    }
                }
                scope = merged(succeeded, failed)
            }
            if let outer { scope = outer }
            start = end + 1
        }
    }

    mutating func walk(_ pipeline: ShellPipeline) {
        do {
            // By index: holding the previous command in a variable would copy it for every command.
            let commands = pipeline.commands
            // What the previous command printed, when the line fixes it, through decoders too
            // (`echo cm0gLXJmIC8= | base64 -d | sh`).
            var printed: String?
            for index in commands.indices {
                var stdin = StandardInput.inherited
                if index > 0 {
                    stdin = .pipe(from: Self.name(of: commands[index - 1]))
                    if let path = catFile(commands[index - 1]) {
                        // `cat FILE | cmd` feeds cmd what `cmd < FILE` would.
                        stdin = .file(path)
                    } else if let directory = kustomizeBuildDirectory(commands[index - 1]) {
                        stdin = .kustomized(directory: directory, from: Self.name(of: commands[index - 1]))
                    } else if let text = knownOutput(of: commands[index - 1], input: printed) {
                        stdin = .piped(text, from: Self.name(of: commands[index - 1]))
                        printed = text
                    } else {
                        printed = nil
                    }
                } else if commands.count > 1 {
                    printed = nil
                }
                // Each command of a pipeline runs in a subshell of its own.
                if commands.count > 1 {
                    let before = scope
                    walk(commands[index], stdin: stdin)
                    scope = before
                } else {
                    walk(commands[index], stdin: stdin)
                }
            }
        }
    }

    /// What a command prints, when the line itself fixes it: `echo` and `printf` of constant text,
    /// `cat` of a here-document. A shell fed that text runs it.
    func knownOutput(of command: ShellCommand, input: String? = nil) -> String? {
        guard case .simple(let simple) = command, var name = simple.words.first?.staticValue else { return nil }
        var arguments: [Argument] = []
        for word in simple.words.dropFirst() { expandFields(word, into: &arguments) }
        guard arguments.allSatisfy(\.isExact) else { return nil }
        var values = arguments.compactMap(\.value)[...]
        // Wrappers that leave the output as it is (`nice echo …`), without options of their own.
        while Self.outputKeepingWrappers.contains(name), let next = values.first, !next.hasPrefix(ascii: "-"), !next.containsASCII("=") {
            name = next
            values = values.dropFirst()
        }
        switch name {
        case "base64", "xxd":
            // Decoders of what the previous command printed: `base64 -d`, `xxd -r -p`.
            var given = input
            for redirection in simple.redirections {
                switch redirection.op {
                case .hereString: given = expand(redirection.target).value.map { $0 + "\n" }
                case .hereDocument: given = redirection.hereDocument?.staticValue
                default: return nil
                }
            }
            guard let input = given else { return nil }
            let flags = Set(values)
            if name == "base64", flags == ["-d"] || flags == ["--decode"] || flags == ["-D"] {
                guard let data = Data(base64Encoded: input.filter { !$0.isWhitespace }) else { return nil }
                return String(validating: data, as: UTF8.self)
            }
            if name == "xxd", flags == ["-r", "-p"] || flags == ["-r", "-ps"] || flags == ["-p", "-r"] {
                var bytes: [UInt8] = []
                var high: UInt8?
                for scalar in input.unicodeScalars where !scalar.properties.isWhitespace {
                    guard scalar.isASCII, let digit = UInt8(String(scalar), radix: 16) else { return nil }
                    if let first = high { bytes.append(first << 4 | digit); high = nil } else { high = digit }
                }
                return String(validating: bytes, as: UTF8.self)
            }
            return nil
        case "echo":
            var words = values[...]
            if words.first == "-n" { words = words.dropFirst() }
            if words.first?.hasPrefix(ascii: "-") == true { return nil }
            return words.joined(separator: " ") + "\n"
        case "printf":
            guard let format = values.first, !format.hasPrefix(ascii: "-") else { return nil }
            return Self.printfOutput(format: format, arguments: values.dropFirst())
        case "cat":
            guard values.isEmpty else { return nil }
            for redirection in simple.redirections.reversed() {
                switch redirection.op {
                case .hereDocument: return redirection.hereDocument?.staticValue
                case .hereString: return expand(redirection.target).value.map { $0 + "\n" }
                case .input: return nil
                default: continue
                }
            }
            return nil
        default:
            return nil
        }
    }

    /// Wrappers that run a command with its output untouched.
    static let outputKeepingWrappers: Set<String> = ["nice", "nohup", "command", "builtin", "exec", "env", "time", "stdbuf", "setsid"]

    /// What `printf FORMAT ARGS…` prints when the format uses only `%s`, `%%` and the common
    /// backslash escapes; nil for anything else (`%d`, `%b`, `\c`, octal escapes). The format is
    /// used again while arguments remain, as printf does.
    static func printfOutput(format: String, arguments: ArraySlice<String>) -> String? {
        var output = ""
        var remaining = arguments
        repeat {
            var consumed = false
            var characters = format[...]
            while let character = characters.popFirst() {
                switch character {
                case "\\":
                    switch characters.popFirst() {
                    case "n"?: output.append("\n")
                    case "t"?: output.append("\t")
                    case "r"?: output.append("\r")
                    case "\\"?: output.append("\\")
                    case "\""?: output.append("\"")
                    case "'"?: output.append("'")
                    default: return nil
                    }
                case "%":
                    switch characters.popFirst() {
                    case "%"?: output.append("%")
                    case "s"?:
                        output += remaining.popFirst() ?? ""
                        consumed = true
                    default: return nil
                    }
                default:
                    output.append(character)
                }
            }
            if !consumed { break }
        } while !remaining.isEmpty
        return output
    }

    /// The file `cat FILE` prints, when that is the whole command: one fixed path, no options, no redirections.
    func catFile(_ command: ShellCommand) -> String? {
        guard case .simple(let simple) = command, simple.words.count == 2, simple.redirections.isEmpty, simple.assignments.isEmpty,
              simple.words[0].staticValue == "cat" else { return nil }
        let file = expand(simple.words[1])
        guard file.isExact, let path = file.value, !path.hasPrefix(ascii: "-") else { return nil }
        return path
    }

    /// The directory of `kustomize build DIRECTORY` or `kubectl kustomize DIRECTORY`, when that
    /// is the whole command (no plugins, no output file) and the directory is fixed.
    func kustomizeBuildDirectory(_ command: ShellCommand) -> String? {
        // The tool first: this runs for every command a pipeline feeds, and expanding words is not free.
        guard case .simple(let simple) = command, simple.redirections.isEmpty, let tool = simple.words.first?.staticValue,
              ["kustomize", "kubectl", "oc"].contains(tool) else { return nil }
        var words: [String] = []
        for word in simple.words.dropFirst() {
            let argument = expand(word)
            guard argument.isExact, let value = argument.value else { return nil }
            words.append(value)
        }
        let rest: ArraySlice<String>
        switch tool {
        case "kustomize": rest = words.first == "build" ? words.dropFirst() : []
        case "kubectl", "oc": rest = words.first == "kustomize" ? words.dropFirst() : []
        default: return nil
        }
        // Options other than these change what is built or where it goes.
        let operands = rest.filter { !$0.hasPrefix(ascii: "-") }
        guard rest.allSatisfy({ !$0.hasPrefix(ascii: "-") || $0 == "--enable-helm" || $0.hasPrefix("--load-restrictor") }), operands.count <= 1 else { return nil }
        return operands.first ?? "."
    }

    static func name(of command: ShellCommand) -> String {
        switch command {
        case .simple(let simple): simple.words.first.map(\.display) ?? "the previous command"
        case .compound(let compound): compound.kind.rawValue
        case .function(let name, _): name
        }
    }

    mutating func walk(_ command: ShellCommand, stdin: StandardInput) {
        commandsExamined += 1
        guard commandsExamined <= Self.commandBudget else {
            if commandsExamined == Self.commandBudget + 1 {
                unknown("shell:too_long", "the command line runs more than \(Self.commandBudget) commands; the rest is not examined")
            }
            return
        }
        switch command {
        case .function(let name, let body):
            functions[name] = body
            noteFunctionsChanged()
        case .compound(let compound):
            for word in compound.words { walkSubstitutions(word) }
            // `(( v = 1 ))` and `for (( i = 0; … ))` assign as they evaluate.
            if compound.kind == .arithmetic || compound.kind == .forLoop && compound.variable == nil {
                for word in compound.words {
                    if subscriptsMayRun { walkSubscriptCode(inExpression: word.display, origin: "the arithmetic `\(word.display)`") }
                    forgetArithmeticTargets(word.display)
                }
            }
            // `[[ $v -eq 1 ]]` evaluates what `$v` holds as arithmetic, `[[ -v $v ]]` as a name.
            if compound.kind == .conditional, subscriptsMayRun {
                for word in compound.words {
                    // `[[ v -eq 1 ]]` reads `v` by name; `[[ $v -eq 1 ]]` evaluates what it holds.
                    if word.isPlainText {
                        if !variables.isEmpty { walkSubscriptCode(inExpression: word.display, origin: "the test of `\(word.display)`") }
                    } else if let value = expand(word).value {
                        walkSubscriptCode(inExpression: value, origin: "the test of `\(word.display)`")
                    }
                }
            }
            let before = findings.count
            walkRedirections(compound.redirections)
            // `{ …; } > x.sh`, `for …; done >> x.sh`: what the body prints lands there.
            if before < findings.count { markChanged(since: before) }
            switch compound.kind {
            case .subshell, .coprocess:
                let saved = scope
                for body in compound.bodies { walk(body) }
                scope = saved
            case .ifClause, .caseClause:
                walkBranches(compound)
            case .forLoop, .selectLoop, .whileLoop, .untilLoop:
                walkLoop(compound)
            case .group, .arithmetic, .conditional:
                for body in compound.bodies { walk(body) }
            }
        case .simple(let simple):
            walkSimple(simple, stdin: stdin)
        }
    }

    // MARK: Subscripts bash evaluates

    /// Builtins that take variable names or arithmetic expressions as arguments. Bash evaluates
    /// the subscript of an indexed array named in one as arithmetic, expanding it first, so
    /// `printf -v 'a[$(rm -rf /srv)]' x` runs the deletion, as do `read`, `test -v`, `let`,
    /// `declare`, `${!x}` and `(( v ))` when what they read holds such a name.
    static let builtinsTakingNames: Set<String> = [
        "test", "[", "printf", "read", "let", "declare", "typeset", "local", "export", "readonly", "unset", "mapfile", "readarray", "wait", "getopts",
    ]

    /// The commands in the subscripts of names a builtin is given (`printf -v NAME`, `read
    /// NAME`, `let EXPR`, `declare NAME=…`, `unset NAME`, `test -v NAME`).
    mutating func walkSubscriptsOfNames(_ arguments: [Argument]) {
        guard arguments.count > 1, let name = arguments[0].value, Self.builtinsTakingNames.contains(name) else { return }
        for (index, argument) in arguments.enumerated().dropFirst() {
            guard let value = argument.value else { continue }
            // printf's format and operands are text; only `-v NAME` is a name.
            if name == "printf", !(index > 1 && arguments[index - 1].value == "-v") { continue }
            if name == "let" {
                walkSubscriptCode(inExpression: value, origin: "the expression `let \(value)`")
            } else if ["declare", "typeset", "local", "export", "readonly"].contains(name), let equals = value.firstIndex(of: "="),
                      arguments.contains(where: { $0.value.map { $0.hasPrefix(ascii: "-") && ($0.contains("n") || $0.contains("i")) } ?? false }) {
                // `declare -n ref='a[$(cmd)]'`: every later read of `ref` reads the name it holds;
                // `declare -i n='a[$(cmd)]'`: the value is evaluated as arithmetic at once.
                walkSubscriptCode(inName: String(value[..<equals]), origin: "the name `\(value)` given to `\(name)`")
                walkSubscriptCode(inExpression: String(value[value.index(after: equals)...]), origin: "the value `\(value)` given to `\(name)`")
            } else {
                walkSubscriptCode(inName: String(value.prefix { $0 != "=" }), origin: "the name `\(value)` given to `\(name)`")
            }
        }
    }

    /// An arithmetic expression: its own subscripts, and those of the variables it names whose
    /// values the line knows (`v='a[$(cmd)]'; (( v ))` evaluates `v`'s value as an expression).
    mutating func walkSubscriptCode(inExpression text: String, origin: String) {
        walkSubscriptCode(inName: text, origin: origin)
        guard !variables.isEmpty else { return }
        for name in Self.variableNames(inExpression: text) {
            if let value = variables[name], Self.subscriptRunsCommands(value) {
                walkSubscriptCode(inName: value, origin: "the value of `\(name)` in \(origin)")
            }
        }
    }

    /// A name with a subscript that runs a command: what runs is walked as the line's own.
    mutating func walkSubscriptCode(inName text: String, origin: String) {
        guard Self.subscriptRunsCommands(text), let open = text.firstIndex(of: "[") else { return }
        let close = text.lastIndex(of: "]").flatMap { $0 > open ? $0 : nil } ?? text.endIndex
        let inside = String(text[text.index(after: open)..<close])
        analyzeText(inside, origin: "\(origin), whose array subscript bash evaluates")
    }

    /// Whether the text holds a subscript with a command substitution: `[` and then `$(` or a backquote.
    static func subscriptRunsCommands(_ text: String) -> Bool {
        guard let open = text.utf8.firstIndex(of: UInt8(ascii: "[")) else { return false }
        let rest = text.utf8[open...]
        if rest.contains(UInt8(ascii: "`")) { return true }
        var previous: UInt8 = 0
        for byte in rest {
            if previous == UInt8(ascii: "$"), byte == UInt8(ascii: "(") { return true }
            previous = byte
        }
        return false
    }

    /// Walks every script the word runs while being expanded, in place: most words have none,
    /// and collecting them first (`ShellWord.substitutions`) would copy each script.
    mutating func walkSubstitutions(_ word: ShellWord) {
        if word.isPlainText { return }
        walkSubstitutions(word.parts)
    }

    private mutating func walkSubstitutions(_ parts: some Collection<ShellWordPart>) {
        for part in parts {
            switch part {
            case .literal, .quoted: continue
            case .doubleQuoted(let inner): walkSubstitutions(inner)
            case .arithmetic(let inner):
                // `$(( w = 3 ))` assigns `w`.
                for case .literal(let text) in inner {
                    if subscriptsMayRun { walkSubscriptCode(inExpression: text, origin: "the arithmetic `$((\(text)))`") }
                    forgetArithmeticTargets(text)
                }
                walkSubstitutions(inner)
            case .parameter(let name, let inner):
                // `${!x}` reads the variable `x` names; a subscript in that name is evaluated.
                if subscriptsMayRun, name.utf8.first == UInt8(ascii: "!"), let target = variables[String(name.dropFirst())] {
                    walkSubscriptCode(inName: target, origin: "the name `${\(name)}` reads")
                }
                // `${a[i]}`: the subscript is evaluated as arithmetic, and `i`'s value with it;
                // `${v:offset:length}` likewise evaluates its offset and length.
                if subscriptsMayRun, case .literal(let text)? = inner.first, let first = text.utf8.first {
                    if first == UInt8(ascii: "["), let close = text.firstIndex(of: "]") {
                        walkSubscriptCode(inExpression: String(text[...close]), origin: "the subscript of `${\(name)\(text[...close])}`")
                    } else if first == UInt8(ascii: ":"), let second = text.utf8.dropFirst().first,
                              ![UInt8(ascii: "-"), UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "?")].contains(second), !variables.isEmpty {
                        walkSubscriptCode(inExpression: String(text.dropFirst()), origin: "the offset of `${\(name)\(text)}`")
                    }
                }
                // `${name:=word}` and `${name=word}` assign when they expand; the operator is not
                // kept, so any expansion with one leaves the variable not known (`cmd=; :
                // ${cmd:="rm -rf /srv"}; $cmd` runs the deletion).
                if !inner.isEmpty, variables[name] != nil { forgetVariable(name) }
                walkSubstitutions(inner)
            case .commandSubstitution(let script), .processSubstitution(let script, _):
                // A subshell: what it sets is not seen afterwards.
                depth += 1
                let saved = scope
                if depth <= Self.maximumDepth { walk(script) }
                scope = saved
                depth -= 1
            }
        }
    }

    mutating func walkSimple(_ command: SimpleCommand, stdin inherited: StandardInput) {
        let findingsBefore = findings.count
        defer { noteWrittenFiles(since: findingsBefore, by: command) }
        for assignment in command.assignments {
            walkSubstitutions(assignment.value)
            for element in assignment.elements ?? [] { walkSubstitutions(element) }
        }
        for word in command.words { walkSubstitutions(word) }
        walkRedirections(command.redirections)

        // Assignments before a command apply to it; alone, they set shell variables.
        var assigned: [String: String?] = [:]
        for assignment in command.assignments {
            // `a[$(cmd)]=1`, `a[i]=1`: bash evaluates an indexed array's subscript as arithmetic.
            // A variable with an attribute (`declare -i n`) may evaluate what it is given as arithmetic.
            if subscriptsMayRun, transformedVariables.contains(assignment.name), let text = expand(assignment.value).value {
                walkSubscriptCode(inExpression: text, origin: "the value given to `\(assignment.name)`, which has the integer attribute")
            }
            if subscriptsMayRun, let index = assignment.index {
                // Quotes are removed before the subscript is expanded and evaluated.
                walkSubscriptCode(inExpression: "[" + index.filter { $0 != "'" && $0 != "\"" } + "]", origin: "the subscript of `\(assignment.name)[\(index)]`")
            }
            let value = expand(assignment.value)
            noteEnvironmentVariable(assignment.name, value.value)
            if !command.words.isEmpty {
                assigned[assignment.name] = value.isExact ? value.value : nil
                if assignment.name == "CDPATH" { cdpathAssigned = true }
            } else {
                assign(assignment.name, value: value.isExact ? value.value : nil, appends: assignment.appends,
                       element: assignment.index != nil || assignment.elements != nil)
            }
        }
        guard !command.words.isEmpty else {
            if !command.assignments.isEmpty {
                add("shell:assignment", .read, "sets shell variables")
            } else if !command.redirections.isEmpty {
                add("shell:redirection", .read, "only redirects")
            }
            return
        }
        var stdin = inherited
        for redirection in command.redirections {
            switch redirection.op {
            case .input: stdin = .file(expand(redirection.target).text)
            case .hereDocument: stdin = .text(redirection.hereDocument?.staticValue)
            case .hereString: stdin = .text(expand(redirection.target).value)
            default: break
            }
        }
        var arguments: [Argument] = []
        arguments.reserveCapacity(command.words.count)
        for word in command.words { expandFields(word, into: &arguments) }
        if subscriptsMayRun { walkSubscriptsOfNames(arguments) }
        noteBuiltinEffects(arguments)
        commandEnvironment = assigned
        run(consume arguments, stdin: stdin)
        commandEnvironment = [:]
    }

    /// A word as the command will receive it, substituting variables the line itself set.
    func expand(_ word: ShellWord) -> Argument {
        if let value = word.staticValue { return Argument(value: value, display: value, isPattern: word.hasPattern) }
        var out = ""
        for part in word.parts {
            guard appendExpanded(part, to: &out) else { return Argument(value: nil, display: word.display, isPattern: word.hasPattern) }
        }
        return Argument(value: out, display: word.display, isPattern: word.hasPattern)
    }

    /// `set -- a b`, `set a b` (no options) and `shift [n]` change the positional parameters.
    mutating func notePositionalChange(_ arguments: [Argument]) {
        guard let name = arguments.first?.value, name == "set" || name == "shift" else { return }
        let rest = arguments.dropFirst()
        if name == "shift" {
            guard positional != nil else { return }
            guard let count = rest.isEmpty ? 1 : rest.first?.value.flatMap({ Int($0) }), count >= 0, count <= positional!.count else {
                positional = nil
                return
            }
            positional!.removeFirst(count)
            return
        }
        guard let first = rest.first else { return }
        var words = rest[...]
        if first.value == "--" {
            words = words.dropFirst()
        } else if first.value.map({ $0.hasPrefix(ascii: "-") || $0.hasPrefix(ascii: "+") }) ?? true {
            // `set -e`, `set -o pipefail`: options; `set -- "$x"` computed: not known.
            if first.value == nil { positional = nil }
            return
        }
        positional = words.allSatisfy(\.isExact) ? words.map { $0.value! } : nil
    }

    /// A positional parameter's value: `$1` …, `$#`, `$@` and `$*` (joined by spaces); nil for `$0`
    /// and when the parameters are not known.
    func positionalValue(_ name: String) -> String? {
        guard let positional else { return nil }
        switch name {
        case "#": return String(positional.count)
        case "@", "*": return positional.joined(separator: " ")
        default:
            guard let index = Int(name), index > 0 else { return nil }
            return index <= positional.count ? positional[index - 1] : ""
        }
    }

    /// The fields a word becomes, as bash makes them: the text of unquoted expansions (`$x`,
    /// `$(…)`) is split where `IFS` says (space, tab and newline unless the line set it) and empty
    /// fields are dropped, so `cmd="rm -rf /srv"; $cmd` runs `rm` with two arguments and `$EMPTY rm`
    /// runs `rm`. A word whose expansion is not known stays one argument with no value.
    func expandFields(_ word: ShellWord, into arguments: inout [Argument]) {
        if word.isPlainText, let value = word.staticValue {
            arguments.append(Argument(value: value, display: value, isPattern: word.hasPattern))
            return
        }
        // `"$@"`: each positional parameter its own field, none when there are none. Inside other
        // quoted text (`"x$@"`) it makes fields this does not model: not known.
        if word.staticValue == nil, positional != nil, word.parts.contains(where: \.isQuotedAllParameters) {
            if word.parts.count == 1, case .doubleQuoted(let inner) = word.parts[0], inner.count == 1 {
                for parameter in positional! { arguments.append(.known(parameter)) }
            } else {
                arguments.append(Argument(value: nil, display: word.display, isPattern: word.hasPattern))
            }
            return
        }
        guard word.staticValue == nil, word.parts.contains(where: \.isUnquotedExpansion) else {
            arguments.append(expand(word))
            return
        }
        guard !fieldSeparatorsUnknown else {
            arguments.append(Argument(value: nil, display: word.display, isPattern: word.hasPattern))
            return
        }
        let separators = variables["IFS"] ?? " \t\n"
        var fields: [String] = []
        var current: String?
        // A field just ended at IFS whitespace: a following `,` of IFS belongs to the same separator.
        var endedAtWhitespace = false
        for part in word.parts {
            var text = ""
            guard appendExpanded(part, to: &text) else {
                arguments.append(Argument(value: nil, display: word.display, isPattern: word.hasPattern))
                return
            }
            guard part.isUnquotedExpansion else {
                current = (current ?? "") + text
                endedAtWhitespace = false
                continue
            }
            for scalar in text.unicodeScalars {
                guard separators.unicodeScalars.contains(scalar) else {
                    if current == nil { current = "" }
                    current!.unicodeScalars.append(scalar)
                    endedAtWhitespace = false
                    continue
                }
                let isWhitespace = scalar == " " || scalar == "\t" || scalar == "\n"
                if let field = current {
                    fields.append(field)
                    current = nil
                    endedAtWhitespace = isWhitespace
                } else if !isWhitespace {
                    // `a,,b`: a delimiter with nothing before it makes an empty field.
                    if !endedAtWhitespace { fields.append("") }
                    endedAtWhitespace = false
                }
            }
        }
        if let field = current { fields.append(field) }
        for field in fields {
            let globs = word.hasPattern && field.utf8.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }
            arguments.append(Argument(value: field, display: field, isPattern: globs))
        }
    }

    /// What a command substitution prints when the line itself fixes it (`$(echo rm)`,
    /// `$(printf …)`, `$(echo … | base64 -d)`), without the trailing newlines the shell removes.
    func knownOutput(of script: ShellScript) -> String? {
        guard script.pipelines.count == 1, let pipeline = script.pipelines.first, !pipeline.negated else { return nil }
        var printed: String?
        for (index, command) in pipeline.commands.enumerated() {
            guard let text = knownOutput(of: command, input: index == 0 ? nil : printed) else { return nil }
            printed = text
        }
        guard var text = printed else { return nil }
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    private func appendExpanded(_ part: ShellWordPart, to out: inout String) -> Bool {
        switch part {
        case .literal(let text), .quoted(let text):
            out += text
            return true
        case .doubleQuoted(let inner):
            for p in inner where !appendExpanded(p, to: &out) { return false }
            return true
        case .parameter(let name, let nested):
            guard nested.isEmpty, !variablesUntrusted, let value = variables[name] ?? positionalValue(name) else { return false }
            out += value
            return true
        case .commandSubstitution(let script):
            guard let text = knownOutput(of: script) else { return false }
            out += text
            return true
        case .arithmetic, .processSubstitution:
            return false
        }
    }

    /// Variables that place a command in an environment (`PGHOST=prod-db psql`, `AWS_REGION=...`).
    /// Environment variables that make a program run code of the caller's choosing.
    enum CodeVariable {
        /// Holds a command line the program runs (`PAGER`, `GIT_SSH_COMMAND`).
        case command
        /// Loads code the line does not show (`LD_PRELOAD`, `BASH_ENV`, `NODE_OPTIONS`).
        case hidden
        /// Options for a pager (`LESS`, `MORE`), which may hold a start-up command (`+!cmd`).
        case pagerOptions
        /// Where command names are looked up (`PATH`): a directory put there decides what `ls` runs.
        case searchPath
        /// Server settings a database client sends at connection (`PGOPTIONS`).
        case serverSettings
    }

    static let codeVariables: [String: CodeVariable] = [
        "PAGER": .command, "MANPAGER": .command, "GIT_PAGER": .command, "SYSTEMD_PAGER": .command, "EDITOR": .command, "VISUAL": .command,
        "GIT_EDITOR": .command, "GIT_SEQUENCE_EDITOR": .command, "GIT_SSH_COMMAND": .command, "GIT_SSH": .command, "GIT_EXTERNAL_DIFF": .command,
        "GIT_ASKPASS": .command, "GH_PAGER": .command, "GH_EDITOR": .command, "GH_BROWSER": .command, "SSH_ASKPASS": .command, "SUDO_ASKPASS": .command, "LESSOPEN": .command, "LESSCLOSE": .command,
        "LESS": .pagerOptions, "MORE": .pagerOptions, "PATH": .searchPath, "PROMPT_COMMAND": .command, "RSYNC_RSH": .command, "CVS_RSH": .command, "BROWSER": .command,
        "BASH_ENV": .hidden, "ENV": .hidden, "LD_PRELOAD": .hidden, "LD_AUDIT": .hidden, "LD_LIBRARY_PATH": .hidden, "DYLD_INSERT_LIBRARIES": .hidden,
        "PYTHONSTARTUP": .hidden, "PYTHONPATH": .hidden, "PERL5OPT": .hidden, "PERL5LIB": .hidden, "NODE_OPTIONS": .hidden, "RUBYOPT": .hidden,
        "GIT_CONFIG_PARAMETERS": .hidden, "GIT_CONFIG_COUNT": .hidden, "GIT_DIR": .hidden, "GIT_EXEC_PATH": .hidden, "SHELLOPTS": .hidden, "PS4": .hidden,
        "PSQLRC": .hidden, "PSQL_PAGER": .command, "PSQL_WATCH_PAGER": .command, "PSQL_EDITOR": .command, "PGOPTIONS": .serverSettings,
        "KUBE_EDITOR": .command, "KUBECTL_EXTERNAL_DIFF": .command, "AWS_CONFIG_FILE": .hidden,
        "GIT_CONFIG_GLOBAL": .hidden, "GIT_CONFIG_SYSTEM": .hidden, "GIT_CONFIG": .hidden,
        // JVM agents and .NET startup hooks load code into every program; glibc loads GCONV_PATH
        // modules; Terraform's CLI configuration can swap a provider for a local binary.
        "JAVA_TOOL_OPTIONS": .hidden, "_JAVA_OPTIONS": .hidden, "JDK_JAVA_OPTIONS": .hidden, "DOTNET_STARTUP_HOOKS": .hidden,
        "RUBYLIB": .hidden, "NODE_PATH": .hidden, "PYTHONHOME": .hidden, "GCONV_PATH": .hidden, "TF_CLI_CONFIG_FILE": .hidden,
        "NPM_CONFIG_SCRIPT_SHELL": .command, "NPM_CONFIG_NODE_OPTIONS": .hidden, "NPM_CONFIG_ONLOAD_SCRIPT": .hidden,
    ]

    mutating func noteEnvironmentVariable(_ name: String, _ value: String?) {
        // npm reads its settings from `npm_config_*` in any case: `npm_config_script_shell=/tmp/x npm test`.
        if let first = name.utf8.first, first == UInt8(ascii: "n") || first == UInt8(ascii: "N"), name.lowercased().hasPrefix("npm_config_"), name != name.uppercased() {
            noteEnvironmentVariable(name.uppercased().replacing("-", with: "_"), value)
            return
        }
        // Every variable below is upper case (or `_JAVA_OPTIONS`); most a line sets are not, and skip the lookups.
        guard let first = name.utf8.first, first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z") || first == UInt8(ascii: "_") else { return }
        if let kind = Self.codeVariables[name] {
            switch (kind, value) {
            case (.command, let text?) where !text.isEmpty:
                // A pager or editor set to a fixed command: classify that command.
                let command = text.hasPrefix(ascii: "|") ? String(text.dropFirst()) : text
                analyzeText(command, origin: "the command `\(name)` names")
            case (.command, _):
                unknown("shell:env_\(name.lowercased())", "`\(name)` names a command computed at run time, which the next program runs", opaque: true)
            case (.hidden, _):
                unknown("shell:env_\(name.lowercased())", "`\(name)` makes programs load code the command line does not show", opaque: true)
            case (.pagerOptions, let text?):
                if text.pieces(between: " ").contains(where: Self.isPagerCommandActingOutside) {
                    unknown("shell:env_\(name.lowercased())", "`\(name)` gives the pager a start-up command, which can run shell commands", opaque: true)
                }
            case (.searchPath, _):
                unknown("shell:env_path", "`PATH` is changed, so a command name may run a program from a directory this line chose (`PATH=/tmp/x ls` runs `/tmp/x/ls`)", opaque: true)
            case (.pagerOptions, nil):
                unknown("shell:env_\(name.lowercased())", "`\(name)` gives the pager options computed at run time, which may hold a start-up command", opaque: true)
            case (.serverSettings, let text?):
                classifyPostgresOptions(text, origin: "`\(name)`")
            case (.serverSettings, nil):
                unknown("shell:env_\(name.lowercased())", "`\(name)` sets server options computed at run time, which may turn triggers or checks off", opaque: false)
            }
        }
        guard let value, !value.isEmpty else { return }
        switch name {
        case "PGHOST", "MYSQL_HOST", "DATABASE_HOST", "DB_HOST": environmentFacts.add(.databaseHost, value)
        case "DATABASE_URL": if let host = Self.hostFromConnectionString(value) { environmentFacts.add(.databaseHost, host) }
        // Which configuration a framework loads, and with it which database it reaches.
        case "RAILS_ENV", "RACK_ENV", "MIX_ENV", "APP_ENV", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "FLASK_ENV", "DJANGO_SETTINGS_MODULE", "SPRING_PROFILES_ACTIVE":
            environmentFacts.add(.appEnvironment, value)
        case "AWS_REGION", "AWS_DEFAULT_REGION": environmentFacts.add(.awsRegion, value)
        case "TF_WORKSPACE": environmentFacts.add(.terraformWorkspace, value)
        default: break
        }
    }

    /// Server settings given at connection (`PGOPTIONS='-c session_replication_role=replica'`):
    /// read as the `SET` statements they amount to, so a setting that turns triggers off is as
    /// destructive here as in SQL. Anything but `-c name=value` and `--name=value` is unknown.
    mutating func classifyPostgresOptions(_ text: String, origin: String) {
        var settings: [String] = []
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        var index = 0
        while index < words.count {
            let word = words[index]
            var setting: Substring?
            if word == "-c", index + 1 < words.count {
                setting = words[index + 1]
                index += 1
            } else if word.hasPrefix("--") {
                setting = word.dropFirst(2)
            } else if word.hasPrefix("-c") {
                setting = word.dropFirst(2)
            }
            index += 1
            guard let setting, let equals = setting.firstIndex(of: "=") else {
                unknown("shell:pgoptions", "\(origin) holds options Interlock does not read", opaque: false)
                return
            }
            let name = setting[..<equals].replacing("-", with: "_")
            let value = setting[setting.index(after: equals)...].replacing("'", with: "''")
            settings.append("SET \(name) = '\(value)'")
        }
        let facts = SQLClassifier.findings(for: settings.joined(separator: "; "), dialect: .postgresql)
        for finding in facts.findings where finding.effect != .read {
            var finding = finding
            finding.reason = "\(origin) sets it at connection: " + finding.reason
            findings.append(finding)
        }
    }

    mutating func walkRedirections(_ redirections: [ShellRedirection]) {
        for redirection in redirections {
            walkSubstitutions(redirection.target)
            if let body = redirection.hereDocument { walkSubstitutions(body) }
            guard redirection.op.writes else {
                // `< ~/.aws/credentials`: whatever reads standard input reads the file.
                if redirection.op == .input { noteCredentialReads([expand(redirection.target)], by: "<") }
                continue
            }
            let target = expand(redirection.target)
            if redirection.op == .duplicateOutput, let value = target.value, value == "-" || value.allSatisfy(\.isNumber) { continue }
            // bash opens `/dev/tcp/HOST/PORT` and `/dev/udp/…` as network connections: what the
            // command prints is sent there, as `curl -d` sends it.
            if let value = target.value, value.hasPrefix("/dev/tcp/") || value.hasPrefix("/dev/udp/") {
                let parts = value.split(separator: "/", omittingEmptySubsequences: true)
                let endpoint = parts.count == 4 ? "\(parts[1])://\(parts[2]):\(parts[3])" : value
                add("shell:network_send", .write, names: [.known(endpoint)], "`\(redirection.op.rawValue) \(value)` sends what the command prints over the network to \(endpoint)")
                continue
            }
            // `<>` opens the file without emptying it; what is written goes over it from the start.
            classifyWrite(to: target, truncates: redirection.op.truncates || redirection.op == .duplicateOutput, inPlace: redirection.op == .readWrite,
                          by: "`\(redirection.op.rawValue)`")
        }
    }

    /// Records what `command` wrote, from the findings it added: a path named by a finding that
    /// is not a read is changed (and everything below it), unless the command is one whose output
    /// the line fixes (`knownOutput(of:)`) and the path is where its standard output goes, whose
    /// text is then known; `>>` adds it to what the file held, when that is known.
    mutating func noteWrittenFiles(since start: Int, by command: SimpleCommand) {
        guard start < findings.count else { return }
        var known: [(path: String, file: WrittenFile)] = []
        if command.redirections.contains(where: { $0.op.writes }), let output = knownOutput(of: .simple(command)) {
            for redirection in command.redirections where (redirection.descriptor ?? 1) == 1 {
                guard [.output, .clobber, .append, .outputAndError, .appendOutputAndError].contains(redirection.op) else { continue }
                let target = expand(redirection.target)
                guard target.isExact, let value = target.value, let path = absolutePath(value) else { continue }
                if redirection.op == .append || redirection.op == .appendOutputAndError {
                    // What the file held before: the line's own text, or the disk's.
                    let before: String?
                    switch LineFileSystem.entry(path, in: writtenFiles) {
                    case .text(let text)?: before = text
                    case .changed?: before = nil
                    case nil: before = disk.kind(of: path) == .missing ? "" : disk.contents(of: path)
                    }
                    known.append((path, before.map { .text($0 + output) } ?? .changed))
                } else {
                    known.append((path, .text(output)))
                }
            }
        }
        markChanged(since: start, except: known)
        if !known.isEmpty { writtenFiles.append(contentsOf: known) }
    }

    /// Marks as changed every path that a finding since `start` writes, changes or deletes,
    /// but those in `known`.
    mutating func markChanged(since start: Int, except known: [(path: String, file: WrittenFile)] = []) {
        // Where the command's paths really lead, through the disk's links and those the line
        // made, as they stood when it ran (before its own changes are recorded).
        if seesLinks { findings.replaceSubrange(start..., with: fileSystem.withPhysicalTargets(Array(findings[start...]))) }
        // By index, reading fields in place: copying each finding out costs more than the rest.
        for index in start..<findings.count where findings[index].effect != .read {
            // git commands that rewrite the working tree change files they do not name: the
            // whole repository (`git pull && ./deploy.sh` runs the pulled script).
            if findings[index].operation.hasPrefix("git:"), Self.treeChangingOperations.contains(findings[index].operation), let root = repositoryRoot() {
                writtenFiles.append((root, .changed))
            }
            for target in findings[index].targets where target.hasPrefix(ascii: "/") && !known.contains(where: { $0.path == target }) {
                if Self.contentKeepingOperations.contains(findings[index].operation) { break }
                if writtenFiles.isEmpty { writtenFiles.reserveCapacity(8) }
                writtenFiles.append((target, .changed))
            }
        }
    }

    /// git commands that may rewrite files of the working tree.
    static let treeChangingOperations: Set<String> = [
        "git:pull", "git:checkout", "git:checkout_discard", "git:checkout_index", "git:checkout_reset_branch", "git:switch", "git:switch_discard",
        "git:switch_reset_branch", "git:merge", "git:rebase", "git:rebase_exec", "git:reset_hard", "git:reset", "git:stash", "git:apply", "git:am",
        "git:cherry-pick", "git:revert", "git:restore", "git:read-tree", "git:read_tree_reset", "git:sparse-checkout", "git:clean", "git:mv",
        "git:rm", "git:submodule", "git:bisect", "git:bisect_run",
    ]

    /// The top of the repository the working directory is in, as the disk held it before the
    /// line changed anything (the line's earlier git commands mark the whole tree changed, which
    /// hides its `.git`), or the working directory itself when the disk shows none.
    func repositoryRoot() -> String? {
        guard let directory = workingDirectory, directory.hasPrefix(ascii: "/") else { return nil }
        switch locateRepository(from: nil, in: disk) {
        case .found(_, let top): return top
        case .unreadable(let marker): return Paths.dirname(marker)
        case .none: return Paths.normalize(directory)
        }
    }

    /// Changes of a file's metadata, not of what it holds.
    static let contentKeepingOperations: Set<String> = [
        "shell:chmod", "shell:chown", "shell:chgrp", "shell:touch", "shell:setfacl", "shell:chattr", "shell:mkdir",
    ]

    /// A write to a file named by `target`: creating it is a write; replacing an existing file or a
    /// device destroys what it held; a name computed at run time or a file the view cannot see is
    /// unknown. `truncates`: the file is emptied first; `inPlace`: it is not, but its bytes are
    /// written over from the start or an offset (`dd conv=notrunc`, `open(f, 'r+')`, Perl's `+<`),
    /// which loses what was there as surely; neither: it is appended to.
    mutating func classifyWrite(to target: Argument, truncates: Bool, inPlace: Bool = false, by what: String, operation: String = "shell:redirect") {
        guard let path = target.value, !target.isPattern else {
            add(operation, .unknown, targets: [target], "\(what) writes to `\(target.display)`, a name computed at run time")
            return
        }
        if ["/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty", "-"].contains(path) || path.hasPrefix("/dev/fd/") || path.hasPrefix("/proc/self/fd/") { return }
        noteCodeThatRunsLater([target], operation: operation)
        if Self.isKernelInterface(path) {
            add(operation, .destructive, targets: [target], "\(what) writes to the kernel through `\(path)` (`/proc/sysrq-trigger` reboots, `/proc/sys` and `/sys` change the running system)")
            return
        }
        if Self.isBlockDevice(path) {
            add(operation, .destructive, targets: [target], categories: [.dataLoss], "\(what) writes raw bytes over the device `\(path)`")
            return
        }
        guard truncates || inPlace else {
            add(operation, .write, targets: [target], "\(what) appends to `\(path)`")
            return
        }
        switch pathKind(target) {
        case .file?, .directory?:
            add(operation, .destructive, targets: [target], categories: [.dataLoss],
                truncates ? "\(what) replaces the existing file `\(path)`" : "\(what) writes over the bytes of the existing file `\(path)` in place")
        case .missing?:
            add(operation, .write, targets: [target], "\(what) creates `\(path)`")
        case nil:
            add(operation, .unknown, targets: [target], "\(what) writes `\(path)`, which may already exist and would be replaced")
        }
    }

    /// Notes writes onto files that something else runs later or that decide who may log in (git
    /// hooks, shell startup files, cron tables, `authorized_keys`); `intoDirectory` when the files
    /// land inside the target.
    mutating func noteCodeThatRunsLater(_ targets: [Argument], operation: String, intoDirectory: Bool = false) {
        for target in targets {
            guard let value = target.value, !target.isPattern else { continue }
            let resolved = resolvePath(value)
            let path = (intoDirectory || value.hasSuffix("/")) && !resolved.hasSuffix("/") ? resolved + "/" : resolved
            if let finding = CodeThatRunsLater.finding(forWriteTo: path, operation: operation) {
                findings.append(finding)
            } else if let physical = linkedPath(resolved),
                      let finding = CodeThatRunsLater.finding(forWriteTo: path.hasSuffix("/") ? physical + "/" : physical, operation: operation) {
                // A write through a link lands where it leads (`/tmp/x` leading to `~/.bashrc`).
                findings.append(finding)
            }
        }
    }

    /// Files that are the running kernel's controls rather than data: `/proc`, `/sys`, memory devices.
    static func isKernelInterface(_ path: String) -> Bool {
        path.hasPrefix("/proc/") || path.hasPrefix("/sys/") || ["/dev/mem", "/dev/kmem", "/dev/port", "/dev/kmsg"].contains(path)
    }

    static func isBlockDevice(_ path: String) -> Bool {
        guard path.hasPrefix("/dev/") else { return false }
        let name = path.dropFirst(5)
        return ["sd", "hd", "vd", "xvd", "nvme", "mmcblk", "disk", "md", "dm-", "mapper/", "loop", "rdisk"].contains { name.hasPrefix($0) }
    }

    // MARK: - Running a command

    /// Classifies one command with its arguments; follows aliases, functions and wrappers.
    mutating func run(_ arguments: consuming [Argument], stdin: StandardInput) {
        guard let first = arguments.first else { return }
        guard let name = first.value, !first.isPattern else {
            unknown("shell:dynamic_command", "the command name `\(first.display)` is computed at run time", opaque: true)
            return
        }
        if !uncertainCommands.isEmpty, uncertainCommands.contains(name) {
            unknown("shell:uncertain_definition", "`\(name)` may be a function or alias the line defined one way or another, or not at all, depending on which way it went")
            forgetEverything()
            return
        }
        if !aliases.isEmpty, let alias = aliases[name], !activeFunctions.contains("alias " + name), arguments[1...].allSatisfy({ $0.value != nil }) {
            activeFunctions.insert("alias " + name)
            let rest = Self.commandLine(arguments[1...].map { $0.value! })
            analyzeText(alias + (rest.isEmpty ? "" : " " + rest), origin: "the alias `\(name)`")
            activeFunctions.remove("alias " + name)
            return
        }
        if !functions.isEmpty, let body = functions[name] {
            guard !activeFunctions.contains(name) else {
                // Its body was examined once, and again adds nothing; but recursion has no bound
                // this classifier can see, and `:(){ :|:& };:` is a fork bomb.
                unknown("shell:recursion", "the function `\(name)` calls itself; how often it runs (in a pipeline or the background, without end) is not known")
                forgetEverything()
                return
            }
            guard depth < Self.maximumDepth else {
                unknown("shell:too_deep", "function `\(name)` calls nest too deeply", opaque: true)
                forgetEverything()
                return
            }
            activeFunctions.insert(name)
            depth += 1
            // Its arguments are its positional parameters (`run() { "$@"; }; run rm -rf /srv`).
            let callers = positional
            let given = arguments.dropFirst()
            positional = given.allSatisfy(\.isExact) ? given.map { $0.value! } : nil
            localFrames.append([:])
            returnScopes.append([])
            let readonlyAtCall = readonlyVariables
            walk(.compound(body), stdin: stdin)
            // What follows a `return` did not run on the way that returned there.
            for returned in returnScopes.removeLast() { scope = merged(scope, returned) }
            // Variables the function made `local` are the caller's again, and no longer read-only
            // unless they were before.
            for (variable, value) in localFrames.removeLast() {
                variables[variable] = value
                if !readonlyAtCall.contains(variable) { readonlyVariables.remove(variable) }
            }
            positional = callers
            depth -= 1
            activeFunctions.remove(name)
            return
        }
        var command = name
        if name.utf8.contains(UInt8(ascii: "/")) {
            let base = Paths.basename(name)
            let directory = String(name.dropLast(base.count)).trimmingSlashes
            if Self.systemBinaryDirectories.contains(directory) {
                command = base
            } else {
                // A project's own entry points (`bin/rails db:drop`, `./manage.py flush`) are
                // judged by the verb when it is a known one, and by their contents otherwise.
                if DatabaseMigrationCommand.knows(base), let found = DatabaseMigrationCommand.classify(tool: base, arguments.dropFirst().map(\.value)) {
                    for finding in found { add(finding) }
                    return
                }
                analyzeScriptFile(first, runner: "the command")
                return
            }
        }
        // In place when the caller handed its list over (`walkSimple` does): no copy for the rest.
        arguments.removeFirst()
        classifyCommand(command, arguments, stdin: stdin)
    }

    /// Classifies what runs on another host or inside a container, where this line's working
    /// directory means nothing: relative targets stay as written.
    mutating func elsewhere(_ body: (inout ShellAnalysis) -> Void) {
        let saved = (workingDirectory, homeRelativeDirectory, runsElsewhere)
        (workingDirectory, homeRelativeDirectory, runsElsewhere) = (nil, nil, true)
        body(&self)
        (workingDirectory, homeRelativeDirectory, runsElsewhere) = saved
    }

    static let systemBinaryDirectories: Set<String> = [
        "/bin", "/usr/bin", "/sbin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/opt/homebrew/bin", "/usr/gnu/bin",
        "/run/current-system/sw/bin", "/usr/libexec", "/snap/bin",
    ]

    /// Single-quotes a value for re-parsing.
    static func quote(_ value: String) -> String {
        "'" + value.replacing("'", with: "'\\''") + "'"
    }

    /// Words as a command line that the shell splits back into the same words.
    static func commandLine(_ words: some Sequence<String>) -> String {
        words.map(quote).joined(separator: " ")
    }
}

extension String {
    var trimmingSlashes: String {
        var s = self
        while s.utf8.count > 1 && s.utf8.last == UInt8(ascii: "/") { s.removeLast() }
        return s
    }

    /// Whether the text holds `needle`, an ASCII literal, compared byte by byte. The standard
    /// `contains(_: String)` runs the string-processing library's generic search, and
    /// `contains(_: Character)` breaks the text into grapheme clusters: both cost more than the
    /// classification around them on the hot path.
    func containsASCII(_ needle: StaticString) -> Bool {
        let count = needle.utf8CodeUnitCount
        let pattern = needle.utf8Start
        func search(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
            guard count > 0 else { return true }
            guard text.count >= count else { return false }
            let first = pattern[0]
            var index = 0
            while index <= text.count - count {
                if text[index] == first {
                    var matched = 1
                    while matched < count, text[index + matched] == pattern[matched] { matched += 1 }
                    if matched == count { return true }
                }
                index += 1
            }
            return false
        }
        if let found = utf8.withContiguousStorageIfAvailable(search) { return found }
        return Array(utf8).withUnsafeBufferPointer(search)
    }
}

extension StringProtocol {
    /// The text without the leading and trailing characters `isTrimmed` accepts: which ones
    /// differs by format (git's configuration trims blanks and tabs, XML any white space).
    func trimmingEnds(where isTrimmed: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !isTrimmed($0) }), let last = lastIndex(where: { !isTrimmed($0) }) else { return "" }
        return String(self[first...last])
    }

    /// Whether the text starts with an ASCII character, read from its first byte: the standard
    /// `hasPrefix` compares grapheme clusters, and option and path tests ask it of every argument.
    func hasPrefix(ascii character: Unicode.Scalar) -> Bool {
        utf8.first == UInt8(character.value)
    }

    /// The text's pieces between occurrences of an ASCII separator, empty pieces left out, found
    /// byte by byte: `split(separator: Character)` walks grapheme clusters, several times the
    /// cost, and paths and option names are split on every command that names them.
    func pieces(between separator: Unicode.Scalar) -> [SubSequence] {
        precondition(separator.isASCII)
        let byte = UInt8(separator.value)
        var pieces: [SubSequence] = []
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == byte {
                if index != start { pieces.append(self[start..<index]) }
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        if start != utf8.endIndex { pieces.append(self[start..<utf8.endIndex]) }
        return pieces
    }
}
