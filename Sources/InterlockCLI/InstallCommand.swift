import ArgumentParser
import Foundation
import InterlockCore
import InterlockDoors
import InterlockIntegrations

/// Which Claude Code settings file to change.
struct ClaudeSettingsLocation: ParsableArguments {
    @Flag(help: "The project's .claude/settings.json (default).") var project = false
    @Flag(help: "The user's ~/.claude/settings.json.") var user = false
    @Flag(help: "The managed settings file an administrator controls (needs root).") var managed = false
    @Option(help: ArgumentHelp("A settings file to change instead.", valueName: "file")) var settings: String?
    @Option(help: ArgumentHelp("The project directory (default: the current one).", valueName: "dir")) var dir: String?

    func path() throws -> String {
        let chosen = [project, user, managed, settings != nil].filter { $0 }.count
        guard chosen <= 1 else { throw InvalidInput("choose one of --project, --user, --managed, --settings FILE") }
        if let settings { return settings }
        if user { return NSHomeDirectory() + "/.claude/settings.json" }
        if managed {
            #if os(macOS)
            return "/Library/Application Support/ClaudeCode/managed-settings.json"
            #else
            return "/etc/claude-code/managed-settings.json"
            #endif
        }
        return (dir ?? FileManager.default.currentDirectoryPath) + "/.claude/settings.json"
    }
}

/// Options the installed hook command line carries.
struct InstalledHookOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The hook's --env.", valueName: "name")) var env: String?
    @Option(help: ArgumentHelp("The hook's --agent.", valueName: "name")) var agent: String?
    @Option(help: ArgumentHelp("The hook's --policy.", valueName: "file")) var policy: String?
    @Option(help: ArgumentHelp("The hook's --server (decide through a gateway).", valueName: "url")) var server: String?
    @Option(name: .customLong("token-file"), help: ArgumentHelp("The hook's --token-file.", valueName: "file")) var tokenFile: String?
    @Option(help: ArgumentHelp("The program the host runs: `interlock` (as `interlock hook HOST`) or `interlock-hook` (as `interlock-hook HOST`); default: the `interlock-hook` beside this program when there is one, else this one.", valueName: "path")) var program: String?

    func commandLine(host: String) -> String {
        let chosen = program ?? Self.hookProgramBesideThis() ?? Self.thisProgram()
        // `interlock-hook` is the hook alone and takes the host directly; it starts in about half the time.
        var words = chosen.split(separator: "/").last == "interlock-hook" ? [chosen, host] : [chosen, "hook", host]
        for (flag, value) in [("--env", env), ("--agent", agent), ("--policy", policy), ("--server", server), ("--token-file", tokenFile)] {
            if let value { words += [flag, value] }
        }
        return words.map(Self.shellQuoted).joined(separator: " ")
    }

    /// This executable's absolute path, so that the host does not depend on its PATH.
    static func thisProgram() -> String {
        let argv0 = CommandLine.arguments.first ?? "interlock"
        if argv0.contains("/") {
            return URL(fileURLWithPath: argv0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(dir)/\(argv0)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return argv0
    }

    /// `interlock-hook` in this program's directory, when it is there and executable.
    static func hookProgramBesideThis() -> String? {
        let candidate = URL(fileURLWithPath: thisProgram()).deletingLastPathComponent().appendingPathComponent("interlock-hook").path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }

    static func shellQuoted(_ word: String) -> String {
        if !word.isEmpty, word.allSatisfy({ $0.isLetter || $0.isNumber || "/._-:=@+,".contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

enum SettingsFile {
    static func read(_ path: String) throws -> JSONValue {
        guard FileManager.default.fileExists(atPath: path) else { return .object([:]) }
        let text = try readText(path)
        if text.allSatisfy(\.isWhitespace) { return .object([:]) }
        do { return try JSONValue.parse(text) } catch { throw InvalidInput("\(path): not valid JSON (\(error)); fix or move it first") }
    }

    /// Writes through a temporary file and a rename, so that a host never reads half a file.
    static func write(_ json: JSONValue, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data((json.jsonText(pretty: true) + "\n").utf8).write(to: url, options: .atomic)
        } catch {
            throw OperationalFailure("cannot write \(path): \(error.localizedDescription)")
        }
    }
}

struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Add Interlock's hook to a host's settings (idempotent).",
        discussion: "Exit codes: 0 installed or already installed, 3 invalid settings or options, 1 the file cannot be written.",
        subcommands: [Claude.self, Kiro.self, Cursor.self])

    struct Claude: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add the PreToolUse hook to Claude Code settings.")
        @OptionGroup var location: ClaudeSettingsLocation
        @OptionGroup var hook: InstalledHookOptions
        @Option(help: ArgumentHelp("The host's timeout for the hook; the hook's own deadline is 5 s.", valueName: "seconds")) var timeout = 10

        func run() throws {
            guard timeout > 5 else { throw InvalidInput("--timeout \(timeout): give the host more than the hook's own 5 s deadline, or a late hook lets the call through") }
            let path = try location.path()
            let change: HookInstaller.Change
            do { change = try HookInstaller.installClaude(into: try SettingsFile.read(path), command: hook.commandLine(host: "claude"), timeoutSeconds: timeout) } catch let e as HookInputError {
                throw InvalidInput("\(path): \(e)")
            }
            if change.changed { try SettingsFile.write(change.settings, to: path) }
            print(change.changed ? "installed the Interlock PreToolUse hook in \(path)" : "the Interlock hook is already installed in \(path)")
            print("matcher: \(ClaudeCodeHook.matcher)")
            print("command: \(hook.commandLine(host: "claude"))")
            print("")
            print("To lock it in, an administrator adds to Claude Code's managed settings:")
            print(HookInstaller.claudeManagedLock)
        }
    }

    struct Kiro: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add the preToolUse hook to a Kiro agent configuration.")
        @Argument(help: ArgumentHelp("The agent configuration file, e.g. .kiro/agents/default.json.", valueName: "agent.json")) var file: String
        @OptionGroup var hook: InstalledHookOptions
        @Option(help: ArgumentHelp("The host's timeout for the hook in milliseconds.", valueName: "ms")) var timeoutMs = 10_000

        func run() throws {
            guard timeoutMs > 5_000 else { throw InvalidInput("--timeout-ms \(timeoutMs): give the host more than the hook's own 5 s deadline") }
            let change: HookInstaller.Change
            do { change = try HookInstaller.installKiro(into: try SettingsFile.read(file), command: hook.commandLine(host: "kiro"), timeoutMilliseconds: timeoutMs) } catch let e as HookInputError {
                throw InvalidInput("\(file): \(e)")
            }
            if change.changed { try SettingsFile.write(change.settings, to: file) }
            print(change.changed ? "installed the Interlock preToolUse hook in \(file)" : "the Interlock hook is already installed in \(file)")
        }
    }
}

struct UninstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uninstall",
        abstract: "Remove exactly the hook `interlock install` added; leave everything else.",
        discussion: "Exit codes: 0 removed or not present, 3 invalid settings, 1 the file cannot be written.",
        subcommands: [Claude.self, Kiro.self, Cursor.self])

    struct Claude: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the PreToolUse hook from Claude Code settings.")
        @OptionGroup var location: ClaudeSettingsLocation

        func run() throws {
            let path = try location.path()
            guard FileManager.default.fileExists(atPath: path) else { print("no settings file at \(path); nothing to remove"); return }
            let change: HookInstaller.Change
            do { change = try HookInstaller.uninstallClaude(from: try SettingsFile.read(path)) } catch let e as HookInputError {
                throw InvalidInput("\(path): \(e)")
            }
            if change.changed { try SettingsFile.write(change.settings, to: path) }
            print(change.changed ? "removed the Interlock hook from \(path)" : "no Interlock hook in \(path)")
        }
    }

    struct Kiro: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the preToolUse hook from a Kiro agent configuration.")
        @Argument(help: ArgumentHelp("The agent configuration file.", valueName: "agent.json")) var file: String

        func run() throws {
            guard FileManager.default.fileExists(atPath: file) else { print("no file at \(file); nothing to remove"); return }
            let change: HookInstaller.Change
            do { change = try HookInstaller.uninstallKiro(from: try SettingsFile.read(file)) } catch let e as HookInputError {
                throw InvalidInput("\(file): \(e)")
            }
            if change.changed { try SettingsFile.write(change.settings, to: file) }
            print(change.changed ? "removed the Interlock hook from \(file)" : "no Interlock hook in \(file)")
        }
    }
}

/// Which Cursor hooks file to change.
struct CursorHooksLocation: ParsableArguments {
    @Flag(help: "The project's .cursor/hooks.json (default).") var project = false
    @Flag(help: "The user's ~/.cursor/hooks.json.") var user = false
    @Option(help: ArgumentHelp("A hooks file to change instead (an enterprise location, say).", valueName: "file")) var hooksFile: String?
    @Option(help: ArgumentHelp("The project directory (default: the current one).", valueName: "dir")) var dir: String?

    func path() throws -> String {
        guard [project, user, hooksFile != nil].filter({ $0 }).count <= 1 else { throw InvalidInput("choose one of --project, --user, --hooks-file FILE") }
        if let hooksFile { return hooksFile }
        if user { return NSHomeDirectory() + "/.cursor/hooks.json" }
        return (dir ?? FileManager.default.currentDirectoryPath) + "/.cursor/hooks.json"
    }
}

extension InstallCommand {
    struct Cursor: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add the hook to Cursor's hooks.json: shell commands and MCP tools, and with --edits file edits.",
            discussion: "Each entry has failClosed: true, so that a hook that fails or times out blocks the call.")
        @OptionGroup var location: CursorHooksLocation
        @OptionGroup var hook: InstalledHookOptions
        @Flag(help: ArgumentHelp("Also decide Cursor's file edits (preToolUse of \(CursorHook.editTools.joined(separator: ", "))).")) var edits = false

        func run() throws {
            let path = try location.path()
            let command = hook.commandLine(host: "cursor")
            let change: HookInstaller.Change
            do { change = try HookInstaller.installCursor(into: try SettingsFile.read(path), command: command, edits: edits) } catch let e as HookInputError {
                throw InvalidInput("\(path): \(e)")
            }
            if change.changed { try SettingsFile.write(change.settings, to: path) }
            print(change.changed ? "installed the Interlock hook in \(path)" : "the Interlock hook is already installed in \(path)")
            print("events: beforeShellExecution, beforeMCPExecution, beforeReadFile" + (edits ? ", preToolUse (\(CursorHook.editTools.joined(separator: ", ")))" : ""))
            print("command: \(command)")
        }
    }
}

extension UninstallCommand {
    struct Cursor: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the hook from Cursor's hooks.json.")
        @OptionGroup var location: CursorHooksLocation

        func run() throws {
            let path = try location.path()
            guard FileManager.default.fileExists(atPath: path) else { print("no hooks file at \(path); nothing to remove"); return }
            let change: HookInstaller.Change
            do { change = try HookInstaller.uninstallCursor(from: try SettingsFile.read(path)) } catch let e as HookInputError {
                throw InvalidInput("\(path): \(e)")
            }
            if change.changed { try SettingsFile.write(change.settings, to: path) }
            print(change.changed ? "removed the Interlock hook from \(path)" : "no Interlock hook in \(path)")
        }
    }
}
