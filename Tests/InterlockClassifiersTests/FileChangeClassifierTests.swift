import InterlockClassifiers
import InterlockCore
import Testing

@Suite struct FileChangeClassifierTests {
    func facts(_ path: String, _ kind: FileChange.Kind = .write, content: String = "echo hi\n") -> Classification {
        FileChangeClassifier().classify(Action(principal: Principal(agent: "t"), channel: .hook, input: .file(FileChange(path: path, kind: kind, content: content))))!
    }

    @Test func ordinaryFilesAreWrites() {
        #expect(facts("/home/dev/project/src/main.swift").effect == .write)
        #expect(facts("/home/dev/project/.git/hooks/pre-commit.sample", .delete).effect == .destructive)
        // Near misses of the files below stay ordinary writes.
        for path in ["/home/dev/.ssh/known_hosts", "/home/dev/.aws/cli/cache/x.json", "/home/dev/project/config", "/usr/share/doc/x/README",
                     "/home/dev/project/bin/run", "/home/dev/project/lib/site.pth.txt", "/home/dev/.local/share/x",
                     "/home/dev/project/.github/dependabot.yml", "/home/dev/project/.github/ISSUE_TEMPLATE/bug.yml", "/home/dev/project/.gitlab/issue_templates/bug.md",
                     "/home/dev/project/k8s/deploy.yaml", "/home/dev/project/docs/workflows/ci.yml",
                     "/home/dev/project/docs/claude/commands/deploy.md", "/home/dev/project/.claude/CLAUDE.md", "/home/dev/project/CLAUDE.md",
                     "/home/dev/project/.vscode/settings.json", "/home/dev/project/.vscode/extensions.json", "/home/dev/project/.devcontainer/Dockerfile",
                     "/home/dev/.config/git/ignore", "/home/dev/project/.cargo/registry/cache/x.crate", "/home/dev/.config/fish/fish_history",
                     "/Users/dev/Library/Preferences/com.example.x.plist", "/home/dev/project/Info.plist", "/etc/network/interfaces"] {
            #expect(facts(path).effect == .write, "\(path)")
        }
    }

    /// Files something else runs later: the write plants an action Interlock will not see happen.
    @Test func codeThatRunsLaterIsUnknown() {
        for path in ["/home/dev/project/.git/hooks/pre-commit", "/home/dev/.bashrc", "/etc/cron.d/cleanup", "/etc/systemd/system/x.service",
                     "/home/dev/project/.husky/pre-push", "/home/dev/project/.pre-commit-config.yaml", "/home/dev/project/lefthook.yml", "/home/dev/project/.git/config", "/etc/profile.d/x.sh",
                     "/home/dev/.ssh/config", "/home/dev/.aws/config", "/home/dev/.kube/config", "/home/dev/.psqlrc", "/home/dev/project/.npmrc",
                     "/usr/local/bin/git", "/home/dev/.local/bin/ls", "/bin/ls", "/etc/ld.so.preload", "/etc/udev/rules.d/99-x.rules",
                     "/srv/app/venv/lib/python3.11/site-packages/zz.pth", "/usr/lib/python3/dist-packages/sitecustomize.py",
                     // git's XDG and system configuration, as `~/.gitconfig`; cargo's, as npm's; other shells' startup files.
                     "/home/dev/.config/git/config", "/etc/gitconfig", "/home/dev/project/.cargo/config.toml", "/home/dev/.cargo/config",
                     "/home/dev/.config/fish/config.fish", "/home/dev/.config/fish/functions/ls.fish", "/etc/zsh/zshrc", "/etc/zshenv", "/etc/fish/config.fish",
                     // Scripts the system runs on events and schedules; launchd jobs on macOS.
                     "/etc/anacrontab", "/etc/update-motd.d/99-x", "/etc/network/if-up.d/x", "/etc/NetworkManager/dispatcher.d/10-x",
                     "/etc/dhcp/dhclient-exit-hooks.d/x", "/etc/periodic/daily/500.x", "/etc/bash_completion.d/x", "/etc/init/x.conf",
                     "/Users/dev/Library/LaunchAgents/com.example.x.plist", "/Library/LaunchDaemons/com.example.x.plist",
                     // CI/CD pipelines run once pushed, with credentials the agent never holds.
                     "/home/dev/project/.github/workflows/deploy.yml", "/home/dev/project/.github/actions/setup/action.yml", "/home/dev/project/.gitlab-ci.yml",
                     "/home/dev/project/.gitlab/ci/deploy.yml", "/home/dev/project/Jenkinsfile", "/home/dev/project/.circleci/config.yml",
                     "/home/dev/project/azure-pipelines.yml", "/home/dev/project/buildspec.yml", "/home/dev/project/.buildkite/pipeline.yml",
                     // Claude Code runs a command's or skill's `!` lines, and a subagent's or plugin's hooks, itself.
                     "/home/dev/project/.claude/commands/deploy.md", "/home/dev/project/.claude/skills/release/SKILL.md",
                     "/home/dev/.claude/agents/reviewer.md", "/home/dev/.claude/plugins/market/tools/hooks/hooks.json",
                     // Editors run workspace tasks (at folder open, if marked so); dev containers run their lifecycle commands.
                     "/home/dev/project/.vscode/tasks.json", "/home/dev/project/.devcontainer/devcontainer.json",
                     "/home/dev/project/.devcontainer/python/devcontainer.json", "/home/dev/project/.devcontainer.json"] {
            let result = facts(path)
            #expect(result.effect == .unknown, "\(path)")
            #expect(result.categories.contains(.opaqueExecution), "\(path)")
        }
        #expect(facts("/home/dev/project/.git/hooks/pre-commit", .edit).effect == .unknown)
    }

    @Test func loginAccessIsAPermissionChange() {
        for path in ["/home/dev/.ssh/authorized_keys", "/etc/sudoers.d/agent", "/etc/passwd", "/etc/ssh/sshd_config", "/etc/pam.d/sshd",
                     "/home/dev/project/.github/CODEOWNERS", "/home/dev/project/CODEOWNERS"] {
            let result = facts(path)
            #expect(result.effect == .destructive, "\(path)")
            #expect(result.categories.contains(.permissionChange), "\(path)")
        }
    }
}
