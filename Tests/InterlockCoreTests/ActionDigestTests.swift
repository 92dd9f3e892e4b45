import InterlockCore
import PropertyBased
import Testing

@Suite("Action digest")
struct ActionDigestTests {
    static let base = Action(
        principal: Principal(agent: "claude-code", launchedBy: "alice", session: "s-1", task: "T-42"),
        channel: .hook, environment: "production", workingDirectory: "/srv/app", host: "web-1",
        input: .shell(ShellInput(command: "rm -rf /srv/app/tmp")),
        context: AgentContext(why: "free disk", alternatives: ["rotate logs"], rollback: "none", impact: "tmp files"))

    @Test("the digest of a fixed action never changes (version 1 encoding is pinned)")
    func golden() {
        // Pinned, and computed independently by scripts/action_digest_reference.py from the written
        // specification: a change here means every outstanding approval stops matching. Bump the
        // encoding version in docs/action-digest.md instead of editing these values.
        #expect(Self.base.digest.hex == "cd1a0e7ce6c9b019fc41d8d560ecbc9aa2c1f3ffbef328709b002ab6e8e96966")
        let aws = Action(
            principal: Principal(agent: "a"), channel: .awsAPI,
            input: .aws(
                AWSRequest(
                    service: "ec2", operation: "TerminateInstances",
                    parameters: .object([
                        "InstanceIds": .array([.string("i-1"), .string("i-2")]), "DryRun": .bool(false),
                        "MaxCount": .number(1.0), "Ratio": .double(0.25),
                    ]), region: "eu-west-1")))
        #expect(aws.digest.hex == "f0ce5d6ed4e3e742c259c948a4b4decff636af754bf466fb6f1628f6dcc00ef4")
        let change: JSONValue = .object([
            "address": .string("aws_db_instance.main"), "mode": .string("managed"), "type": .string("aws_db_instance"),
            "change": .object(["actions": .array([.string("delete"), .string("create")]), "replace_paths": .array([.array([.string("engine")])])]),
        ])
        let plan = Action(
            principal: Principal(agent: "claude-code"), channel: .hook, environment: "production", workingDirectory: "/srv/infra",
            input: .plan(InfrastructurePlan(plan: .object(["format_version": .string("1.2"), "resource_changes": .array([change])]))))
        #expect(plan.digest.hex == "51827cabc036eaffb38556bdf482ba1fc5f831c5d28c6220d8508587b735c34b")
    }

    @Test("changing what runs, where, or for whom changes the digest")
    func sensitivity() {
        var variants: [Action] = []
        func variant(_ change: (inout Action) -> Void) {
            var a = Self.base
            change(&a)
            variants.append(a)
        }
        variant { $0.input = .shell(ShellInput(command: "rm -rf /srv/app")) }
        variant { $0.input = .shell(ShellInput(command: "rm -rf /srv/app/tmp/")) }
        variant { $0.input = .shell(ShellInput(command: "rm  -rf /srv/app/tmp")) }
        variant { $0.environment = "staging" }
        variant { $0.environment = nil }
        variant { $0.workingDirectory = "/srv" }
        variant { $0.host = "web-2" }
        variant { $0.principal.agent = "kiro" }
        variant { $0.principal.launchedBy = "bob" }
        variant { $0.principal.task = "T-43" }
        variant { $0.channel = .mcp }
        variant { $0.input = .sql(SQLInput(text: "rm -rf /srv/app/tmp")) }
        let digests = Set(variants.map(\.digest) + [Self.base.digest])
        #expect(digests.count == variants.count + 1)
    }

    @Test("session, stated context and surrounding white space do not change the digest")
    func invariance() {
        var a = Self.base
        a.principal.session = "another-session"
        a.context = AgentContext(why: "different words")
        a.input = .shell(ShellInput(command: "  rm -rf /srv/app/tmp\n"))
        #expect(a.digest == Self.base.digest)
    }

    @Test("an absent field differs from an empty one")
    func absentVersusEmpty() {
        var a = Self.base
        a.host = ""
        var b = Self.base
        b.host = nil
        #expect(a.digest != b.digest)
    }

    @Test("AWS parameters: key order and number spelling do not matter; values do")
    func awsParameters() throws {
        func action(_ json: String) throws -> Action {
            Action(
                principal: Principal(agent: "a"), channel: .awsAPI,
                input: .aws(AWSRequest(service: "ec2", operation: "TerminateInstances", parameters: try JSONValue.parse(json), region: "eu-west-1")))
        }
        let a = try action(#"{"InstanceIds": ["i-1", "i-2"], "DryRun": false, "MaxCount": 1}"#)
        let b = try action(#"{ "MaxCount": 1.0, "DryRun": false,   "InstanceIds": ["i-1","i-2"] }"#)
        let c = try action(#"{"InstanceIds": ["i-2", "i-1"], "DryRun": false, "MaxCount": 1}"#)
        let d = try action(#"{"InstanceIds": ["i-1", "i-2"], "DryRun": true, "MaxCount": 1}"#)
        #expect(a.digest == b.digest)
        #expect(a.digest != c.digest)
        #expect(a.digest != d.digest)
    }

    @Test("a digest survives a round trip through the action document format")
    func documentRoundTrip() throws {
        let json = ActionDocument.encode(Self.base)
        let decoded = try ActionDocument.decode(JSONValue.parse(json.jsonText()), defaultPrincipal: Principal(agent: "x"), defaultChannel: .cli)
        #expect(decoded == Self.base)
        #expect(decoded.digest == Self.base.digest)
    }

    @Test("digests print and parse as sha256:hex")
    func parsing() {
        let d = Self.base.digest
        #expect(ActionDigest(parsing: d.description) == d)
        #expect(ActionDigest(parsing: "sha256:zz") == nil)
    }

    // MARK: - Properties

    static func render(_ members: [(String, JSONValue)]) -> String {
        "{" + members.map { "\(JSONValue.string($0.0).jsonText()) : \($0.1.jsonText())" }.joined(separator: " ,\n ") + "}"
    }

    static func toolAction(_ text: String) throws -> Action {
        Action(principal: Principal(agent: "p"), channel: .mcp, input: .tool(ToolCall(server: "s", tool: "t", arguments: try JSONValue.parse(text))))
    }

    @Test("property: any key order and spacing of the same arguments gives the same digest")
    func keyOrderProperty() async {
        let keys = Gen.letterOrNumber.string(of: 1...6)
        let leaf = Gen.oneOf(
            Gen.int(in: -1000...1000).map { JSONValue.int(Int64($0)) },
            Gen.letterOrNumber.string(of: 0...8).map { JSONValue.string($0) },
            Gen.bool.map { JSONValue.bool($0) })
        let objects = zip(keys, leaf).array(of: 1...8).map { pairs in
            Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        }
        await propertyCheck(count: 200, input: objects) { members in
            let ordered = members.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            let reversed = Array(ordered.reversed())
            let a = try? Self.toolAction(Self.render(ordered))
            let b = try? Self.toolAction(Self.render(reversed))
            #expect(a != nil && a?.digest == b?.digest)
        }
    }

    @Test("property: changing any one argument value changes the digest")
    func valueSensitivityProperty() async {
        let keys = Gen.letterOrNumber.string(of: 1...6)
        let leaf = Gen.oneOf(
            Gen.int(in: -1000...1000).map { JSONValue.int(Int64($0)) },
            Gen.letterOrNumber.string(of: 0...8).map { JSONValue.string($0) },
            Gen.bool.map { JSONValue.bool($0) })
        let objects = zip(keys, leaf).array(of: 1...8).map { pairs in
            Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        }
        await propertyCheck(count: 200, input: objects, Gen.int(in: 0...100)) { members, pick in
            let ordered = members.sorted { $0.key < $1.key }
            let index = pick % ordered.count
            var changed = members
            let key = ordered[index].key
            switch members[key]! {
            case .string(let s): changed[key] = .string(s + "x")
            case .int(let i): changed[key] = .int(i + 1)
            case .bool(let b): changed[key] = .bool(!b)
            default: changed[key] = .null
            }
            let a = Action(principal: Principal(agent: "p"), channel: .mcp, input: .tool(ToolCall(tool: "t", arguments: .object(members))))
            let b = Action(principal: Principal(agent: "p"), channel: .mcp, input: .tool(ToolCall(tool: "t", arguments: .object(changed))))
            #expect(a.digest != b.digest)
        }
    }

    /// The binding of an approval to the files the facts were read from, pinned to a value
    /// computed independently (Python's hashlib over the encoding docs/action-digest.md gives).
    @Test("the approval binding covers each file read, sorted by path; without files it is the action digest")
    func bindingToDocuments() {
        let action = ActionDigest(bytes: [UInt8](repeating: 0, count: 32))
        #expect(ActionDigest.binding(action, documents: [:]) == action)
        #expect(DocumentDigest.of("clean:\n\trm -rf dist\n") == "sha256:732a6bbdb172764608a54b96812a7806f4524cc31d8bd9f09b620831ece13ae4")
        let documents = ["/srv/app/Makefile": DocumentDigest.of("clean:\n\trm -rf dist\n"), "/srv/app/": DocumentDigest.of("Makefile")]
        #expect(ActionDigest.binding(action, documents: documents).description == "sha256:4c0f68c50f7ecb3cecd1955f20fc927071d4cf2f2ce3952285b08a969050ec41")
        var edited = documents
        edited["/srv/app/Makefile"] = DocumentDigest.of("clean:\n\trm -rf /\n")
        #expect(ActionDigest.binding(action, documents: edited) != ActionDigest.binding(action, documents: documents))
    }
}
