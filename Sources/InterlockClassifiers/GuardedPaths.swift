import InterlockCore

/// Where Interlock itself lives on a machine, and where the agents' hosts are told to ask it.
///
/// An agent that can rewrite its host's hook settings, or Interlock's store or policy, can switch
/// its own guard off: the next command is never asked about. Whatever tool makes the change (an
/// editor's Write, `rm` or `>` in a shell, an MCP file server), a finding that writes, deletes or
/// cannot say what it does to one of these paths is marked:
///
/// - `hook_config`: how a host is wired to Interlock: its hook settings (`.claude/settings.json`,
///   Kiro's agent files, Cursor's `hooks.json`), through which it asks Interlock before each tool
///   call, and its MCP server configuration (`.mcp.json`, `.cursor/mcp.json`, `~/.claude.json` …),
///   which says whether a server is reached through `interlock mcp-proxy` or directly;
/// - `interlock_control`: Interlock's home (its store, tokens, approvals, grants, kill switch and
///   signing key), the policy file in force, the client settings that tell hooks which gateway
///   to ask (`~/.config/interlock/client.json`: pointed at a server of the agent's own, every
///   answer would be "allow"), and the executables the hosts run (replaced by `/bin/true`, or
///   made unrunnable — Claude Code proceeds when a hook cannot start — nothing is asked).
///
/// The home, the policy file, the client settings and the executables are what the edge that
/// runs the classifiers knows (`--home`, `INTERLOCK_HOME`, `--policy`, `INTERLOCK_CONFIG`, its
/// own path); their default shapes (`~/.local/state/interlock`, `~/.config/interlock`, a
/// program named `interlock-hook`, or `interlock` in a `bin` directory) and the hosts' settings
/// files are recognised wherever they are, because the agent's home directory is not something a
/// pure classifier knows.
public struct GuardedPaths: Sendable, Hashable {
    /// Interlock's home as the edge resolved it, absolute.
    public var interlockHome: String?
    /// The policy file in force, absolute; nil for the built-in policy.
    public var policyFile: String?
    /// Interlock's other files as the edge resolved them, absolute: the client settings file and
    /// the programs a host runs as its hook.
    public var interlockFiles: [String]

    public init(interlockHome: String? = nil, policyFile: String? = nil, interlockFiles: [String] = []) {
        self.interlockHome = interlockHome.map(Paths.normalize)
        self.policyFile = policyFile.map(Paths.normalize)
        self.interlockFiles = interlockFiles.map(Paths.normalize)
    }

    /// The facts with every finding that acts on a guarded path marked. Most actions touch none,
    /// and come back as they were.
    public func mark(_ facts: Classification) -> Classification {
        var findings = facts.findings
        var changed = false
        for index in findings.indices {
            let finding = findings[index]
            var added: Set<Category> = []
            for target in finding.targets {
                if let category = category(of: target, effect: finding.effect, reachesBeneath: finding.reachesBeneathTargets) { added.insert(category) }
            }
            if !added.isSubset(of: finding.categories) {
                findings[index].categories.formUnion(added)
                changed = true
            }
        }
        guard changed else { return facts }
        return Classification(findings: findings, estimatedCostUSD: facts.estimatedCostUSD, environmentFacts: facts.environmentFacts)
    }

    /// What acting on `target` with `effect` touches, if it is guarded. A deletion, or an action
    /// that `reachesBeneath` (an archive extracted into a directory, a directory's contents
    /// copied, a recursive change), touches what lies in a directory it names as well.
    func category(of target: String, effect: Effect, reachesBeneath: Bool = false) -> Category? {
        guard effect != .read else { return nil }
        let path = Self.comparable(target)
        guard !path.isEmpty else { return nil }
        // A pattern (`rm -rf ~/.claude/*`) counts as the directory its fixed part names.
        let pattern = path.firstIndex { $0 == "*" || $0 == "?" || $0 == "[" }
        let fixed = pattern.map { String(path[..<$0]) } ?? path
        // Where a path is compared with a place: only when it says where it is. A relative
        // pattern (`rm *.log`) is only ever matched by shape below. The default home is compared
        // as the shell spells it from the agent's home directory.
        if fixed.hasPrefix(ascii: "/") || fixed.hasPrefix(ascii: "~") {
            let isPattern = pattern != nil
            let beneath = effect == .destructive || reachesBeneath
            if let interlockHome, Self.touches(fixed, isPattern: isPattern, guarded: interlockHome, beneath: beneath) { return .interlockControl }
            if Self.touches(fixed, isPattern: isPattern, guarded: Self.defaultHomeFromTilde, beneath: beneath) { return .interlockControl }
            if let policyFile, Self.touches(fixed, isPattern: isPattern, guarded: policyFile, beneath: beneath) { return .interlockControl }
            if Self.touches(fixed, isPattern: isPattern, guarded: Self.defaultClientSettingsFromTilde, beneath: beneath) { return .interlockControl }
            for file in interlockFiles where Self.touches(fixed, isPattern: isPattern, guarded: file, beneath: beneath) { return .interlockControl }
        }
        // Every shape below names one of these; most targets name none and are done here
        // without splitting them into components.
        guard fixed.containsASCII("interlock") || fixed.containsASCII("laude") || fixed.containsASCII(".kiro")
            || fixed.containsASCII(".cursor") || fixed.containsASCII("mcp") else {
            return nil
        }
        let components = fixed.pieces(between: "/")
        if Self.isInterlocksOwn(components) { return .interlockControl }
        if Self.isHookSettings(components) || Self.isMCPConfiguration(components) { return .hookConfig }
        return nil
    }

    static let defaultHomeFromTilde = "~/.local/state/interlock"
    static let defaultClientSettingsFromTilde = "~/.config/interlock"

    /// Interlock's files by their default shapes: the home (`.local/state/interlock/…`), the
    /// client settings (`.config/interlock/…`), and its programs where hosts find them: any
    /// `interlock-hook`, and `interlock` in a `bin` directory (a source folder of that name is
    /// not one).
    static func isInterlocksOwn(_ components: [Substring]) -> Bool {
        if contains(components, run: [".local", "state", "interlock"]) || contains(components, run: [".config", "interlock"]) { return true }
        guard let last = components.last else { return false }
        if last == "interlock-hook" { return true }
        return last == "interlock" && components.count >= 2 && components[components.count - 2] == "bin"
    }

    /// A host's MCP server configuration: Claude Code's project `.mcp.json` and user
    /// `~/.claude.json`, Claude Desktop's `claude_desktop_config.json`, Cursor's and VS Code's
    /// `mcp.json` (Kiro's `.kiro/settings/mcp.json` is under its settings directory).
    static func isMCPConfiguration(_ components: [Substring]) -> Bool {
        guard let last = components.last else { return false }
        if last == ".mcp.json" || last == ".claude.json" || last == "claude_desktop_config.json" { return true }
        let parent = components.count >= 2 ? components[components.count - 2] : ""
        return last == "mcp.json" && (parent == ".cursor" || parent == ".vscode")
    }

    /// `$HOME/x` and `${HOME}/x` as `~/x`; absolute paths normalised; a trailing `/` kept (it says
    /// "into this directory").
    static func comparable(_ target: String) -> String {
        var path = Paths.tildeSpelling(target) ?? target
        let intoDirectory = path.count > 1 && path.hasSuffix("/")
        if path.hasPrefix(ascii: "/") { path = Paths.normalize(path) }
        // `~/.`, `~/x/..`: the home directory's paths are normalised below it.
        if path.hasPrefix("~/"), path.contains("/.") || path.contains("//") {
            let below = Paths.normalize(String(path.dropFirst()))
            path = below == "/" ? "~" : "~" + below
        }
        return intoDirectory && !path.hasSuffix("/") ? path + "/" : path
    }

    /// The path itself, anything beneath it, anything a pattern starting there could match, or
    /// (for an action that reaches `beneath` its target) a directory that holds it.
    static func touches(_ fixed: String, isPattern: Bool, guarded: String, beneath: Bool) -> Bool {
        let trimmed = fixed.count > 1 && fixed.hasSuffix("/") ? String(fixed.dropLast()) : fixed
        if trimmed == guarded || trimmed.hasPrefix(guarded + "/") { return true }
        if isPattern, guarded.hasPrefix(fixed) { return true }
        return beneath && isAncestor(trimmed, of: guarded)
    }

    static func isAncestor(_ directory: String, of path: String) -> Bool {
        let directory = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        guard !directory.isEmpty else { return false }
        if directory == "/" { return path.hasPrefix(ascii: "/") }
        if directory == "~" { return path.hasPrefix("~/") }
        return path.hasPrefix(directory + "/")
    }

    /// Whether `run` appears in the components as consecutive names, wherever it sits.
    static func contains(_ components: [Substring], run: [Substring]) -> Bool {
        guard components.count >= run.count else { return false }
        return (0...(components.count - run.count)).contains { start in
            run.indices.allSatisfy { components[start + $0] == run[$0] }
        }
    }

    /// A host's hook settings, or a directory that holds them: Claude Code's project, user and
    /// managed settings, Kiro's agent configurations and hook files, Cursor's `hooks.json`.
    static func isHookSettings(_ components: [Substring]) -> Bool {
        guard let last = components.last else { return false }
        let parent = components.count >= 2 ? components[components.count - 2] : ""
        // The settings directories themselves (`rm -rf .claude`, `mv .kiro /tmp`, `.cursor/*`);
        // the managed settings' directory where Claude Code looks for it (`/etc/claude-code`,
        // `/Library/Application Support/ClaudeCode`), not any folder of that name (a clone of
        // Claude Code's own repository).
        if [".claude", ".kiro", ".cursor"].contains(last) { return true }
        if last == "claude-code" && parent == "etc" || last == "ClaudeCode" && parent == "Application Support" { return true }
        let grandparent = components.count >= 3 ? components[components.count - 3] : ""
        switch parent {
        case ".claude": return last.hasPrefix("settings") && last.hasSuffix(".json") || last == "hooks"
        case "claude-code", "ClaudeCode": return last == "managed-settings.json"
        case ".kiro": return ["agents", "hooks", "settings"].contains(last)
        case ".cursor": return last == "hooks.json" || last == "hooks"
        default: break
        }
        if grandparent == ".kiro" && ["agents", "hooks", "settings"].contains(parent) { return true }
        if grandparent == ".claude" && parent == "hooks" { return true }
        if grandparent == ".cursor" && parent == "hooks" { return true }
        return false
    }
}
