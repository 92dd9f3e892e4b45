import Foundation
import InterlockCore
import Testing

/// The real `interlock` binary: its output and exit codes for each outcome (0 allow, 1 failure,
/// 2 blocked, 3 invalid input or policy, 4 approval required).
@Suite("interlock check and explain")
struct CheckCommandTests {
    @Test("a read in production is allowed: exit 0")
    func allow() throws {
        let r = try InterlockBinary.run(["check", "--shell", "ls -la /srv/prod"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("decision:    autonomous (allow)"))
        // Stated facts can only tighten: claiming `read` does not make a deletion harmless.
        let claimed = try InterlockBinary.run(["check", "--shell", "VAR=x rm -rf /srv/prod", "--facts", #"{"effect":"read","operations":["shell:ls"]}"#])
        #expect(claimed.status == 4)
        let w = try InterlockBinary.run(["check", "--file-write", "/home/me/notes.txt", "--env", "development"])
        #expect(w.status == 0)
        #expect(w.stdout.contains("decision:    autonomous (allow)"))
    }

    @Test("a supervised write is allowed and says so")
    func supervised() throws {
        let r = try InterlockBinary.run(["check", "--file-write", "/srv/app/config.yaml"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("decision:    supervised (allow)"))
        #expect(r.stdout.contains("environment: production"))
    }

    @Test("production teardown is blocked: exit 2, with the rule's message")
    func blocked() throws {
        let r = try InterlockBinary.run([
            "check", "--aws", "cloudformation:DeleteStack", "--param", "StackName=prod",
            "--facts", #"{"effect":"destructive","operations":["aws:cloudformation:DeleteStack"],"targets":["prod"],"categories":["teardown"]}"#,
        ])
        #expect(r.status == 2)
        #expect(r.stdout.contains("decided by:  rule production-teardown"))
        #expect(r.stdout.contains("tearing down a production environment is blocked"))
    }

    @Test("a gated action: exit 4, approvers and missing context named")
    func gated() throws {
        let r = try InterlockBinary.run(["check", "--file-delete", "/srv/prod/db.sqlite", "--format", "json"])
        #expect(r.status == 4)
        let json = try JSONValue.parse(r.stdout)
        #expect(json["outcome"] == .string("approval_required"))
        #expect(json["decided_by"] == .string("rule:production-data-loss"))
        #expect(json["approval"]?["approvers"] == .int(2))
        #expect(json["missing_context"] == .array([.string("why"), .string("rollback")]))
        #expect(json["digest"]?.stringValue?.hasPrefix("sha256:") == true)
        let withContext = try InterlockBinary.run([
            "check", "--file-delete", "/srv/prod/db.sqlite", "--format", "json", "--why", "corrupt copy", "--rollback", "restore from backup",
        ])
        #expect(try JSONValue.parse(withContext.stdout)["missing_context"] == .array([]))
    }

    @Test("a JSON action document on stdin; its digest matches the library's")
    func stdinDocument() throws {
        let document = #"{"principal": {"agent": "kiro", "launched_by": "alice"}, "cwd": "/w", "environment": "staging", "input": {"kind": "file", "path": "/w/a.txt"}}"#
        let r = try InterlockBinary.run(["check", "--input", "-", "--format", "json"], stdin: document)
        #expect(r.status == 0)
        let expected = try ActionDocument.decode(JSONValue.parse(document), defaultPrincipal: Principal(agent: "x"), defaultChannel: .cli).digest
        #expect(try JSONValue.parse(r.stdout)["digest"] == .string(expected.description))
    }

    @Test("INTERLOCK_ENV names the environment")
    func environmentVariable() throws {
        let r = try InterlockBinary.run(["check", "--file-delete", "/w/a.txt"], environment: ["INTERLOCK_ENV": "development"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("environment: development"))
    }

    @Test("invalid input: exit 3 with one line on stderr", arguments: [
        (["check"], "no action given"),
        (["check", "--shell", "ls", "--sql", "select 1"], "more than one action given"),
        (["check", "--input", "-"], "stdin: not valid JSON"),
        (["check", "--aws", "ec2"], "--aws `ec2`: expected service:Operation"),
        (["check", "--shell", "ls", "--channel", "fax"], "unknown channel `fax`"),
        (["check", "--shell", "ls", "--format", "xml"], "The value 'xml' is invalid for '--format <format>'"),
        (["check", "--shell", "ls", "--facts", #"{"effect":"harmless"}"#], "`--facts.effect`: unknown effect `harmless`"),
    ])
    func invalid(arguments: [String], message: String) throws {
        let r = try InterlockBinary.run(arguments, stdin: "not json")
        #expect(r.status == 3, "\(arguments): \(r.stderr)")
        #expect(r.stderr.contains(message))
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    }

    @Test("an unreadable policy file is a failure (1); an invalid one is invalid (3) with positions")
    func policyErrors() throws {
        let missing = try InterlockBinary.run(["check", "--shell", "ls", "--policy", "/nonexistent/policy.yaml"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "interlock: cannot read `/nonexistent/policy.yaml`\n")
        let dir = try TemporaryDirectory()
        let path = try dir.write("p.yaml", "version: 1\nenvironments:\n  production:\n    tiers: {read: autonomus}\n")
        let invalid = try InterlockBinary.run(["check", "--shell", "ls", "--policy", path])
        #expect(invalid.status == 3)
        #expect(invalid.stderr == "\(path):4:19: error: unknown tier `autonomus`; did you mean `autonomous`?\n")
    }

    @Test("explain shows every rule and the tier lookup, and exits 0")
    func explain() throws {
        let r = try InterlockBinary.run(["explain", "--file-delete", "/srv/prod/db.sqlite"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("rule production-teardown: no"))
        #expect(r.stdout.contains("rule production-data-loss: matches → gated"))
        #expect(r.stdout.contains("tier production/destructive: gated"))
        #expect(r.stdout.contains("limit production-blast-radius: within"))
    }
}

@Suite("interlock policy")
struct PolicyCommandTests {
    @Test("lint: valid files print ok and exit 0; errors print file:line:column and exit 3")
    func lint() throws {
        let dir = try TemporaryDirectory()
        let good = try dir.write("good.yaml", "version: 1\nextends: builtin\n")
        let bad = try dir.write("bad.yaml", "version: 1\nextends: builtin\nrules:\n  - id: x\n    match: {operations: [\"shell:rm\"]}\n    decison: gated\n")
        let ok = try InterlockBinary.run(["policy", "lint", good])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("\(good): ok"))
        let r = try InterlockBinary.run(["policy", "lint", good, bad])
        #expect(r.status == 3)
        #expect(r.stdout.contains("\(bad):6:5: error: unknown key `decison` in a rule; did you mean `decision`?"))
    }

    @Test("test: passing suites exit 0, failing ones exit 1 with the failing case's position")
    func test() throws {
        let dir = try TemporaryDirectory()
        let policy = try dir.write(
            "p.yaml",
            """
            version: 1
            environments:
              production:
                tiers: {read: autonomous, write: gated, destructive: blocked, unknown: blocked}
            """)
        _ = policy
        let suite = try dir.write(
            "s.yaml",
            """
            policy: p.yaml
            cases:
              - name: writes are gated
                action: {input: {kind: file, path: /a}}
                expect: {decision: gated}
            """)
        let pass = try InterlockBinary.run(["policy", "test", suite])
        #expect(pass.status == 0, "\(pass.stdout)\(pass.stderr)")
        #expect(pass.stdout.contains("1 passed, 0 failed"))
        let failing = try dir.write(
            "f.yaml",
            """
            policy: p.yaml
            cases:
              - name: deletes are gated
                action: {input: {kind: file, path: /a, change: delete}}
                expect: {decision: gated}
            """)
        let fail = try InterlockBinary.run(["policy", "test", failing])
        #expect(fail.status == 1)
        #expect(fail.stdout.contains("\(failing):3:5: case `deletes are gated` failed: decision is blocked"))
        #expect(fail.stdout.contains("0 passed, 1 failed"))
    }

    @Test("the built-in policy's own suite passes through the CLI")
    func builtinSuite() throws {
        let suite = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("InterlockPolicyTests/Corpus/builtin-policy.tests.yaml").path
        let r = try InterlockBinary.run(["policy", "test", suite])
        #expect(r.status == 0, "\(r.stdout)")
    }

    @Test("show prints the effective policy, which lints clean")
    func show() throws {
        let r = try InterlockBinary.run(["policy", "show"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("id: production-teardown"))
        let dir = try TemporaryDirectory()
        let path = try dir.write("shown.yaml", r.stdout)
        #expect(try InterlockBinary.run(["policy", "lint", path]).status == 0)
    }

    @Test("--help and --version exit 0")
    func help() throws {
        #expect(try InterlockBinary.run(["--help"]).status == 0)
        let v = try InterlockBinary.run(["--version"])
        #expect(v.status == 0)
        #expect(v.stdout == "0.1.0\n")
    }
}

@Suite("interlock plan check")
struct PlanCheckCommandTests {
    static func plan(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("InterlockClassifiersTests/Corpus/plans/\(name).json").path
    }

    @Test("plans are decided by what they delete and replace")
    func decisions() throws {
        let tags = try InterlockBinary.run(["plan", "check", Self.plan("tag-change")])
        #expect(tags.status == 0)
        #expect(tags.stdout.contains("nothing is deleted or replaced"))
        let rds = try InterlockBinary.run(["plan", "check", Self.plan("rds-engine-replace")])
        #expect(rds.status == 4)
        #expect(rds.stdout.contains("replace aws_db_instance.main  [holds data]  forced by: engine"))
        let vpc = try InterlockBinary.run(["plan", "check", Self.plan("vpc-teardown")])
        #expect(vpc.status == 2)
        let big = try InterlockBinary.run(["plan", "check", Self.plan("destroy-200"), "--env", "staging"])
        #expect(big.status != 0)
    }

    @Test("what is not a plan is refused: exit 3")
    func invalid() throws {
        let r = try InterlockBinary.run(["plan", "check", "-"], stdin: #"{"values": {}}"#)
        #expect(r.status == 3)
        #expect(r.stderr.contains("format_version"))
    }
}

@Suite("MCP tool calls and the policy's trust registry")
struct MCPTrustCommandTests {
    static let gitStatus = #"{"channel": "mcp", "cwd": "/srv", "input": {"kind": "tool", "server": "git", "tool": "git_status", "arguments": {"repo_path": "/srv/repo"}, "annotations": {"readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false}}}"#

    @Test("an untrusted server's read-only claim is not believed; a trusted one's is")
    func trust() throws {
        let untrusted = try InterlockBinary.run(["check", "--input", "-"], stdin: Self.gitStatus)
        #expect(untrusted.status == 4)
        let dir = try TemporaryDirectory()
        let policy = try dir.write("policy.yaml", """
            version: 1
            extends: builtin
            mcp:
              servers:
                git:
                  trust_annotations: true
            """)
        let trusted = try InterlockBinary.run(["check", "--input", "-", "--policy", policy], stdin: Self.gitStatus)
        #expect(trusted.status == 0)
        #expect(trusted.stdout.contains("decision:    autonomous (allow)"))
        let shown = try InterlockBinary.run(["policy", "show", "--policy", policy])
        #expect(shown.stdout.contains("trust_annotations: true"))
    }
}
