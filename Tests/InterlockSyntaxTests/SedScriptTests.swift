import Foundation
import InterlockSyntax
import PropertyBased
import Testing

/// The sed reader, checked by hand and against GNU sed itself: sed creates every `w` file when it
/// compiles the script, so running a generated script on empty input in an empty directory shows
/// exactly which files it would write, and `--sandbox` shows whether it has `e`, `r` or `w` at all.
@Suite struct SedScriptTests {
    @Test func printingScriptsDoNothingElse() throws {
        for script in ["p", "1,10p", "s/rm -rf/echo/", "$!N;P;D", "/start/,/end/{s/a/b/g;p}", ":a;N;$!ba;s/\\n/ /g", "y/abc/xyz/", "1~2d", "0,/x/s//y/", "a\\\nappended text", "i inserted; text", "s/a/b/2p", "l 40", "q5"] {
            let effects = try SedScript.effects(of: script)
            #expect(!effects.runsCommands && effects.writtenFiles.isEmpty && !effects.readsFiles, "\(script)")
        }
    }

    @Test func scriptsThatLeaveTextOutSayHowMuch() throws {
        func removal(_ script: String) throws -> SedScriptEffects.TextRemoval { try SedScript.effects(of: script).removal }
        for script in ["s/a/b/", "p", "1i #!/bin/sh", "$a extra", "/^version=/c version=2", "s/.*/[&]/", "s/\\(.*\\)/\\1;/", "y/abc/xyz/", "h;G", "=", "N;P"] {
            #expect(try removal(script) == .none, "\(script)")
        }
        for script in ["/^#/d", "5d", "2,4d", "$d", "/./d", "2~2d", "0,/x/d", "s/ *$//", "s/debug//g", "1,+3d", "/a/{s/x/y/;d}", "$!N;/x/D", "/a/,$d", "3z"] {
            #expect(try removal(script) == .addressed, "\(script)")
        }
        for script in ["d", "1,$d", "$!d", "/x/!d", "0~1d", "/^/d", "/.*/d", "//d", "s/.*//", "s/^.*$//", "s/.*/gone/", "c\\\nall", "10q", "Q", "z", "x", "g", "/a/p;d", "{s/a/b/;d}", "$!{d}"] {
            #expect(try removal(script) == .possiblyAll, "\(script)")
        }
        #expect(try SedScript.effects(of: "#n\n/keep/p").quiet)
        #expect(try !SedScript.effects(of: "#nope\np").quiet)
        #expect(try !SedScript.effects(of: "p\n#n").quiet)
    }

    @Test func writesAndCommandsAreFound() throws {
        #expect(try SedScript.effects(of: "w /etc/passwd").writtenFiles == ["/etc/passwd"])
        #expect(try SedScript.effects(of: "1,5W out.txt").writtenFiles == ["out.txt"])
        // The file name is the rest of the line, `;` and `}` included, as sed reads it.
        #expect(try SedScript.effects(of: "/x/w out;p\np").writtenFiles == ["out;p"])
        #expect(try SedScript.effects(of: "s/a/b/gw changed.log").writtenFiles == ["changed.log"])
        #expect(try SedScript.effects(of: "1e rm -rf /srv").runsCommands)
        #expect(try SedScript.effects(of: "s/.*/rm -rf &/e").runsCommands)
        #expect(try SedScript.effects(of: "/a/ { e date\n}").runsCommands)
        #expect(try SedScript.effects(of: "r /etc/hosts").readsFiles)
        // A delimiter other than `/` hides nothing: the `w` flag after `s|…|…|` is still a write.
        #expect(try SedScript.effects(of: "s|/|x|w /tmp/o").writtenFiles == ["/tmp/o"])
        // Text of `a` is data, even when it spells a command.
        #expect(try SedScript.effects(of: "a w /etc/passwd").writtenFiles == [])
    }

    @Test func scriptsSedWouldRefuseAreUnreadable() {
        for script in ["k", "p x", "s/a/b", "s/a/b/q", "{p", "p}", "w", "y/ab/", "/unterminated"] {
            #expect(throws: SedScriptError.self, "\(script)") { try SedScript.effects(of: script) }
        }
    }

    // MARK: Against GNU sed

    static let sed: String? = ["/bin/sed", "/usr/bin/sed"].first { FileManager.default.isExecutableFile(atPath: $0) }

    struct SedRun {
        var exitStatus: Int32
        var standardError: String
        var createdFiles: Set<String>
    }

    /// Runs sed on empty input in a new empty directory: nothing but compiling the script happens.
    static func runSed(_ arguments: [String]) throws -> SedRun {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("interlock-sed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(sed))
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C"]
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let created = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        return SedRun(exitStatus: process.terminationStatus, standardError: String(decoding: message, as: UTF8.self), createdFiles: Set(created))
    }

    /// What sed prints of `input` (standard input, no `-n`, `--sandbox`); nil when it fails or loops.
    static func output(ofSed script: String, input: String) throws -> String? {
        try filterOutput(try #require(sed), ["--sandbox", "-e", script], input: input)
    }

    /// Lines no generated address can pick all of: line 6 is even, not the first or last, and has
    /// none of the letters the expressions look for.
    static let sampleInput = ["first a", "ab", "b", "", "x", "zz", "a/b", "y/", "qq", "rr", "ss", "last a"].joined(separator: "\n") + "\n"

    @Test func removalAgreesWithWhatSedPrints() async throws {
        let output = try Self.output(ofSed: "2~2d", input: Self.sampleInput)
        #expect(output == "first a\nb\nx\na/b\nqq\nss\n", "the oracle runs sed: \(output.debugDescription)")

        let address = Gen.element(of: ["", "", "1", "$", "2,5", "/a/", "\\,x,", "1~2", "/a/I,+3", "0,/b/", "3!", "/[/]/", "2,~4 ", "/a\\/b/", "/^/", "/.*/", "1,$", "$!", "0~1"]).map { $0! }
        let command = Gen.element(of: [
            "p", "d", "n", "=", "q", "q5", "Q", "l 10", "h", "g", "G", "x", "z", "F", "N", "D", "P",
            // Substitutions that change a line without removing text (`s/a/b/`, `c` on some lines)
            // would lose input lines from the output too: only ones that remove, or change
            // nothing, are generated.
            "s/a//", "s/.*//", "s/^//", "s/a/&/", "s/^.*$/\\0/", "s/x*//g",
            "a text", "i hello", "y/ab/ab/", ":lab", "b lab", "b", "t", "{p}", "{ p; d }", "{ s/a//; }",
        ]).map { $0! }
        let separator = Gen.element(of: [";", "\n", " ; "]).map { $0! }
        let script = zip(zip(address, command).map { $0 + $1 }.array(of: 1...4), separator).map { commands, separator in
            commands.joined(separator: separator)
        }
        let inputLines = Self.sampleInput.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)

        await propertyCheck(count: 200, input: script) { script in
            guard let effects = try? SedScript.effects(of: script), let printed = try Self.output(ofSed: script, input: Self.sampleInput) else { return }
            let printedLines = Set(printed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
            let lost = inputLines.filter { !printedLines.contains($0) }
            switch effects.removal {
            case .none:
                // Said to remove nothing: every line of the input is printed whole.
                #expect(lost.isEmpty, "script: \(script.debugDescription) lost \(lost)")
            case .addressed:
                // Said to remove only what addresses pick: line 6 is printed whole. Checked for
                // one command alone: with `n` or `N` before it, line 6 may share the pattern space
                // of a line it picks, and with a deletion before it, a range whose end is `+N` or
                // an expression may not see its end and run on to the last line (which is why
                // `addressed` is still destructive).
                if !script.contains(";"), !script.contains("\n") {
                    #expect(!lost.contains("zz"), "script: \(script.debugDescription) lost \(lost)")
                }
            case .possiblyAll:
                break
            }
        }
    }

    @Test func theOracleReallyRunsSed() throws {
        let run = try Self.runSed(["-n", "-e", "1w made\np"])
        #expect(run.exitStatus == 0 && run.createdFiles == ["made"])
        let sandboxed = try Self.runSed(["--sandbox", "-n", "-e", "1e date"])
        #expect(sandboxed.exitStatus != 0 && sandboxed.standardError.contains("sandbox"))
    }

    @Test func generatedScriptsAgreeWithSed() async throws {
        let address = Gen.element(of: ["", "1", "$", "2,5", "/a/", "\\,x,", "1~2", "/a/I,+3", "0,/b/", "3!", "/[/]/", "2,~4 ", "/a\\/b/"]).map { $0! }
        let command = Gen.element(of: [
            "p", "d", "n", "=", "q", "q5", "l 10", "h", "G", "x", "z", "F", "N", "D",
            "s/a/b/", "s,a,b,g", "s/a/b/2p", "s/a\\/b/c/", "s/a/b/w out1", "s|a|b|gw o;2", "s/a/b/e", "s/a/b/ep",
            "y/ab/ba/", "e", "e echo hi", "w out3", "W o}4", "r in", "R in", "a text", "a\\\ntext", "i hello; w no", "c\\\nbye",
            ":lab", "b lab", "t", "T lab", "{p}", "{ p; d }", "}", "{", "#comment w x", "v", "v 4.2",
            "k", "s/a", "w", "s/a/b/x", "y/a/", "p x", "e\\", "a", "s/a/b/w",
        ]).map { $0! }
        let separator = Gen.element(of: [";", "\n", " ; ", "; ", "\n\n"]).map { $0! }
        let script = zip(zip(address, command).map { $0 + $1 }.array(of: 1...4), separator).map { commands, separator in
            commands.joined(separator: separator)
        }

        await propertyCheck(count: 200, input: script) { script in
            let compiled = try Self.runSed(["-n", "-e", script])
            let sandboxed = try Self.runSed(["--sandbox", "-n", "-e", script])
            let ours = Result { () throws(SedScriptError) in try SedScript.effects(of: script) }
            switch ours {
            case .success(let effects):
                // A `w` file name that runs on into a later command may name a missing directory:
                // sed stops there, having tried to create the file the reader names.
                if let start = compiled.standardError.range(of: "couldn't open file "),
                   let end = compiled.standardError.range(of: ": No such file or directory")
                {
                    let name = compiled.standardError[start.upperBound..<end.lowerBound]
                    #expect(effects.writtenFiles.contains(String(name)), "script: \(script.debugDescription); sed: \(compiled.standardError)")
                    return
                }
                // Whatever this reader accepts, sed compiles, to the same files...
                #expect(compiled.exitStatus == 0, "script: \(script.debugDescription); sed: \(compiled.standardError)")
                #expect(Set(effects.writtenFiles) == compiled.createdFiles, "script: \(script.debugDescription)")
                // ...and it finds `e`, `r` and `w` exactly where the sandbox does.
                let hasEffects = effects.runsCommands || effects.readsFiles || !effects.writtenFiles.isEmpty
                #expect(hasEffects == (sandboxed.exitStatus != 0), "script: \(script.debugDescription); sandbox: \(sandboxed.standardError)")
            case .failure:
                // A script this reader refuses is one sed refuses too (else the refusal costs a
                // needless `unknown`; it is never unsafe).
                #expect(compiled.exitStatus != 0, "script: \(script.debugDescription) compiles in sed")
            }
        }
    }
}
