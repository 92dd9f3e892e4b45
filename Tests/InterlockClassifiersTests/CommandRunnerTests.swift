import Foundation
import InterlockClassifiers
import InterlockCore
import Testing

/// Programs that start other programs are classified as what they start, and secret managers'
/// commands that print a secret hand it to the agent.
@Suite struct CommandRunnerTests {
    let classifier = ShellClassifier(fileSystem: FixedFileSystem(files: [:], directories: ["/srv", "/srv/app"]))

    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Wrappers that take the command as words, and those that take it as one command line.
    static let wordRunners = [
        "aws-vault exec prod -- %", "aws-vault exec --duration 1h prod %", "op run --env-file=.env -- %", "doppler run -p shop -c prd -- %",
        "chamber exec shop/prod -- %", "envchain aws %", "infisical run --env=prod -- %", "dotenv -e .env.production -- %", "env-cmd -f .env %",
        "systemd-run --unit job -p User=app %", "fakeroot %", "xvfb-run -a %", "pkexec --user root %", "sshpass -p secret %", "valgrind -q %",
        "dbus-run-session -- %", "toybox %", "asdf exec %", "rbenv exec %", "volta run --node 20 %", "mise exec node@20 -- %", "direnv exec /srv/app %",
        "devbox run %", "nix develop -c %", "pipenv run %", "pdm run %", "hatch run %", "bundle exec %", "poetry run %", "uv run --with boto3 %",
        "conda run -n base %", "npm exec -- %", "pnpm dlx %", "yarn dlx %", "npx %", "screen -dmS job %", "tmux new-session -d -s job %",
    ]
    static let lineRunners = [
        "script -qc % /dev/null", "nix-shell -p awscli2 --run %", "sops exec-env secrets.enc.yaml %", "doppler run --command %",
        "tmux new -d %", "tmux run-shell %", "tmux send-keys -t job % Enter", "screen -S job -X stuff %", "vagrant ssh web -c %",
        "salt '*' cmd.run %", "salt-call cmd.run %", "pdsh -w web[1-3] %", "clush -w web[1-3] %", "npx -c %", "mise exec -c %",
    ]

    /// Simple commands of the corpus that can be started by a program: a command word first, no
    /// assignments, keywords or shell syntax that only a shell reads.
    static func startableCorpusLines() throws -> [CorpusCase] {
        try Corpus.load("shell.jsonl", key: "input").filter { corpusCase in
            let line = corpusCase.input
            guard let first = line.split(separator: " ").first, corpusCase.effect != .read else { return false }
            let word = String(first)
            let shellOnly = ["if", "for", "while", "until", "case", "function", "time", "coproc", "select", "!", "alias", "export", "cd", "source", ".",
                             "eval", "exec", "set", "trap", "declare", "local", "readonly", "unset", "shopt", "builtin", "command", "kill",
                             // The builtins read a name's subscript as code (`printf -v 'a[$(cmd)]'`); the
                             // programs of the same name a runner starts do not.
                             "printf", "test", "["]
            // A pipeline's first command prints what the next one reads; through a wrapper that text
            // is not known (`nice echo 'rm -rf /' | sh` is unknown, as it was), so pipelines are left out.
            return word.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) } && !word.contains("=") && !shellOnly.contains(word)
                && !line.contains("\n") && !line.contains("()") && !line.contains("$((") && !line.contains("|")
        }
    }

    /// A reference property over the corpus: whichever way a command is started, the line is at
    /// least as severe as the command alone, and keeps every category of it (a teardown stays a
    /// teardown, blocked in production, instead of an unknown that is only gated).
    @Test func startingACommandThroughARunnerNeverMakesItMilder() throws {
        let corpus = try Self.startableCorpusLines()
        #expect(corpus.count > 200)
        var checked = 0
        for corpusCase in corpus {
            let alone = classifier.classify(commandLine: corpusCase.input, workingDirectory: "/srv/app")
            // Only the first simple command is handed to a word runner; the rest of a list or
            // pipeline still runs beside it.
            for template in Self.wordRunners {
                // A new tmux or screen session does not read this line's input.
                if template.hasPrefix("tmux") || template.hasPrefix("screen"), corpusCase.input.contains("<<") { continue }
                let line = template.replacingOccurrences(of: "%", with: corpusCase.input)
                let wrapped = classifier.classify(commandLine: line, workingDirectory: "/srv/app")
                #expect(wrapped.effect >= alone.effect, "\(line): \(wrapped.effect) < \(alone.effect) of \(corpusCase)")
                #expect(wrapped.categories.isSuperset(of: alone.categories.subtracting([.opaqueExecution])), "\(line): \(wrapped.categories) lacks some of \(alone.categories)")
                checked += 1
            }
            for template in Self.lineRunners {
                let line = template.replacingOccurrences(of: "%", with: Self.quoted(corpusCase.input))
                let wrapped = classifier.classify(commandLine: line, workingDirectory: "/srv/app")
                #expect(wrapped.effect >= alone.effect, "\(line): \(wrapped.effect) < \(alone.effect) of \(corpusCase)")
                #expect(wrapped.categories.isSuperset(of: alone.categories.subtracting([.opaqueExecution])), "\(line): \(wrapped.categories) lacks some of \(alone.categories)")
                checked += 1
            }
        }
        #expect(checked > 10_000)
    }

    /// Before, each of these was `unknown` (gated in production, where teardown is blocked, and
    /// supervised in staging, where a deletion is gated).
    @Test func theCommandARunnerStartsIsWhatIsClassified() {
        let cases: [(String, String, Category?)] = [
            ("aws-vault exec prod -- aws eks delete-cluster --name main", "aws:eks:DeleteCluster", .teardown),
            ("op run -- terraform destroy -auto-approve", "terraform:destroy", .teardown),
            ("doppler run -- kubectl delete ns prod", "kubectl:delete", .teardown),
            ("sops exec-env secrets.yaml 'dropdb shop'", "shell:dropdb", .dataLoss),
            ("uv run aws eks delete-cluster --name main", "aws:eks:DeleteCluster", .teardown),
            ("npx cdk destroy --force", "cdk:destroy", .teardown),
            ("npx rimraf /srv/data", "shell:rimraf", .dataLoss),
            ("tmux new -d 'sleep 1' ';' send-keys -t 0 'kubectl delete ns prod' C-m", "kubectl:delete", .teardown),
            ("salt -G role:db cmd.run 'rm -rf /var/lib/postgresql'", "shell:rm", .dataLoss),
            ("direnv exec . git log -- README.md", "git:log", nil),
        ]
        for (line, operation, category) in cases {
            let facts = classifier.classify(commandLine: line, workingDirectory: "/srv/app")
            #expect(facts.operations.contains(operation), "\(line): \(facts.operations)")
            if let category { #expect(facts.categories.contains(category), "\(line): \(facts.categories)") }
        }
        // `direnv exec DIR` sources the directory's `.envrc` first: unknown beside the command; the
        // `--` after the command word is the command's own.
        let direnv = classifier.classify(commandLine: "direnv exec . git log -- README.md", workingDirectory: "/srv/app")
        #expect(direnv.effect == .unknown)
        #expect(!direnv.operations.contains("shell:README.md"))
        // A pure wrapper adds nothing: reads stay reads.
        for line in ["aws-vault exec prod -- aws s3 ls", "op run -- ls -la", "asdf exec node --version", "systemd-run --user ls", "tmux ls", "screen -ls"] {
            #expect(classifier.classify(commandLine: line).effect == .read, "\(line)")
        }
    }

    /// Without a command that can be seen, a runner opens a shell (whatever is typed there runs),
    /// or prints or serves the secrets it holds.
    @Test func withoutACommandARunnerIsAShellOrAHandover() {
        for line in ["aws-vault exec prod", "script session.log", "vagrant ssh web", "nix-shell", "tmux", "tmux attach -t job", "screen", "screen -r job",
                     "chamber exec shop/prod", "mise exec node@20"] {
            let facts = classifier.classify(commandLine: line)
            #expect(facts.effect == .unknown, "\(line): \(facts.effect)")
            #expect(facts.categories.contains(.opaqueExecution), "\(line): \(facts.categories)")
        }
        for line in ["aws-vault exec prod --json", "aws-vault exec --server prod"] {
            #expect(classifier.classify(commandLine: line).categories.contains(.credentialIssue), "\(line)")
        }
    }

    /// Secret managers' commands that print, copy, decrypt or serve a secret issue it to the
    /// agent; listing names, storing and deleting do not (deleting loses data).
    /// In a container, a pod or on another host the environment is a service's, with its
    /// secrets: printing it there hands them over, as `/proc/1/environ` does; here it is the
    /// agent's own.
    @Test func printingAnotherPlacesEnvironmentIssuesItsSecrets() {
        let issued = [
            "kubectl exec api-0 -- env", "kubectl exec -n prod api-0 -c app -- printenv DATABASE_URL", "kubectl exec api-0 -- sh -c 'export -p'",
            "docker exec db env", "podman exec db printenv", "docker compose exec api printenv", "ssh prod-1 env", "ssh prod-1 'declare -x'",
            "heroku run env -a prod", "gcloud compute ssh vm1 --command printenv", "ansible all -m shell -a env",
            "aws ssm send-command --document-name AWS-RunShellScript --targets Key=tag:role,Values=web --parameters commands=env",
            "aws ecs execute-command --cluster c --task t --interactive --command env", "kubectl create job dump --image=app -- env",
            // Its environment files likewise.
            "ssh prod-1 cat /srv/app/.env", "kubectl exec api-0 -- cat .env.production", "docker exec api cat /etc/app/prod.env",
            // Its variables printed one by one.
            "kubectl exec api-0 -- sh -c 'echo $DATABASE_PASSWORD'", "ssh prod-1 'printf %s \"$API_KEY\"'",
            // Or copied here.
            "scp prod-1:/srv/app/.env .", "rsync -a prod-1:/srv/app/.env.production ./", "docker cp api:/app/.env ./copy", "docker cp api:/proc/1/environ ./x",
        ]
        for line in issued {
            let facts = classifier.classify(commandLine: line)
            #expect(facts.categories.contains(.credentialIssue), "\(line): \(facts.categories)")
        }
        for line in ["env", "printenv HOME", "export -p", "set", "kubectl exec api-0 -- env FOO=1 ls", "kubectl exec api-0 -- ls", "ssh prod-1 uptime",
                     "docker exec db set -e", "cat .env", "cat /srv/app/.env.production", "ssh prod-1 cat /srv/app/.env.example",
                     "echo $DATABASE_PASSWORD", "kubectl exec api-0 -- sh -c 'X=1; echo $X'", "kubectl exec api-0 -- echo '$LITERAL'",
                     "scp ./.env prod-1:/srv/app/", "docker cp api:/app/logs ./logs", "rsync -a https://example.com/.env.example .",
                     "kubectl exec api-0 -- sh -c 'echo \"started at $(date)\"'", "ssh prod-1 'echo $((1 + 2))'"] {
            #expect(!classifier.classify(commandLine: line).categories.contains(.credentialIssue), "\(line)")
        }
    }

    @Test func secretManagersThatPrintSecretsIssueThem() {
        let issued = [
            "op read op://prod/db/password", "op item get db --reveal", "op inject -i config.tpl", "sops -d secrets.enc.yaml", "sops decrypt s.yaml",
            "doppler secrets", "doppler secrets get DB_PASSWORD --plain", "doppler secrets download --no-file", "aws-vault export prod",
            "aws-vault login prod", "chamber read shop db_password", "chamber export shop", "chamber list -e shop", "pass show prod/db", "pass prod/db",
            "gopass show -o prod/db", "pass -c prod/db", "bw get password prod-db", "bw list items", "bw unlock --raw", "lpass show --password prod-db",
            "security find-generic-password -s aws -w", "secret-tool lookup service aws", "ansible-vault view group_vars/prod.yml",
            "age -d -i key.txt secrets.age", "kubeseal --recovery-unseal --recovery-private-key key.pem", "infisical export --env=prod",
            "berglas access sm://shop/db", "dotenvx get DB_PASSWORD", "envchain --list --show-value aws", "gpg -d secrets.json.gpg",
            "gpg --export-secret-keys --armor ops@example.com",
            // Secrets a runner put in the environment of a program that prints its environment.
            "aws-vault exec prod -- env", "op run -- printenv", "envchain aws env", "sops exec-env s.yaml env", "doppler run -- printenv DB_PASSWORD",
        ]
        for line in issued {
            let facts = classifier.classify(commandLine: line)
            #expect(facts.categories.contains(.credentialIssue), "\(line): \(facts.categories)")
            #expect(facts.effect == .read, "\(line): \(facts.effect)")
        }
        let notIssued: [(String, Effect)] = [
            ("op item list", .read), ("op whoami", .read), ("pass ls", .read), ("pass", .read), ("chamber list shop", .read), ("aws-vault list", .read),
            ("security find-generic-password -s aws", .read), ("bw status", .read), ("envchain --list", .read),
            ("sops -e -i secrets.yaml", .write), ("doppler secrets set X=1", .write), ("chamber write shop key value", .write), ("pass insert prod/db", .write),
            ("envchain --set aws AWS_SECRET_ACCESS_KEY", .write), ("op item create --category login", .write),
            ("pass rm prod/db", .destructive), ("op item delete db", .destructive), ("chamber delete shop key", .destructive),
            ("security delete-generic-password -s aws", .destructive), ("secret-tool clear service aws", .destructive),
            ("gpg --list-keys", .read), ("gpg -e -r ops@example.com backup.tar", .write), ("gpg --delete-secret-keys ABCD", .destructive),
            ("op run -- env FOO=1 node server.js", .unknown), ("aws-vault exec prod -- aws s3 ls", .read),
        ]
        for (line, effect) in notIssued {
            let facts = classifier.classify(commandLine: line)
            #expect(!facts.categories.contains(.credentialIssue), "\(line): \(facts.categories)")
            #expect(facts.effect == effect, "\(line): \(facts.effect)")
        }
        // Deleting a stored secret loses it.
        #expect(classifier.classify(commandLine: "op vault delete prod").categories.contains(.dataLoss))
        // Not in the tables: unknown, never a read.
        #expect(classifier.classify(commandLine: "op plugin init aws").effect == .unknown)
    }

    /// `npm run NAME` (and `test`, `start`, `yarn NAME`, `pnpm run NAME`) runs the project's
    /// script of that name with its hooks: each is classified as the command line it is, so a
    /// script the agent just wrote is judged by what it says, not by the name it was given.
    @Test func packageScriptsAreTheCommandLinesTheySay() {
        let manifest = #"{"name": "shop", "scripts": {"predeploy": "npm run build", "deploy": "terraform destroy -auto-approve", "test": "jest", "reset": "prisma migrate reset --force", "lint": "eslint ."}}"#
        let classifier = ShellClassifier(fileSystem: FixedFileSystem(files: ["/srv/app/package.json": manifest, "/srv/web/package.json": "not json"],
                                                                     directories: ["/srv", "/srv/app", "/srv/web"]))
        for line in ["npm run deploy", "yarn deploy", "yarn run deploy", "pnpm run deploy", "npm run-script deploy --if-present", "npm --prefix /srv/app run deploy"] {
            let facts = classifier.classify(commandLine: line, workingDirectory: line.contains("--prefix") ? "/tmp" : "/srv/app")
            #expect(facts.operations.contains("terraform:destroy"), "\(line): \(facts.operations)")
            #expect(facts.categories.contains(.teardown), "\(line): \(facts.categories)")
        }
        #expect(classifier.classify(commandLine: "npm run reset", workingDirectory: "/srv/app").categories.contains(.dataLoss))
        // Other scripts are not taken in; a project runner stays unknown at least.
        let lint = classifier.classify(commandLine: "npm run lint", workingDirectory: "/srv/app")
        #expect(lint.effect == .unknown)
        #expect(!lint.operations.contains("terraform:destroy"))
        // A manifest that is not JSON runs nothing (npm refuses it); one whose place is not known is opaque.
        #expect(!classifier.classify(commandLine: "npm run deploy", workingDirectory: "/srv/web").categories.contains(.teardown))
        #expect(classifier.classify(commandLine: "npm run deploy").categories.contains(.opaqueExecution))
    }

    /// `make TARGET` runs the Makefile's recipes for it and its prerequisites: each line is
    /// classified as what it says, in the Makefile's directory; a dry run runs nothing.
    @Test func makeRecipesAreTheCommandLinesTheySay() {
        let makefile = "ENV ?= prod\nall: build\nbuild:\n\tgo build ./...\nclean:\n\t@rm -rf dist\nreset: clean\n\t-aws cloudformation delete-stack --stack-name shop-$(ENV)\nnuke: ; terraform destroy -auto-approve\n"
        let classifier = ShellClassifier(fileSystem: FixedFileSystem(files: ["/srv/app/Makefile": makefile, "/srv/app/ops/GNUmakefile": "db:\n\tdropdb shop\n"],
                                                                     directories: ["/srv", "/srv/app", "/srv/app/ops"]))
        let reset = classifier.classify(commandLine: "make reset ENV=staging", workingDirectory: "/srv/app")
        #expect(reset.operations.contains("aws:cloudformation:DeleteStack"))
        #expect(reset.categories.isSuperset(of: [.teardown, .dataLoss]))
        #expect(reset.targets.contains("/srv/app/dist") && reset.targets.contains("shop-staging"), "\(reset.targets)")
        #expect(classifier.classify(commandLine: "make nuke", workingDirectory: "/srv/app").operations.contains("terraform:destroy"))
        // `-C DIR`: that directory's Makefile, its recipes run there.
        let ops = classifier.classify(commandLine: "make -C ops db", workingDirectory: "/srv/app")
        #expect(ops.operations.contains("shell:dropdb"), "\(ops.operations)")
        // The default target's recipes, and nothing else; a dry run runs none.
        let all = classifier.classify(commandLine: "make", workingDirectory: "/srv/app")
        #expect(all.operations.contains("shell:go:build") && !all.operations.contains("shell:rm"), "\(all.operations)")
        #expect(!classifier.classify(commandLine: "make -n nuke", workingDirectory: "/srv/app").operations.contains("terraform:destroy"))
        // `-p` prints the database and then runs the recipes.
        #expect(classifier.classify(commandLine: "make -p nuke", workingDirectory: "/srv/app").operations.contains("terraform:destroy"))
        // make is project code whatever its recipes say: never milder than unknown.
        #expect(all.effect == .unknown)
    }
}
