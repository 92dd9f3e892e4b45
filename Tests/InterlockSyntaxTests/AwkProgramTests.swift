import InterlockSyntax
import Testing

/// The awk reader: strings, regular expressions and comments are data; `system`, pipes and print
/// redirections are effects wherever they are spelled.
@Suite struct AwkProgramTests {
    static func outputs(_ program: String) throws -> [AwkOutputFile] { try AwkProgram.effects(of: program).outputFiles }

    @Test func printingProgramsDoNothingElse() throws {
        for program in ["{print $1}", "$3 > 100 {print}", "NR > 1 && $2 >= 5", "/a|b/ {n++} END {print n}", "{print \"system(1) | rm > x\"}"] {
            #expect(try AwkProgram.effects(of: program) == AwkProgramEffects(), "\(program)")
        }
        // Inside parentheses `>` compares, even in a print statement.
        #expect(try Self.outputs("{print ($1 > 5)}") == [])
        #expect(try Self.outputs("{ x = a / b / c; print x }") == [])
        #expect(try Self.outputs("# print > \"f\"\n{print}") == [])
        #expect(try Self.outputs("$0 ~ /[/>]/ {print}") == [])
        #expect(try Self.outputs("{getline line < \"/etc/hosts\"; print line}") == [])
    }

    @Test func outputRedirectionsAreFound() throws {
        #expect(try Self.outputs("{print $0 > \"/etc/passwd\"}") == [AwkOutputFile(path: "/etc/passwd", appends: false)])
        #expect(try Self.outputs("{printf \"%s\\n\", $1 >> \"log\"}") == [AwkOutputFile(path: "log", appends: true)])
        #expect(try Self.outputs("{printf(\"%s\", $1) > \"out\"}") == [AwkOutputFile(path: "out", appends: false)])
        #expect(try Self.outputs("{print > $1 \".txt\"}") == [AwkOutputFile(path: nil, appends: false)])
        #expect(try Self.outputs("{print > (\"a\" \"b\")}") == [AwkOutputFile(path: nil, appends: false)])
        // Unparenthesised, `>` in a print statement redirects, whatever follows it.
        #expect(try Self.outputs("{print $1 > 0 ? \"y\" : \"n\"}") == [AwkOutputFile(path: nil, appends: false)])
        // A newline after a comma continues the statement.
        #expect(try Self.outputs("{print $1,\n $2 > \"f\"}") == [AwkOutputFile(path: "f", appends: false)])
        #expect(try Self.outputs("{if ($1 > 0) print > \"pos\"; else print > \"neg\"}").map(\.path) == ["pos", "neg"])
    }

    @Test func commandsAreFound() throws {
        for program in [
            "BEGIN{system(\"rm -rf /\")}", "{print | \"sh\"}", "{\"date\" | getline d}", "{print |& \"cat\"}", "BEGIN { system (\"x\") }",
            "BEGIN{awk::system(\"x\")}", "{print > \"f\" | \"sh\"}",
        ] {
            #expect(try AwkProgram.effects(of: program).runsCommands, "\(program)")
        }
        #expect(try AwkProgram.effects(of: "BEGIN{f=\"system\"; @f(\"rm -rf /\")}").usesIndirection)
        #expect(try AwkProgram.effects(of: "@load \"filefuncs\"\nBEGIN{}").usesIndirection)
        #expect(try !AwkProgram.effects(of: "@namespace \"x\"\nBEGIN{}").usesIndirection)
        // `mysystem` is a name of its own.
        #expect(try !AwkProgram.effects(of: "function mysystem(x) {return x} BEGIN{print mysystem(1)}").runsCommands)
    }

    @Test func programsAwkWouldRefuseAreUnreadable() {
        for program in ["{print \"unterminated}", "/unterminated", "{print \"a\nb\"}", "{print `x`}", "{print \\ 1}"] {
            #expect(throws: AwkProgramError.self, "\(program)") { try AwkProgram.effects(of: program) }
        }
    }
}
