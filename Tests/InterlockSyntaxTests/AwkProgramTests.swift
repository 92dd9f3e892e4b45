import Foundation
import InterlockSyntax
import PropertyBased
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
        // Commands written as one string constant are named; any other is built at run time.
        #expect(try AwkProgram.effects(of: "BEGIN{system(\"rm -rf /srv\")}").commandLines == ["rm -rf /srv"])
        #expect(try AwkProgram.effects(of: "{print | \"sort -u\"}").commandLines == ["sort -u"])
        #expect(try AwkProgram.effects(of: "BEGIN{while ((\"date\" | getline d) > 0) print d}").commandLines == ["date"])
        for program in ["{system(\"rm -rf \" $1)}", "{c = \"rm\"; system(c)}", "{print | (\"s\" \"h\")}", "{x \"date\" | getline}"] {
            let effects = try AwkProgram.effects(of: program)
            #expect(effects.computesCommands, "\(program): \(effects.commandLines)")
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

/// The awk reader against the awk on this machine: generated programs run in `BEGIN` in an empty
/// directory, their only commands `touch` a marker; whatever files appear, the reader must have
/// found — a command run (`ran…`) or an output file — or the program is one it refuses.
@Suite struct AwkProgramAgreesWithAwkTests {
    static let awk: String? = ["/usr/bin/awk", "/bin/awk", "/usr/bin/mawk", "/usr/bin/gawk"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The files a program leaves behind when awk runs it.
    static func filesCreated(by program: String) throws -> Set<String> {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("interlock-awk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(awk))
        process.arguments = [program]
        process.environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C"]
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Set(try FileManager.default.contentsOfDirectory(atPath: directory.path))
    }

    /// What awk prints of `input` given on standard input; nil when it fails or loops.
    static func output(of program: String, input: String) throws -> String? {
        try filterOutput(try #require(awk), [program], input: input)
    }

    /// gawk's `-i inplace` keeps only what the program prints, so a program said to print every
    /// record must print every line of its input whole. (Programs here end: none loops.)
    @Test func programsSaidToPrintEveryRecordDo() async throws {
        let lines = ["first a", "ab", "b", "", "x", "zz", "a/b", "last a"]
        let input = lines.joined(separator: "\n") + "\n"
        #expect(try Self.output(of: "NR % 2", input: input) == "first a\nb\nx\na/b\n", "the oracle runs awk")
        let item = Gen.element(of: [
            "{print}", "{ print $0 }", "{ print; }", "{ n++; print }", "1", "0", "2", "/a/", "!/^$/", "NR > 5", "{ if (NR > 2) print }",
            "/x/ { next }", "{ sub(/q/, \"q\") }", "{ x = 1 }", "END { print \"done\" }", "BEGIN { n = 0 }", "{ print $1 }",
            "NR == 3 { exit }", "{ getline }", "NR == 4 { getline; print }", "{ print > \"/dev/stderr\" }", "{ print\n}",
        ]).map { $0! }
        let separator = Gen.element(of: ["; ", "\n", " "]).map { $0! }
        let program = zip(item.array(of: 1...3), separator).map { items, separator in items.joined(separator: separator) }
        var recognised = 0
        await propertyCheck(count: 150, input: program) { program in
            guard let effects = try? AwkProgram.effects(of: program), effects.printsEveryRecord,
                  let printed = try Self.output(of: program, input: input) else { return }
            recognised += 1
            let printedLines = Set(printed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
            let lost = lines.filter { !printedLines.contains($0) }
            #expect(lost.isEmpty, "program: \(program.debugDescription) lost \(lost)")
        }
        #expect(recognised > 0, "no generated program was recognised as printing every record")
    }

    @Test func printingEveryRecordIsRecognisedInItsIdioms() throws {
        for program in ["{print}", "{ print $0 }", "{ gsub(/a/, \"b\"); print }", "{ gsub(/a/, \"b\") } 1", "BEGIN { FS = \":\" } { $2 = \"x\"; print }",
                        "{ sub(/a/, \"b\") }\n1\nEND { print NR > \"/dev/stderr\" }"] {
            #expect(try AwkProgram.effects(of: program).printsEveryRecord, "\(program)")
        }
        for program in ["/keep/", "NR > 5", "0", "{ if (x) print }", "/x/ { next } 1", "{ print $1 }", "{ print > \"out\" }", "END { print }",
                        "{ while ((getline line) > 0) n++ } 1", "{ for (i = 0; i < NR % 2; i++) print }"] {
            #expect(try !AwkProgram.effects(of: program).printsEveryRecord, "\(program)")
        }
    }

    @Test func programsThatRemoveTextAreFound() throws {
        for program in ["{ gsub(/\\r/, \"\") } 1", "{ $3 = \"\"; print }", "{ $0 = \"\" } 1", "{ sub(/x/, \"\", $2); print }", "{ gensub(/a(b)/, \"\", \"g\") } 1"] {
            #expect(try AwkProgram.effects(of: program).removesText, "\(program)")
        }
        for program in ["{ gsub(/a/, \"b\") } 1", "{ if ($1 == \"\") n++ } 1", "{ x = \"\" } 1", "{ sub(/x/, f(\"\")) } 1", "{ print \"\" }"] {
            #expect(try !AwkProgram.effects(of: program).removesText, "\(program)")
        }
    }

    @Test func theOracleReallyRunsAwk() throws {
        #expect(try Self.filesCreated(by: #"BEGIN { print "x" > "made"; system("touch ran") }"#) == ["made", "ran"])
    }

    @Test func whateverAwkDoesTheReaderFinds() async throws {
        let statement = Gen.element(of: [
            #"print "a" > "out1""#, #"print "a" >> "out2""#, #"printf("%s", "a") > "out3""#, #"print "a", "b" > "out4""#,
            #"system("touch ran1")"#, #"print "a" | "touch ran2""#, #""touch ran3" | getline x"#, #"x = (1 > 2)"#,
            #"print (1 > 2)"#, #"x = "system(\"touch no\")""#, #"if ("a" ~ /x|y/) print "b""#, #"n = 4 / 2 / 1"#,
            #"print "a" > ("out" "5")"#, #"close("out1")"#, #"x = 1 # system("touch no2")"#, #"print 1,"#,
            #"system("touch " "ran4")"#, #"c = "touch ran5"; system(c)"#, #"print "a" | ("touch " "ran6")"#,
        ]).map { $0! }
        let separator = Gen.element(of: ["; ", "\n", " ; "]).map { $0! }
        let program = zip(statement.array(of: 1...4), separator).map { statements, separator in
            "BEGIN { " + statements.joined(separator: separator) + " }"
        }
        await propertyCheck(count: 120, input: program) { program in
            let created = try Self.filesCreated(by: program)
            guard let effects = try? AwkProgram.effects(of: program) else { return }
            if created.contains(where: { $0.hasPrefix("ran") }) {
                #expect(effects.runsCommands, "program: \(program.debugDescription) ran a command")
            }
            // Each command it ran is one the reader names, or the reader says some are built at run time.
            for file in created where file.hasPrefix("ran") {
                #expect(effects.computesCommands || effects.commandLines.contains("touch \(file)"),
                        "program: \(program.debugDescription) ran `touch \(file)`; found \(effects.commandLines)")
            }
            for file in created where !file.hasPrefix("ran") {
                #expect(effects.outputFiles.contains { $0.path == file || $0.path == nil }, "program: \(program.debugDescription) wrote \(file)")
            }
            #expect(!created.contains { $0.hasPrefix("no") }, "the oracle's program ran data as code")
        }
    }
}
