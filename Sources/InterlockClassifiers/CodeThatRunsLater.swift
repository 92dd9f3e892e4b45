import InterlockCore

/// Files whose contents something else runs later, or which decide who may log in: writing them
/// plants an action Interlock will not see when it happens. `git commit` runs `.git/hooks/pre-commit`
/// without naming it; every new shell runs `~/.bashrc`; cron runs `/etc/cron.d/*`. An agent that may
/// write such a file may run anything, so the write is `unknown` (or a permission change) whatever
/// tool makes it: an editor's Write, `>>` in a shell, `tee`, `cp`.
enum CodeThatRunsLater {
    static let shellStartupFiles: Set<String> = [
        ".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile", ".zshrc", ".zprofile", ".zshenv", ".zlogin", ".kshrc",
        ".inputrc", ".envrc",
    ]

    /// Whether `path` can be one of the files below: it has a component starting with `.`, lies
    /// under `/etc`, `/var`, `/lib` or `/usr`, or ends in `authorized_keys`. One pass over the bytes.
    static func mayBeSpecial(_ path: String) -> Bool {
        var utf8 = path.utf8.makeIterator()
        var previous: UInt8 = UInt8(ascii: "/")
        while let byte = utf8.next() {
            if byte == UInt8(ascii: "."), previous == UInt8(ascii: "/") { return true }
            previous = byte
        }
        return path.hasPrefix("/etc/") || path.hasPrefix("/var/") || path.hasPrefix("/lib/") || path.hasPrefix("/usr/")
            || path.hasSuffix("authorized_keys") || path.hasSuffix("authorized_keys2")
    }

    /// The finding for a write to `path`, or nil for an ordinary file. Every redirection asks, so
    /// the path's components are walked once, and most paths are answered by their first bytes.
    static func finding(forWriteTo path: String, operation: String) -> Finding? {
        guard mayBeSpecial(path) else { return nil }
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let name = components.last else { return nil }
        func runsLater(_ reason: String) -> Finding {
            Finding(operation: operation, effect: .unknown, targets: [path], targetsComplete: false, categories: [.opaqueExecution], reason: reason)
        }
        func grantsAccess(_ reason: String) -> Finding {
            Finding(operation: operation, effect: .destructive, targets: [path], categories: [.permissionChange], reason: reason)
        }
        // Directories, anywhere in the path, whose files git runs or whose contents configure git.
        // A trailing `/` names a directory the files land in (`cp hook .git/hooks/`).
        let intoDirectory = path.utf8.last == UInt8(ascii: "/")
        for (index, component) in components.dropLast().enumerated() where component.utf8.first == UInt8(ascii: ".") {
            let next = components[index + 1]
            if component == ".git" && next == "hooks" && (index + 2 < components.count || intoDirectory) || component == ".husky" || component == ".githooks" {
                return runsLater("`\(path)` is a git hook: git runs it on commit, merge, checkout or push, unseen")
            }
            if component == ".git" && next == "config" && index + 2 == components.count {
                return runsLater("`\(path)` is git configuration, which can make git run commands (`core.hooksPath`, `core.fsmonitor`, aliases)")
            }
            if component == ".config" && next == "systemd" {
                return runsLater("`\(path)` defines a service the system runs")
            }
        }
        if name.utf8.first == UInt8(ascii: ".") {
            if name == ".gitconfig" {
                return runsLater("`\(path)` is git configuration, which can make git run commands (`core.hooksPath`, `core.fsmonitor`, aliases)")
            }
            if shellStartupFiles.contains(String(name)) { return runsLater("`\(path)` runs in every new shell") }
        }
        if name == "authorized_keys" || name == "authorized_keys2" {
            return grantsAccess("`\(path)` decides which keys may log in")
        }
        if intoDirectory, name == ".husky" || name == ".githooks" {
            return runsLater("`\(path)` holds git hooks: git runs them on commit, merge, checkout or push, unseen")
        }
        // System directories, named from the root.
        guard path.utf8.first == UInt8(ascii: "/"), components.count >= 2 else { return nil }
        let top = components[0], second = components[1]
        switch top {
        case "etc":
            if components.count == 2 && !intoDirectory {
                switch second {
                case "profile", "bash.bashrc", "zshrc", "environment", "rc.local": return runsLater("`\(path)` runs in every new shell or at boot")
                case "crontab": return runsLater("`\(path)` is the cron table: cron runs it later")
                case "sudoers", "passwd", "shadow", "group", "gshadow": return grantsAccess("`\(path)` decides who may log in or act as root")
                default: return nil
                }
            }
            switch second {
            case "profile.d": return runsLater("`\(path)` runs in every new shell")
            case "cron.d", "cron.hourly", "cron.daily", "cron.weekly", "cron.monthly": return runsLater("`\(path)` is a cron job: cron runs it later")
            case "systemd", "init.d", "rc.d": return runsLater("`\(path)` defines a service the system runs")
            case "sudoers.d": return grantsAccess("`\(path)` decides who may act as root")
            default: return nil
            }
        case "var" where second == "spool" && components.count > 3 && components[2] == "cron":
            return runsLater("`\(path)` is a cron table: cron runs it later")
        case "lib" where second == "systemd", "usr" where second == "lib" && components.count > 3 && components[2] == "systemd":
            return runsLater("`\(path)` defines a service the system runs")
        default:
            return nil
        }
    }
}
