import Foundation
@testable import InterlockSyntax
import PropertyBased
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
            let tries = ShellParser.work(parsing: text).arithmeticAttempts
            // Every attempt starts at a `(`; twice their number allows for bodies that parse and are
            // read again when an enclosing attempt fails. Doubling per repetition passes it at once.
            let parentheses = text.utf8.filter { $0 == UInt8(ascii: "(") }.count
            #expect(tries <= 2 * parentheses, "\(count) × `\(unit)`: \(tries) arithmetic attempts for \(parentheses) parentheses")
        }
    }

    /// bash reads the body of `$(cat <<EOF)` from the lines after the substitution; dash ends it
    /// inside and runs those lines. Either reading could hide a command from the other, so the
    /// line is refused.
    @Test("a here-document left open when its substitution closes is refused", arguments: [
        "echo $(cat <<EOF)\nrm -rf /srv\nEOF", "cat <(cat <<EOF)\nrm -rf /srv\nEOF", "echo $(( echo $(true <<EOF) ) )\nhello\nEOF\nrm -rf /srv",
        "if (( $(cat <<EOF) ) ); then :; fi\nx\nEOF\nrm -rf /srv",
    ])
    func hereDocumentOpenAtSubstitutionEnd(_ text: String) {
        #expect(throws: ShellSyntaxError.self) { try ShellParser.parse(text) }
    }

    /// A here-document opened before a substitution takes its body from the lines after the whole
    /// command; bash and dash run the lines inside the substitution (checked with both:
    /// `cat <<A $(echo⏎echo RAN⏎A⏎)⏎body⏎A` prints RAN, then `body`).
    @Test("lines inside a substitution are commands, not the body of a here-document opened before it", arguments: [
        "cat <<A $(echo\nrm -rf /srv\nA\n)\nbody\nA", "cat <<A <(echo\nrm -rf /srv\nA\n)\nbody\nA",
        "cat <<A \"${x:-$(echo\nrm -rf /srv\nA\n)}\"\nbody\nA", "cat <<A `echo\nrm -rf /srv\nA\n`\nbody\nA",
    ])
    func substitutionLinesAreCommands(_ text: String) throws {
        let script = try ShellParser.parse(text)
        let commands = simpleCommands(script).compactMap { $0.words.first?.staticValue }
        #expect(commands.contains("rm"), "\(commands)")
        // The outer here-document's body is the line after the command.
        let cat = try #require(simpleCommands(script).first { $0.words.first?.staticValue == "cat" })
        #expect(cat.redirections.first?.hereDocument?.staticValue == "body\n")
    }

    /// Inside a subshell (not a substitution) a newline does start the body, in bash and dash alike.
    @Test func subshellLinesAreTheBody() throws {
        let script = try ShellParser.parse("cat <<A; (echo SUB\nrm -rf /srv\nA\n)")
        #expect(!simpleCommands(script).contains { $0.words.first?.staticValue == "rm" })
    }

    @Test func hereDocumentInsideSubstitutionStillParses() throws {
        let script = try ShellParser.parse("git commit -m \"$(cat <<'EOF'\nterminate old stack\nEOF\n)\"\nls")
        #expect(simpleCommands(script).map { $0.words.first?.staticValue } == ["git", "cat", "ls"])
    }

    static func containsArithmetic(_ script: ShellScript) -> Bool { "\(script)".contains("arithmetic") }

    /// `$((` that is not arithmetic is read again as `$( (`; the failed attempt must leave nothing
    /// behind (here-documents it opened or read), so the result is what `$( (` gives.
    @Test("property: a failed `$((` attempt parses as `$( (` would")
    func failedArithmeticLeavesNoTrace() async {
        let pieces = Gen.element(of: [
            "cat <<A ", "echo $((", "$((", "$(", " $(echo\n", "(", ")", " ) )", ") ) )", "\n", "A\n", "b\nA\n", "b", " ", "true <<B", "B\n", "; ", "echo ",
        ]).map { $0! }
        await propertyCheck(count: 4000, input: pieces.array(of: 1...10)) { parts in
            let text = parts.joined()
            let respelled = text.replacing("$((", with: "$( (")
            let direct = try? ShellParser.parse(text)
            let fallback = try? ShellParser.parse(respelled)
            // Only lines where no `$((` or `((` is arithmetic in either reading are comparable.
            guard direct.map(Self.containsArithmetic) != true, fallback.map(Self.containsArithmetic) != true else { return }
            #expect(direct == fallback, "\(text.debugDescription) vs \(respelled.debugDescription)")
        }
    }

    /// Lines the fuzzer and a search for slow inputs found (base64: they hold control bytes).
    /// Runs of `((` with command substitutions, backticks and here-documents between them made
    /// every failed arithmetic attempt re-read the rest of the line: 2.7 KiB took 18 ms. Re-reading
    /// is now budgeted; these are refused within the budget, with few attempts and about as many
    /// words read as the line has bytes (the third read 6,155 words in 4,388 bytes before a failed
    /// `$[` was charged for what it read).
    static let slowLines = [
        // `$[` that fails inside nested `((` attempts: its inner reading was not charged (5 ms).
        "ZmluZGjvv70KKCgoKCgoISgoZmluZCwBAQEBAQEBAQooKCgoKCgoKCgocVskKCgvCigoKCgoKCgoZmluZGjvv70BIAEBAQooKCgoKCgoKCgocVskWyh0bFxcXD4BIe+/vQHvv70oKGZpbmQsAQEBAQEBAUFBQUFBNTU1NTQBCigoAR8oKCgoKCQkJChm77+9bmQ0PDwdHR1jaGF0dHIgbHQgci5vbmYtJG9o77+9CigoKCgoKCEoKGZpbmQsAQEBAQEBAQEKKCgoKCgoKCgoKHFbJCgoLwooKCgoKCgoKGZpbmRo77+9ASABAQEKKCgoKCgoKCgoKHFbJFsodGxcXFw+ASHvv70B77+9KChmaW5kLAEBAQEoKCgoKCgkJCQoZu+/vW5kNDw8HR0dHR0dHR0dcGVybCAtZWQ7IHN0YXJzXGNcJ2M9JO+/vXZzICA+ICdzeXMdHR0dHR0dHR0dHR0d77+977+977+977+977+9fO+/vXRlbWZpbmRo77+9CigoKCgoKCEoKGZpbmQsAQEBAQEBAQEKKCgoKCgoKCgoKHFbJCgoLwooKCgoKCgoKGZpbmRo77+9ASABAQEKKCgoKCgoKCgoKHFbJFsodGxcXFw+ASHvv70B77+9KChmaW5kLAEBAQEBAQFBQUFBQTU1NTU0AQooKAEfKCgoKCgkJCQoZu+/vW5kNDw8HR0dY2hhdHRyIGx0IHIub25mLSRvaO+/vQooKCgoKCghKChmaW5kLAEBAQEBAQEBCigoKCgoKCgoKChxWyQoKC8KKCgoKCgoKChmaW5kaO+/vQEgAQEBCigoKCgoKCgoKChxWyRbKHRsXFxcPgEh77+9Ae+/vSgoZmluZCwBAQEBKCgoKCgoJCQkKGbvv71uZDQ8PB0dHR0dHR0dHXBlcmwgLWVkOyBzdGFyc1xjXCdjPSTvv712cyAgPiAnc3lzHR0dHR0dHR0dHR0dHe+/ve+/ve+/ve+/ve+/vXzvv710ZW1maW5kaO+/vQooKCgoKCghKChmaW5kLAEBAQEBAQEBCigoKCgoKCgoKChxWyQoKC8KKCgoKCgoKChmaW5kaO+/vQEgAQEBCigoKCgoKCgoKChxWyRbKHRsXFxcPgEh77+9Ae+/vSgoZmluZCwBAQEBAQEBQUFBQUE1NTU1NAEKKCgBHygoKCgoJCQkKGbvv71uZDQ8PB0dHWNoYXR0ciBsdCByLm9uZi0kb2jvv70KKCgoKCgoISgoZmluZCwBAQEBAQEBAQooKCgoKCgoKCgocVskKCgvCigoKCgoKCgoZmluZGjvv70BIAEBAQooKCgoKCgoKCgocVskWyh0bFxcXD4BIe+/vQHvv70oKGZpbmQsAQEBASgoKCgoKCQkJChm77+9bmQ0PDwdHR0dHR0dHR1wZXJsIC1lZDsgc3RhcnNcY1wnYz0k77+9dnMgID4gJ3N5cx0dHR0dHR0dHR0dHR3vv73vv73vv73vv73vv71877+9dGVtZmluZGjvv70KKCgoKCgoISgoZmluZCwBAQEBAQEBAQooKCgoKCgoKCgocVskKCgvCigoKCgoKCgoZmluZGjvv70BIAEBAQooKCgoKCgoKCgocVskWyh0bFxcXD4BIe+/vQHvv70oKGZpbmQsAQEBAQEBAUFBQUFBNTU1NTQBCigoAR8oKCgoKCQkJChm77+9bmQ0PDwdHR1jaGF0dHIgbHQgci5vbmYtJG9o77+9CigoKCgoKCEoKGZpbmQsAQEBAQEBAQEKKCgoKCgoKCgoKHFbJCgoLwooKCgoKCgoKGZpbmRo77+9ASABAQEKKCgoKCgoKCgoKHFbJFsodGxcXFw+ASHvv70B77+9KChmaW5kLAEBAQEoKCgoKCgkJCQoZu+/vW5kNDw8HR0dHR0dHR0dcGVybCAtZWQ7IHN0YXJzXGNcJ2M9JO+/vXZzICA+ICdzeXMdHR0dHR0dHR0dHR0d77+977+977+977+977+9fO+/vXRlbWZpbmRo77+9CigoKCgoKCEoKGZpbmQsAQEBAQEBAQEKKCgoKCgoKCgoKHFbJCgoLwooKCgoKCgoKGZpbmRo77+9ASABAQEKKCgoKCgoKCgoKHFbJFsodGxcXFw+ASHvv70B77+9KChmaW5kLAEBAQEBAQFBQUFBQTU1NTU0AQooKAEfKCgoKCgkJCQoZu+/vW5kNDw8HR0dY2hhdHRyIGx0IHIub25mLSRvaO+/vQooKCgoKCghKChmaW5kLAEBAQEBAQEBCigoKCgoKCgoKChxWyQoKC8KKCgoKCgoKChmaW5kaO+/vQEgAQEBCigoKCgoKCgoKChxWyRbKHRsXFxcPgEh77+9Ae+/vSgoZmluZCwBAQEBKCgoKCgoJCQkKGbvv71uZDQ8PB0dHR0dHR0dHXBlcmwgLWVkOyBzdGFyc1xjXCdjPSTvv712cyAgPiAnc3lzHR0dHR0dHR0dHR0dHe+/ve+/ve+/ve+/ve+/vXzvv710ZW1maW5kaO+/vQooKCgoKCghKChmaW5kLAEBAQEBAQEBCigoKCgoKCgoKChxWyQoKC8KKCgoKCgoKChmaW5kaO+/vQEgAQEBCigoKCgoKCgoKChxWyRbKHRsXFxcPgEh77+9Ae+/vSgoZmluZCwBAQEBAQEBQUFBQUE1NTU1NAEKKCgBHygoKCgoJCQkKGbvv71uZDQ8PB0dHWNoYXR0ciBsdCByLm9uZi0kb2jvv70KKCgoKCgoISgoZmluZCwBAQEBAQEBAQooKCgoKCgoKCgocVskKCgvCigoKCgoKCgoZmluZGjvv70BIAEBAQooKCgoKCgoKCgocVskWyh0bFxcXD4BIe+/vQHvv70oKGZpbmQsAQEBASgoKCgoKCQkJChm77+9bmQ0PDwdHR0dHR0dHR1wZXJsIC1lZDsgc3RhcnNcY1wnYz0k77+9dnMgID4gJ3N5cx0dHR0dHR0dHR0dHR3vv73vv73vv73vv73vv71877+9dGVtZmluZGjvv70KKCgoKCgoISgoZmluZCwBAQEBAQEBAQooKCgoKCgoKCgocVskKCgvCigoKCgoKCgoZmluZGjvv70BIAEBAQooKCgoKCgoKCgocVskWyh0bFxcXD4BIe+/vQHvv70oKGZpbmQsAQEBAQEBAUFBQUFBNTU1NTQBCigoAR8oKCgoKCQkJChm77+9bmQ0PDwdHR1jaGF0dHIgbHQgci5vbmYtJG9o77+9CigoKCgoKCEoKGZpbmQsAQEBAQEBAQEKKCgoKCgoKCgoKHFbJCgoLwooKCgoKCgoKGZpbmRo77+9ASABAQEKKCgoKCgoKCgoKHFbJFsodGxcXFw+ASHvv70B77+9KChmaW5kLAEBAQEoKCgoKCgkJCQoZu+/vW5kNDw8HR0dHR0dHR0dcGVybCAtZWQ7IHN0YXJzXGNcJ2M9JO+/vXZzICA+ICdzeXMdHR0dHR0dHR0dHR0d77+977+977+977+977+9fO+/vXRlbWZpbmRo77+9CigoKCgoKCEoKGZpbmQsAQEBAQEBAQEKKCgoKCgoKCgoKHFbJCgoLwooKCgoKCgoKGZpbmRo77+9ASABAQEKKCgoKCgoKCgoKHFbJFsodGxcXFw+ASHvv70B77+9KChmaW5kLAEBAQEBAQFBQUFBQTU1NTU0AQooKAEfKCgoKCgkJCQoZu+/vW5kNDw8HR0dY2hhdHRyIGx0IHIub25mLSRvaO+/vQooKCgoKCghKChmaW5kLAEBAQEBAQEBCigoKCgoKCgoKChxWyQoKC8KKCgoKCgoKChmaW5kaO+/vQEgAQEBCigoKCgoKCgoKChxWyRbKHRsXFxcPgEh77+9Ae+/vSgoZmluZCwBAQEBKCgoKCgoJCQkKGbvv71uZDQ8PB0dHR0dHR0dHXBlcmwgLWVkOyBzdGFyc1xjXCdjPSTvv712cyAgPiAnc3lzHR0dHR0dHR0dHR0dHe+/ve+/ve+/ve+/ve+/vXzvv710ZW1maW5kaO+/vQooKCgoKCghKChmaW5kLAEBAQEBAQEBCigoKCgoKCgoKChxWyQoKC8KKCgoKCgoKChmaW5kaO+/vQEgAQEBCigoKCgoKCgoKChxWyRbKHRsXFxcPgEh77+9Ae+/vSgoZmluZCwBAQEBAQEBQUFBQUE1NTU1NAEKKCgBHygoKCgoJCQkKGbvv71uZDQ8PB0dHWNoYXR0ciBsdCByLm9uZi0kb2jvv70KKCgoKCgoISgoZmluZCwBAQEBAQEBAQooKCgoKCgoKCgocVskKCgvCigoKCgoKCgoZmluZGjvv70BIAEBAQooKCgoKCgoKCgocVskWyh0bFxcXD4BIe+/vQHvv70oKGZpbmQsAQEBASgoKCgoKCQkJChm77+9bmQ0PDwdHR0dHR0dHR1wZXJsIC1lZDsgc3RhcnNcY1wnYz0k77+9dnMgID4gJ3N5cx0dHR0dHR0dHR0dHR3vv73vv73vv73vv73vv71877+9dGVtZmluZGjvv70KKCgoKCgoISgoZmluZCwBAQEBAQEBAQooKCgoKCgoKCgocVskKCgvCigoKCgoKCgoZmluZGjvv70BIAEBAQooKCgoKCgoKCgocVskWyh0bFxcXD4BIe+/vQHvv70oKGZpbmQsAQEBAQEBAUFBQUFBNTU1NTQBCigoAR8oKCgoKCQkJChm77+9bmQ0PDwdHR1jaGF0dHIgbHQgci5vbmYtJG9o77+9CigoKCgoKCEoKGZpbmQsAQEBAQEBAQEKKCgoKCgoKCgoKHFbJCgoLwooKCgoKCgoKGZpbmRo77+9ASABAQEKKCgoKCgoKCgoKHFbJFsodGxcXFw+ASHvv70B77+9KChmaW5kLAEBAQEoKCgoKCgkJCQoZu+/vW5kNDw8HR0dHR0dHR0dcGVybCAtZWQ7IHN0YXJzXGNcJ2M9JO+/vXZzICA+ICdzeXMdHR0dHR0dHR0dHR0d77+977+977+977+977+9fO+/vXRlbWZpbmRo77+9CigoKCgoKCEoKGZpbmQsAQEBAQEBAQEKKCgoKCgoKCgoKHFbJCgoLwooKCgoKCgoKGZpbmRo77+9ASABAQEKKCgoKCgoKCgoKHFbJFsodGxcXFw+ASHvv70B77+9KChmaW5kLAEBAQEBAQFBQUFBQTU1NTU0AQooKAEfKCgoKCgkJCQoZu+/vW5kNDw8HR0dY2hhdHRyIGx0IHIub25mLSRvaO+/vQooKCgoKCghKChmaW5kLAEBAQEBAQEBCigoKCgoKCgoKChxWyQoKC8KKCgoKCgoKChmaW5kaO+/vQEgAQEBCigoKCgoKCgoKChxWyRbKHRsXFxcPgEh77+9Ae+/vSgoZmluZCwBAQEBKCgoKCgoJCQkKGbvv71uZDQ8PB0dHR0dHR0dHXBlcmwgLWVkOyBzdGFyc1xjXCdjPSTvv712cyAgPiAnc3lzHR0dHR0dHR0dHR0dHe+/ve+/ve+/ve+/ve+/vXzvv710ZW1maW5kaO+/vQooKCgoKCghKChmaW5kLAEBAQEBAQEBCigoKCgoKCgoKChxWyQoKC8KKCgoKCgoKChmaW5kaO+/vQEgAQEBCigoKCgoKCgoKChxWyRbKHRsXFxcPgEh77+9Ae+/vSgoZmluZCwBAQEBAQEBQUFBQUE1NTU1NAEKKCgBHygoKCgoJCQkKGbvv71uZDQ8PB0dHWNoYXR0ciBsdCByLm9uZi0kb2jvv70KKCgoKCgoISgoZmluZCwBAQEBAQEBAQooKCgoKCgoKCgocVskKCgvCigoKCgoKCgoZmluZGjvv70BIAEBAQooKCgoKCgoKCgocVskWyg=",
        "ZHUgLWgmKCjCJigoKCgoKCgoKCgoKCgoKCgoKCgoKCgoJCj/LwooKCgoKCgoJCgKKCgoGDw8dXMoKCQoIC8KKCgoKCgoKCQoCigoKBg8PHXCJigoKCgoKCgoKCgoKCgoKCgoKCgoKCgoJCgoCigoKCgoKCgkKAooKCgYPDx1cygoJCgoCigoKGgfKCgoKA==",
        "ZHUgLWgmKCjvv70mKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgkKO+/vS8KKCgoKCgoKCQoCigoKBg8PHVzKCgkKCAvCigKKCgoGDw8de+/vSYoKCgoKCgoKDx177+9JigoKCgoKCgoYCgoKCgoKCgoKCgoKCgoKCgoKCgoJCgKKCgoGDw8CigoKGgfKCgoKGR1IC1oJigo77+9JigoKCgoKCgoKCgoKCgoKCgoKCQoKCgoKCgoJCgKKCgoGDw8dXMoXSgkKCAvCigoCigoKBg8PHXvv70mKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgkKCgKKCgoOygoKCgYPDx1cygoJCgoCigoKGgfKCgoKGR1IC1oJigo77+9JigoKCgoKCgoKCgoJCgYPDx177+9JigoKCgYPDx1cyhdKCQoIC8KKCgoKCgoKCgoKCgoKCgoKCgoKCQo77+9LwooKCgoKCgoJChgCigoKBg8PHVzKCgkKCgoKCAvCigoKCgoKCgkKAooKCgYPDx177+9JigoKCgoKCgoKCgoKCgoKCgoKCgoKCgoJCgoCigoKCgoKCgkKAooKCgYPDx1c++/vSgoJCgoCi8KKCgoKCgoKCgoKGgfKCgoKCgoKCgoKCgoKCQoKAooKChkdSAtaCYoKO+/vSYoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCQo77+9LwooKCgoKCgoJCAoCigoKCgoGDw8dRg8PHXvv70mKCgoKCgoKCgoKCgoKCgoKCgoKCgoKChzKF0oJCggLwooKCgoKCgoJCgKKCgoGDw8de+/vSYoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCQoKAooKCgoKCgoJCgKKCgoGDw8dXMoKCQoKAooKChoHygoKChkdSAtaCYoKO+/vSYoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCQo77+9LwooKCgoKCgoJCgKKCgoGDw8dXMoKCQoIC8KKCgoKCgoKCQoCigoKBg8PHXvv70mKCgoKCgoKCgoKCgoKCgoKCQoKCgoKCgoJCgoCigoKCgoKCgkKAooKCgYPDx1cygoJCgoCigoKGgfKCgoKGR1IC1oJigo77+9Jjw8de+/vSYoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgkKO+/vS8KKCgoKCgoKCQoCigoKBg8PHVzKF0oJCggLwooKCQoCigoKBg8PDx1PHXvv70mKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgkKCgKKCgoKCgoKCQoCigoKBg8PHVzKCgoKCgoJCgKKCgoGDw8dXMoKCQoKAooKChoHygoKChkdSAtaCYoKO+/vSYoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCQo77+9LwooKCgoKCgoJCgKKCgoGDwKKCgoGDw8dXMoKCQoKAooKDx1JCggLwooKCgoKCgoJCgKKCgoGDw8de+/vSYoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCQoKAooKCgoKCgoJCgKKCgoGDw8dXMoKCQoKAooKChoHygoKChkdSAtaCYoKO+/vSYoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCQo77+9LwooKCgoKCgoJCgKKCgoGDw8dXMoXSgkKCAvCigoKCgoKCgkKAooKCgYPDx177+9JigoKCgoKCgoKCgoJCgo77+9JigoKCgoKCgoJCgKKCgoGDw8dXMoXSgkKCAvCigoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgkKCgKKCgoKCgoKCQoCigoKBg8PHVzKCgkKCgKKCgoaB8oKCgoZHUgLWgmKCjvv70mKCgoKCgoKCgoKCgoKChgKCgoKCgoKCgoJCjvv70vCigoKCgoKCgkKCkKKCgoGDw8dXMoJCgoKCggLwooKCgoKCgoJCgKKCgoYBg8PCkpdSgoKCgoKCgoKCgoKCgoKCgoKCgkKCgKKCgoKCgoKCQoCigoKBg8PHVzKCgkKCgKKCgodSAtaCYoKO+/vSYoKCgoKCgoYCgoKCgoKCgoKCgoKCgoKCgkKO+/vS8KKCgoKCgoKCQoCigoKBg8PHVzKF0oJCggLwooKCgoKCgoJCgKKCgoGDw8de+/vSYoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCQoKAooKCgoKCgoJCgKKCgoGDw8dXMoKCRzKF0oJCggLwooKCgoKCgoKCgKKCgoaB8oKCgoZHUgLWgmKCjvv70mKCgoKCgoKCgoKCgoKCgoKCgnKCgoKCgoJCjvv70vCigoKCgoKCgkKAooKCgYPDx1cygoJCggLwooKCgoKCgoJCgKJCgoKCgYPDx177+9JigoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCQoCigoKBg8PHVzKCgkKCgKKCgoKChkdSAtaCYoKO+/vSYoKCgoKCg8KCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgkKCgKKCgoKCgoKCQoCigoKBgoJCjvv70vCigoKCgoKCgkKAooKCgYPDx1cyhdKCQoIC8KKCgoKCgoKCQoCigoKF0YPCkpPHXvv70mKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgkKCgKKCgoKCgoKCQoCigoKBg8Ijx1cygoJCgoCigoKGgfKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCQoKChkdSgoKCgoJCgKKCgoGCgoJCggLwooKCgoKCgoIC08PHVoJigo77+9JigoKCgpKCgoKCgoJCgKKCgoGDw8dXMoKCQoKAooKCgoKCgoKCgoKCgoKCgoKCgoKCQo77+9LwooKCgoKCgoJCgKKCgoGDw8dXMoKCQoIC8KKCgoKCgoKCQoCigoKBg8PHXvv70mKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgkKCgKKCgoKCgoKCQoCigoKBg8PHVzKCgkKCgKKCgoaB8oKCgoKCgoKCgoKCQoCigoKBg8PHVzKF0oJCggLwooKGR1JFsgLWgmIigo77+9JigoKCgoKCgoKCgoKCgoKCgoKCgoKCgoJCjvv70vCigoKCgoKCgkKSgKKCgoGDw8JnVzKF0oJCggLwooKCgoKCgoJCgKKCgoGDw8de+/vSYoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCQoKAooKCgoKCgoKCQoCigoKBgoKCgoKCgoKCgoKCgoKCgoKCgoKCg8PHVzKCgkKCgKKCg8PHUoaB8oKCgoZHUgLWgmKCjvv70mKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgkKO+/vS8KKCgoKCgoKCQoCigoKBg8PHVzKCgkKCAvCigoKCgoKCgkKBg8PHXvv70mKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgkKCgKKCgoKCgoKCQoCigoKBg8PHVzKCgkKCgKKCgoaB8oKCgoZHUgLWgmKCjvv70mKCgoKCgoKCgoKCgoKCgnKCgoKCgoKCgoJCjvv70vCigoKCgoKCgkKAooKCgYPDx1cyhdKCQoIC8oKCgoKCQoCigoKBg8PHXvv70mKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgkKCgKKCgoKCgoKCQoCigoKBg8PHVzKCgkKCgKKCgoaB8oKCgo",
    ]

    @Test("lines that made failed arithmetic attempts re-read the rest are refused within the budget", arguments: 0..<3)
    func retriesAreBudgeted(index: Int) throws {
        let text = String(decoding: try #require(Data(base64Encoded: Self.slowLines[index])), as: UTF8.self)
        #expect(throws: ShellSyntaxError.self) { try ShellParser.parse(text) }
        let work = ShellParser.work(parsing: text)
        #expect(work.arithmeticAttempts <= text.utf8.count, "\(work.arithmeticAttempts) arithmetic attempts for \(text.utf8.count) bytes")
        #expect(work.wordsRead <= text.utf8.count + 64, "\(work.wordsRead) words read for \(text.utf8.count) bytes")
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
