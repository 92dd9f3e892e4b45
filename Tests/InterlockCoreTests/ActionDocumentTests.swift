import InterlockCore
import Testing

@Suite("Action documents")
struct ActionDocumentTests {
    func decode(_ text: String) throws -> Action {
        try ActionDocument.decode(JSONValue.parse(text), defaultPrincipal: Principal(agent: "default"), defaultChannel: .cli)
    }

    @Test("a full document decodes into every field")
    func full() throws {
        let a = try decode(
            """
            {"principal": {"agent": "kiro", "launched_by": "alice", "session": "s", "task": "T-1"},
             "channel": "hook", "environment": "staging", "cwd": "/w", "host": "h",
             "input": {"kind": "sql", "sql": "DROP TABLE users", "dialect": "postgresql", "database_host": "db.prod"},
             "context": {"why": "w", "alternatives": ["a", "b"], "rollback": "r", "impact": "i"}}
            """)
        #expect(a.principal == Principal(agent: "kiro", launchedBy: "alice", session: "s", task: "T-1"))
        #expect(a.channel == .hook)
        #expect(a.environment == "staging")
        #expect(a.input == .sql(SQLInput(text: "DROP TABLE users", dialect: "postgresql", databaseHost: "db.prod")))
        #expect(a.context.alternatives == ["a", "b"])
    }

    @Test("errors say where", arguments: [
        (#"{"input": {"kind": "shell"}}"#, "`input.command`: missing"),
        (#"{"input": {"kind": "shel", "command": "ls"}}"#, "`input.kind`: unknown kind `shel`"),
        (#"{"input": {"kind": "shell", "command": 3}}"#, "`input.command`: expected a string, found a number"),
        (#"{"input": {"kind": "shell", "command": "ls", "comand": "x"}}"#, "`input.comand`: unknown key"),
        (#"{"inputs": {}}"#, "`input`: missing"),
        (#"{"channel": "email", "input": {"kind": "shell", "command": "ls"}}"#, "`channel`: unknown channel `email`"),
        (#"{"input": {"kind": "shell", "command": "ls"}, "context": {"alternatives": "one"}}"#, "`context.alternatives`: expected a list of strings"),
    ])
    func errors(text: String, expected: String) {
        do {
            _ = try decode(text)
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(String(describing: error).hasPrefix(expected), "got: \(error)")
        }
    }

    @Test("stated facts decode, and merging facts never makes them milder")
    func facts() throws {
        let json = try JSONValue.parse(#"{"input": {"kind": "shell", "command": "x"}, "facts": {"effect": "read", "operations": ["shell:x"]}}"#)
        let stated = try #require(try ActionDocument.facts(json))
        #expect(stated.effect == .read)
        let destructive = Classification(findings: [Finding(operation: "shell:rm", effect: .destructive, targets: ["/"], reason: "r")])
        #expect(stated.merging(destructive).effect == .destructive)
        #expect(destructive.merging(stated).effect == .destructive)
    }

    @Test("no findings means unknown, never read")
    func emptyIsUnknown() {
        #expect(Classification(findings: []).effect == .unknown)
        #expect(Effect.worst([]) == .unknown)
        #expect(Effect.worst([.read, .write]) == .write)
        #expect(Effect.worst([.read, .unknown, .write]) == .unknown)
        #expect(Effect.worst([.unknown, .destructive]) == .destructive)
    }
}
