import InterlockCore

/// Adds and removes Interlock's hook entries in hosts' settings documents, leaving everything
/// else as it was. Pure: the CLI reads and writes the files.
///
/// An entry is Interlock's when its command runs a program named `interlock` with `hook claude`
/// (`hook kiro`, `hook cursor`) as its first arguments, or `interlock-hook` with the host's name, so that
/// re-installing with other options replaces the entry instead of adding a second, and
/// uninstalling removes exactly that.
public enum HookInstaller {
    public enum Host: String, Sendable {
        case claude, kiro, cursor
    }

    public struct Change: Sendable {
        public var settings: JSONValue
        public var changed: Bool
    }

    /// Whether a hook command line is Interlock's hook for `host`.
    public static func isInterlockCommand(_ command: String, host: Host) -> Bool {
        let words = command.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard words.count >= 2, let program = words[0].split(separator: "/").last else { return false }
        let name = String(program).trimming("\"'")
        if name == "interlock-hook" { return words[1] == host.rawValue }
        return name == "interlock" && words.count >= 3 && words[1] == "hook" && words[2] == host.rawValue
    }

    /// Claude Code: one `PreToolUse` matcher group with one command hook.
    public static func installClaude(into settings: JSONValue, command: String, timeoutSeconds: Int, matcher: String = ClaudeCodeHook.matcher) throws -> Change {
        var root = try object(settings, "the settings file")
        var hooks = try object(root["hooks"] ?? .object([:]), "`hooks`")
        var groups = try array(hooks["PreToolUse"] ?? .array([]), "`hooks.PreToolUse`")
        let entry: JSONValue = .object([
            "matcher": .string(matcher),
            "hooks": .array([.object(["type": .string("command"), "command": .string(command), "timeout": .int(Int64(timeoutSeconds))])]),
        ])
        let before = groups
        groups = removing(groups, host: .claude)
        groups.append(entry)
        hooks["PreToolUse"] = .array(groups)
        root["hooks"] = .object(hooks)
        return Change(settings: .object(root), changed: before != groups)
    }

    public static func uninstallClaude(from settings: JSONValue) throws -> Change {
        var root = try object(settings, "the settings file")
        guard let hooksValue = root["hooks"] else { return Change(settings: settings, changed: false) }
        var hooks = try object(hooksValue, "`hooks`")
        let groups = try array(hooks["PreToolUse"] ?? .array([]), "`hooks.PreToolUse`")
        let kept = removing(groups, host: .claude)
        guard kept != groups else { return Change(settings: settings, changed: false) }
        hooks["PreToolUse"] = kept.isEmpty ? nil : .array(kept)
        root["hooks"] = hooks.isEmpty ? nil : .object(hooks)
        return Change(settings: .object(root), changed: true)
    }

    /// Drops Interlock's command hooks from matcher groups, and groups left with no hooks.
    static func removing(_ groups: [JSONValue], host: Host) -> [JSONValue] {
        groups.compactMap { group in
            guard case .object(var g) = group, let list = g["hooks"]?.arrayValue else { return group }
            let kept = list.filter { hook in
                !(hook["type"]?.stringValue == "command" && isInterlockCommand(hook["command"]?.stringValue ?? "", host: host))
            }
            if kept.count == list.count { return group }
            if kept.isEmpty { return nil }
            g["hooks"] = .array(kept)
            return .object(g)
        }
    }

    /// Kiro agent configuration: a `preToolUse` hook for every tool.
    public static func installKiro(into config: JSONValue, command: String, timeoutMilliseconds: Int) throws -> Change {
        var root = try object(config, "the agent configuration")
        var hooks = try object(root["hooks"] ?? .object([:]), "`hooks`")
        let list = try array(hooks["preToolUse"] ?? .array([]), "`hooks.preToolUse`")
        var kept = list.filter { !isInterlockCommand($0["command"]?.stringValue ?? "", host: .kiro) }
        kept.append(.object(["command": .string(command), "matcher": .string("*"), "timeout_ms": .int(Int64(timeoutMilliseconds))]))
        hooks["preToolUse"] = .array(kept)
        root["hooks"] = .object(hooks)
        return Change(settings: .object(root), changed: kept != list)
    }

    public static func uninstallKiro(from config: JSONValue) throws -> Change {
        var root = try object(config, "the agent configuration")
        guard let hooksValue = root["hooks"] else { return Change(settings: config, changed: false) }
        var hooks = try object(hooksValue, "`hooks`")
        let list = try array(hooks["preToolUse"] ?? .array([]), "`hooks.preToolUse`")
        let kept = list.filter { !isInterlockCommand($0["command"]?.stringValue ?? "", host: .kiro) }
        guard kept != list else { return Change(settings: config, changed: false) }
        hooks["preToolUse"] = kept.isEmpty ? nil : .array(kept)
        root["hooks"] = hooks.isEmpty ? nil : .object(hooks)
        return Change(settings: .object(root), changed: true)
    }

    /// Cursor's `hooks.json` (`version: 1`): the hook for `beforeShellExecution`,
    /// `beforeMCPExecution` and `beforeReadFile` (a credentials file read is refused), and with `edits` for `preToolUse` of Cursor's file editors, each with
    /// `failClosed: true` so that a hook that fails or times out blocks instead of letting the call run.
    public static func installCursor(into config: JSONValue, command: String, edits: Bool) throws -> Change {
        var root = try object(config, "the hooks file")
        if root["version"] == nil { root["version"] = .int(1) }
        var hooks = try object(root["hooks"] ?? .object([:]), "`hooks`")
        var changed = false
        var events: [(String, [String?])] = [("beforeShellExecution", [nil]), ("beforeMCPExecution", [nil]), ("beforeReadFile", [nil])]
        events.append(("preToolUse", edits ? CursorHook.editTools : []))
        for (event, matchers) in events {
            let list = try array(hooks[event] ?? .array([]), "`hooks.\(event)`")
            var kept = list.filter { !isInterlockCommand($0["command"]?.stringValue ?? "", host: .cursor) }
            for matcher in matchers {
                var entry: [String: JSONValue] = ["command": .string(command), "failClosed": .bool(true)]
                if let matcher { entry["matcher"] = .string(matcher) }
                kept.append(.object(entry))
            }
            if kept != list { changed = true }
            hooks[event] = kept.isEmpty ? nil : .array(kept)
        }
        root["hooks"] = .object(hooks)
        return Change(settings: .object(root), changed: changed)
    }

    public static func uninstallCursor(from config: JSONValue) throws -> Change {
        var root = try object(config, "the hooks file")
        guard let hooksValue = root["hooks"] else { return Change(settings: config, changed: false) }
        var hooks = try object(hooksValue, "`hooks`")
        var changed = false
        for (event, value) in hooks {
            guard let list = value.arrayValue else { continue }
            let kept = list.filter { !isInterlockCommand($0["command"]?.stringValue ?? "", host: .cursor) }
            if kept != list {
                changed = true
                hooks[event] = kept.isEmpty ? nil : .array(kept)
            }
        }
        guard changed else { return Change(settings: config, changed: false) }
        root["hooks"] = .object(hooks)
        return Change(settings: .object(root), changed: true)
    }

    /// What an administrator adds to Claude Code's managed settings so that users cannot remove or
    /// bypass the hook.
    public static let claudeManagedLock = """
        {
          "allowManagedHooksOnly": true,
          "permissions": { "disableBypassPermissionsMode": "disable" }
        }
        """

    static func object(_ value: JSONValue, _ what: String) throws -> [String: JSONValue] {
        guard let o = value.objectValue else { throw HookInputError("\(what) must be a JSON object, not \(value.typeName)") }
        return o
    }

    static func array(_ value: JSONValue, _ what: String) throws -> [JSONValue] {
        guard let a = value.arrayValue else { throw HookInputError("\(what) must be a list, not \(value.typeName)") }
        return a
    }
}

extension String {
    func trimming(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
