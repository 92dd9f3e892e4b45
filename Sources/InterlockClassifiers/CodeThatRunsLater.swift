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

    /// The finding for a write to `path`, or nil for an ordinary file.
    static func finding(forWriteTo path: String, operation: String) -> Finding? {
        let components = path.split(separator: "/")
        guard let name = components.last else { return nil }
        func under(_ directories: String...) -> Bool {
            directories.contains { directory in
                path.hasPrefix(directory + "/") || path.contains("/" + directory + "/")
            }
        }
        func runsLater(_ reason: String) -> Finding {
            Finding(operation: operation, effect: .unknown, targets: [path], targetsComplete: false, categories: [.opaqueExecution], reason: reason)
        }
        func grantsAccess(_ reason: String) -> Finding {
            Finding(operation: operation, effect: .destructive, targets: [path], categories: [.permissionChange], reason: reason)
        }
        if under(".git/hooks", ".husky", ".githooks") {
            return runsLater("`\(path)` is a git hook: git runs it on commit, merge, checkout or push, unseen")
        }
        if path.hasSuffix(".git/config") || path == ".git/config" || name == ".gitconfig" {
            return runsLater("`\(path)` is git configuration, which can make git run commands (`core.hooksPath`, `core.fsmonitor`, aliases)")
        }
        if shellStartupFiles.contains(String(name)) || ["/etc/profile", "/etc/bash.bashrc", "/etc/zshrc", "/etc/environment"].contains(path)
            || under("/etc/profile.d")
        {
            return runsLater("`\(path)` runs in every new shell")
        }
        if path == "/etc/crontab" || under("/etc/cron.d", "/etc/cron.hourly", "/etc/cron.daily", "/etc/cron.weekly", "/etc/cron.monthly", "/var/spool/cron") {
            return runsLater("`\(path)` is a cron table or job: cron runs it later")
        }
        if under("/etc/systemd", "/lib/systemd", "/usr/lib/systemd", ".config/systemd", "/etc/init.d", "/etc/rc.d") || path == "/etc/rc.local" {
            return runsLater("`\(path)` defines a service the system runs")
        }
        if name == "authorized_keys" || name == "authorized_keys2" {
            return grantsAccess("`\(path)` decides which keys may log in")
        }
        if path == "/etc/sudoers" || under("/etc/sudoers.d") || path == "/etc/passwd" || path == "/etc/shadow" || path == "/etc/group" {
            return grantsAccess("`\(path)` decides who may log in or act as root")
        }
        return nil
    }
}
