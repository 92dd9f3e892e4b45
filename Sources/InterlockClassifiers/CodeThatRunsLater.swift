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

    /// Files a tool reads when it starts and that can make it run commands: psql's `\!`, sqlite's
    /// `.shell`, mongosh's JavaScript, vim's `:!`, gdb's `shell`, tmux's `run-shell`, npm's
    /// `script-shell`/`node-options`, yarn's `yarnPath`.
    static let toolStartupFiles: Set<String> = [
        ".psqlrc", ".sqliterc", ".mongoshrc.js", ".mongorc.js", ".vimrc", ".exrc", ".gvimrc", ".gdbinit", ".tmux.conf",
        ".npmrc", ".yarnrc", ".yarnrc.yml", ".pythonrc", ".pythonrc.py", ".irbrc", ".pryrc",
    ]

    /// Whether `path` can be one of the files below: it has a component starting with `.`, lies
    /// under `/etc`, `/var`, `/lib` or `/usr`, or ends in `authorized_keys`, a launchd property
    /// list and the like. One pass over the bytes.
    static func mayBeSpecial(_ path: String) -> Bool {
        var utf8 = path.utf8.makeIterator()
        var previous: UInt8 = UInt8(ascii: "/")
        while let byte = utf8.next() {
            if byte == UInt8(ascii: "."), previous == UInt8(ascii: "/") { return true }
            previous = byte
        }
        return path.hasPrefix("/etc/") || path.hasPrefix("/var/") || path.hasPrefix("/lib/") || path.hasPrefix("/usr/")
            || path.hasPrefix("/bin/") || path.hasPrefix("/sbin/")
            || path.hasSuffix("authorized_keys") || path.hasSuffix("authorized_keys2") || path.hasSuffix(".pth") || path.hasSuffix("customize.py")
            || path.hasSuffix("Jenkinsfile") || path.hasSuffix("CODEOWNERS") || path.hasSuffix(".yml") || path.hasSuffix(".yaml")
            || path.hasSuffix(".plist") || path.hasSuffix("LaunchAgents/") || path.hasSuffix("LaunchDaemons/")
    }

    /// Configuration of git hook managers (pre-commit, lefthook, overcommit), by file name.
    static let hookManagerFiles: Set<String> = [
        ".pre-commit-config.yaml", ".pre-commit-config.yml", "lefthook.yml", "lefthook.yaml", ".lefthook.yml", ".lefthook.yaml",
        "lefthook-local.yml", ".lefthook-local.yml", ".overcommit.yml",
    ]

    /// Pipeline definitions a CI/CD service runs from the repository, by file name.
    static let pipelineFiles: Set<String> = [
        ".gitlab-ci.yml", ".travis.yml", ".drone.yml", "Jenkinsfile", "azure-pipelines.yml", "azure-pipelines.yaml", "bitbucket-pipelines.yml",
        "buildspec.yml", "buildspec.yaml", "cloudbuild.yaml", "cloudbuild.yml", "appveyor.yml", ".appveyor.yml", "codemagic.yaml", ".woodpecker.yml",
    ]

    /// The finding for a write to `path`, or nil for an ordinary file. Every redirection asks, so
    /// the path's components are walked once, and most paths are answered by their first bytes.
    static func finding(forWriteTo path: String, operation: String) -> Finding? {
        guard mayBeSpecial(path) else { return nil }
        let components = path.pieces(between: "/")
        guard let name = components.last else { return nil }
        func runsLater(_ reason: String) -> Finding {
            Finding(operation: operation, effect: .unknown, targets: [path], targetsComplete: false, categories: [.opaqueExecution], reason: reason)
        }
        func grantsAccess(_ reason: String) -> Finding {
            Finding(operation: operation, effect: .destructive, targets: [path], categories: [.permissionChange], reason: reason)
        }
        // CI/CD: the service runs these from the repository once they are pushed, with the secrets
        // and deployment credentials the agent never holds.
        func devContainer() -> Finding {
            runsLater("`\(path)` is a dev container definition: its `initializeCommand`, `postCreateCommand` and `postStartCommand` run when the container is built or started")
        }
        func gitConfiguration() -> Finding {
            runsLater("`\(path)` is git configuration, which can make git run commands (`core.hooksPath`, `core.fsmonitor`, aliases)")
        }
        func runsInCI() -> Finding {
            runsLater("`\(path)` defines a CI/CD pipeline, which runs once pushed, with the repository's secrets and deployment credentials")
        }
        if pipelineFiles.contains(String(name)) { return runsInCI() }
        if name == "CODEOWNERS" {
            return grantsAccess("`\(path)` decides whose review a change needs before it can merge")
        }
        // Directories, anywhere in the path, whose files git runs or whose contents configure git.
        // A trailing `/` names a directory the files land in (`cp hook .git/hooks/`).
        let intoDirectory = path.utf8.last == UInt8(ascii: "/")
        for (index, component) in components.dropLast().enumerated() where component.utf8.first == UInt8(ascii: ".") {
            let next = components[index + 1]
            let isLast = index + 2 == components.count
            if component == ".git" && next == "hooks" && (index + 2 < components.count || intoDirectory) || component == ".husky" || component == ".githooks" {
                return runsLater("`\(path)` is a git hook: git runs it on commit, merge, checkout or push, unseen")
            }
            if component == ".git" && next == "config" && isLast {
                return gitConfiguration()
            }
            let below = index + 2 < components.count || intoDirectory
            if component == ".github" && (next == "workflows" || next == "actions") && below || component == ".gitlab" && next == "ci" && below
                || [".circleci", ".buildkite", ".tekton", ".woodpecker"].contains(component) {
                return runsInCI()
            }
            // Claude Code runs the `!` lines of a command or skill when it is loaded (the model
            // loads skills itself), and a subagent's or plugin's hooks on its events: shell
            // commands run by the host, not through a tool call Interlock is asked about.
            if component == ".claude" && ["commands", "skills", "agents", "plugins"].contains(next) && (index + 2 < components.count || intoDirectory) {
                return runsLater("`\(path)` is a Claude Code command, skill, subagent or plugin: the shell commands it holds (`!` lines, hooks) are run by the host when it is used, not through a tool call")
            }
            // Editors run a workspace's tasks (one marked `runOn: folderOpen` as soon as the
            // folder is opened, in VS Code and Cursor alike), and a dev container's lifecycle
            // commands run when it is built or started.
            if component == ".vscode" && next == "tasks.json" && index + 2 == components.count {
                return runsLater("`\(path)` defines the workspace's tasks: the editor runs them, one marked `runOn: folderOpen` as soon as the folder is opened")
            }
            if component == ".devcontainer" && name.hasSuffix(".json") {
                return devContainer()
            }
            // git reads `$XDG_CONFIG_HOME/git/config` (by default `~/.config/git/config`) as
            // it reads `~/.gitconfig`; cargo reads `.cargo/config.toml` in the working directory
            // and every directory above it, as npm reads `.npmrc`.
            if component == ".config" && next == "git" && index + 3 == components.count && name == "config" {
                return gitConfiguration()
            }
            if component == ".cargo" && isLast && (next == "config.toml" || next == "config") {
                return runsLater("`\(path)` is cargo configuration: a target's `runner`, `build.rustc-wrapper` or a `credential-provider` in it run commands on cargo's next build, run or publish")
            }
            if component == ".config" && next == "fish" && (name.hasSuffix(".fish") || intoDirectory) {
                return runsLater("`\(path)` runs in every new fish shell")
            }
            if component == ".config" && next == "systemd" {
                return runsLater("`\(path)` defines a service the system runs")
            }
            if component == ".config" && next == "autostart" {
                return runsLater("`\(path)` starts a program at every desktop login")
            }
            if component == ".ssh" && isLast && next == "config" {
                return runsLater("`\(path)` is ssh configuration: its `ProxyCommand` and `LocalCommand` run commands whenever ssh connects")
            }
            if component == ".ssh" && isLast && next == "rc" { return runsLater("`\(path)` runs at every ssh login") }
            if component == ".aws" && isLast && next == "config" {
                return runsLater("`\(path)` is AWS configuration: a `credential_process` in it runs a command on every AWS call")
            }
            if component == ".kube" && isLast && next == "config" {
                return runsLater("`\(path)` is a kubeconfig: an `exec` credential plugin in it runs a command on every kubectl call")
            }
            if component == ".local" && next == "bin" && (index + 2 < components.count || intoDirectory) {
                return runsLater("`\(path)` adds or replaces a command on the PATH")
            }
        }
        if name.utf8.first == UInt8(ascii: ".") {
            if name == ".gitconfig" {
                return gitConfiguration()
            }
            if shellStartupFiles.contains(String(name)) { return runsLater("`\(path)` runs in every new shell") }
            if toolStartupFiles.contains(String(name)) { return runsLater("`\(path)` is read by a tool when it starts and can make it run commands") }
            if name == ".devcontainer.json" {
                return devContainer()
            }
        }
        // Python runs `import` lines of `.pth` files, and `sitecustomize`/`usercustomize`, at every start.
        if name.hasSuffix(".pth") || name == "sitecustomize.py" || name == "usercustomize.py",
           components.contains(where: { $0 == "site-packages" || $0 == "dist-packages" }) {
            return runsLater("`\(path)` runs whenever Python starts")
        }
        if name == "authorized_keys" || name == "authorized_keys2" {
            return grantsAccess("`\(path)` decides which keys may log in")
        }
        // Git hook managers read their hooks from the repository's own files: pre-commit's
        // `repo: local` hooks, lefthook's and overcommit's commands run on every commit or push.
        if hookManagerFiles.contains(String(name)) {
            return runsLater("`\(path)` configures a git hook manager: the commands it names run on commit or push, unseen")
        }
        if intoDirectory, name == ".husky" || name == ".githooks" {
            return runsLater("`\(path)` holds git hooks: git runs them on commit, merge, checkout or push, unseen")
        }
        // launchd (macOS) starts the jobs of these directories' property lists at login or boot,
        // and again on their schedules: `~/Library/LaunchAgents`, `/Library/LaunchDaemons`.
        if let library = components.firstIndex(of: "Library"), library + 2 < components.count || intoDirectory && library + 1 < components.count,
           components[library + 1] == "LaunchAgents" || components[library + 1] == "LaunchDaemons" {
            return runsLater("`\(path)` is a launchd job: macOS runs its program at login or boot and on its schedule")
        }
        // System directories, named from the root.
        guard path.utf8.first == UInt8(ascii: "/"), components.count >= 2 else { return nil }
        let top = components[0], second = components[1]
        switch top {
        case "etc":
            if components.count == 2 && !intoDirectory {
                switch second {
                case "profile", "bash.bashrc", "zshrc", "zshenv", "zprofile", "zlogin", "environment", "rc.local": return runsLater("`\(path)` runs in every new shell or at boot")
                case "gitconfig": return gitConfiguration()
                case "ld.so.preload": return runsLater("`\(path)` names libraries every program loads")
                case "crontab", "anacrontab": return runsLater("`\(path)` is a cron table: cron runs it later")
                case "sudoers", "passwd", "shadow", "group", "gshadow": return grantsAccess("`\(path)` decides who may log in or act as root")
                default: return nil
                }
            }
            switch second {
            case "profile.d", "zsh", "fish": return runsLater("`\(path)` runs in every new shell")
            case "cron.d", "cron.hourly", "cron.daily", "cron.weekly", "cron.monthly": return runsLater("`\(path)` is a cron job: cron runs it later")
            case "systemd", "init.d", "rc.d", "init": return runsLater("`\(path)` defines a service the system runs")
            // Scripts run as root on events: every login's message of the day, a network coming
            // up or down, a DHCP lease, an interactive shell's completion, the periodic jobs.
            case "update-motd.d": return runsLater("`\(path)` runs as root at every login")
            case "bash_completion.d": return runsLater("`\(path)` runs in every new interactive shell")
            case "network" where components.count > 3 && components[2].hasPrefix("if-"),
                 "NetworkManager" where components.count > 3 && components[2] == "dispatcher.d",
                 "dhcp" where components.count > 3 && components[2].hasSuffix("-hooks.d"),
                 "periodic":
                return runsLater("`\(path)` is a script the system runs as root on an event or a schedule (network up or down, a DHCP lease, periodic jobs)")
            case "sudoers.d": return grantsAccess("`\(path)` decides who may act as root")
            case "ssh", "pam.d", "security": return grantsAccess("`\(path)` configures how users log in and authenticate")
            case "udev", "modprobe.d", "logrotate.d", "xdg", "ld.so.conf.d":
                return runsLater("`\(path)` configures commands or libraries the system runs later (udev `RUN`, modprobe `install`, logrotate scripts, autostart)")
            case "apt" where components.count > 2 && components[2] == "apt.conf.d":
                return runsLater("`\(path)` can make apt run commands (`Pre-Invoke`, `Post-Invoke`)")
            default: return nil
            }
        case "var" where second == "spool" && components.count > 3 && components[2] == "cron":
            return runsLater("`\(path)` is a cron table: cron runs it later")
        case "lib" where second == "systemd", "usr" where second == "lib" && components.count > 3 && components[2] == "systemd":
            return runsLater("`\(path)` defines a service the system runs")
        case "bin", "sbin":
            return runsLater("`\(path)` adds or replaces a command on the PATH")
        case "usr":
            // `/usr/local/bin/git` runs instead of the real git; so does any new name there.
            let binary = ["bin", "sbin"].contains(second) ? 2 : (second == "local" && components.count > 2 && ["bin", "sbin"].contains(components[2]) ? 3 : nil)
            guard let binary, components.count > binary || intoDirectory else { return nil }
            return runsLater("`\(path)` adds or replaces a command on the PATH")
        default:
            return nil
        }
    }
}
