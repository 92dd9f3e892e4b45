@testable import InterlockSyntax
import Testing

@Suite struct ShellParserTests {
    func simpleCommands(_ script: ShellScript) -> [SimpleCommand] {
        var out: [SimpleCommand] = []
        func visit(_ script: ShellScript) {
            for pipeline in script.pipelines {
                for command in pipeline.commands {
                    switch command {
                    case .simple(let simple):
                        out.append(simple)
                        for word in simple.words { word.substitutions.forEach(visit) }
                        for redirection in simple.redirections { redirection.hereDocument?.substitutions.forEach(visit) }
                    case .compound(let compound):
                        compound.bodies.forEach(visit)
                        for word in compound.words { word.substitutions.forEach(visit) }
                    case .function(_, let body): body.bodies.forEach(visit)
                    }
                }
            }
        }
        visit(script)
        return out
    }

    @Test func listsPipelinesAndConnectors() throws {
        let script = try ShellParser.parse("a | b && c || d; e & f\ng")
        #expect(script.pipelines.map(\.connector) == [.and, .or, .sequence, .background, .sequence, .sequence])
        #expect(script.pipelines[0].commands.count == 2)
    }

    @Test func hereDocumentBodiesAreParsedUnlessQuoted() throws {
        let script = try ShellParser.parse("cat <<EOF\n$(rm -rf /)\nEOF\ncat <<'EOF'\n$(rm -rf /)\nEOF\n")
        let commands = simpleCommands(script)
        #expect(commands.map { $0.words.first?.staticValue } == ["cat", "rm", "cat"])
        guard case .simple(let quoted) = script.pipelines[1].commands[0] else { Issue.record("not simple"); return }
        #expect(quoted.redirections.first?.hereDocument?.staticValue == "$(rm -rf /)\n")
    }

    @Test func compoundCommandsHoldEveryBody() throws {
        let script = try ShellParser.parse("if a; then b; elif c; then d; else e; fi; for x in 1 2; do f; done; case y in z) g;; *) h;; esac; while i; do j; done; [[ $(k) == l ]]; f() { m; }")
        #expect(simpleCommands(script).compactMap { $0.words.first?.staticValue } == ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "m"])
    }

    @Test(arguments: [
        "echo 'unterminated", "echo \"unterminated", "if true; then echo", "for x in; do", "echo $(ls", "echo `ls", "a && ", "case x in", "( ls",
        "echo ${x", "f() ls", "| ls", "ls ;; ls", "echo $'abc",
    ])
    func malformedInputIsRejectedWithAPosition(_ text: String) {
        #expect(throws: ShellSyntaxError.self) { try ShellParser.parse(text) }
    }

    /// A `((` that is not arithmetic is tried as arithmetic once; an enclosing attempt that fails
    /// must not try it again, or each level of nesting doubles the work (a 104-byte line found by
    /// the fuzzer took 11 ms, 2 ms of it per four more bytes).
    @Test("arithmetic is tried a bounded number of times however `$((`, `((` and `$[` nest",
          arguments: ["$[$((", "(($[(($", "$(($[", "$[(($((", "((((($[$(((((("])
    func arithmeticAttemptsStayLinear(unit: String) {
        for count in 1...12 {
            let text = String(repeating: unit, count: count) + "((((((("
            let tries = ShellParser.arithmeticAttempts(parsing: text)
            // Every attempt starts at a `(`; twice their number allows for bodies that parse and are
            // read again when an enclosing attempt fails. Doubling per repetition passes it at once.
            let parentheses = text.utf8.filter { $0 == UInt8(ascii: "(") }.count
            #expect(tries <= 2 * parentheses, "\(count) × `\(unit)`: \(tries) arithmetic attempts for \(parentheses) parentheses")
        }
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "$(", count: 200) + "ls" + String(repeating: ")", count: 200)
        #expect(throws: ShellSyntaxError.self) { try ShellParser.parse(deep) }
        let groups = String(repeating: "{ ", count: 200) + "ls" + String(repeating: "; }", count: 200)
        #expect(throws: ShellSyntaxError.self) { try ShellParser.parse(groups) }
    }

    @Test func assignmentsAndArraysAreNotWords() throws {
        let commands = simpleCommands(try ShellParser.parse("A=1 B=(x y) cmd C=2"))
        #expect(commands[0].assignments.map(\.name) == ["A", "B"])
        #expect(commands[0].assignments[1].elements?.count == 2)
        #expect(commands[0].words.map(\.staticValue) == ["cmd", "C=2"])
    }

    @Test func expansionsAreKept() throws {
        let commands = simpleCommands(try ShellParser.parse(#"echo "$HOME" ${x:-$(y)} $((1+$(z))) <(w)"#))
        #expect(commands.compactMap { $0.words.first?.staticValue } == ["echo", "y", "z", "w"])
        #expect(commands[0].words[1].staticValue == nil)
    }
}
