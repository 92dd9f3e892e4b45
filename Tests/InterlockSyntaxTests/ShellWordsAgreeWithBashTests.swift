import Foundation
import InterlockSyntax
import PropertyBased
import Testing

/// Word splitting and quote removal, checked against bash itself: whatever words bash hands to a
/// command, the parser must find too, or every later decision rests on the wrong arguments.
@Suite struct ShellWordsAgreeWithBashTests {
    static let bash: String? = ["/bin/bash", "/usr/bin/bash"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The words bash passes to a function called with `line` as its arguments.
    static func bashWords(_ line: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(bash))
        process.arguments = ["--norc", "--noprofile", "-c", "w() { printf '%s\\0' \"$#\" \"$@\"; }\nw \(line)"]
        process.environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.currentDirectoryURL = URL(fileURLWithPath: "/nonexistent-dir-\(UUID().uuidString)").deletingLastPathComponent()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var fields = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if fields.last == "" { fields.removeLast() }
        let count = Int(fields.first ?? "") ?? -1
        let words = Array(fields.dropFirst())
        // An empty word prints as an empty field; the count says how many there were.
        return Array(words.prefix(count)) + Array(repeating: "", count: max(0, count - words.count))
    }

    /// The words the parser finds for the same line.
    static func parsedWords(_ line: String) throws -> [String] {
        let script = try ShellParser.parse("w \(line)")
        guard script.pipelines.count == 1, script.pipelines[0].commands.count == 1,
            case .simple(let command) = script.pipelines[0].commands[0]
        else {
            Issue.record("`\(line)` did not parse as one simple command")
            return []
        }
        return command.words.dropFirst().map { $0.staticValue ?? "<expansion>" }
    }

    @Test func theOracleReallyRunsBash() throws {
        #expect(try Self.bashWords(#"a 'b c' "" $'\x41'"#) == ["a", "b c", "", "A"])
    }

    @Test func handWrittenLinesAgree() throws {
        let lines = [
            #"a 'b c' "d e" f\ g"#,
            #"$'a\tb' $'\x41\101' $'it\'s'"#,
            #""a\"b" "a\b" "a\$b" 'a\b'"#,
            #"x# y #z"#,
            #"""  ''"''"'"'"#,
            #"a"b"'c'\d"#,
        ]
        for line in lines {
            #expect(try Self.parsedWords(line) == Self.bashWords(line), "\(line)")
        }
    }

    @Test func generatedLinesAgree() async throws {
        let plain = Gen.element(of: Array("abcXYZ019-_.,:=@%+/^#")).map { String($0!) }.array(of: 1...4).map { $0.joined() }
        let singleQuoted = Gen.element(of: Array("ab \"\\$`;|&<>(){}*?~#\t")).map { String($0!) }.array(of: 0...4)
            .map { "'" + $0.joined() + "'" }
        let doubleQuotedItem = Gen.oneOf(
            Gen.element(of: Array("ab '; |&<>(){}*?~#")).map { String($0!) },
            Gen.element(of: [#"\\"#, #"\""#, #"\$"#, #"\`"#, #"\a"#, #"\ "#]).map { $0! })
        let doubleQuoted = doubleQuotedItem.array(of: 0...4).map { "\"" + $0.joined() + "\"" }
        let escaped = Gen.element(of: Array(" '\"\\$;|&<>(){}*?#~ab")).map { "\\" + String($0!) }
        let ansiItem = Gen.oneOf(
            Gen.element(of: Array("ab \"")).map { String($0!) },
            Gen.element(of: [#"\n"#, #"\t"#, #"\\"#, #"\'"#, #"\x41"#, #"\101"#, #"\e"#, #"\q"#]).map { $0! })
        let ansi = ansiItem.array(of: 0...3).map { "$'" + $0.joined() + "'" }
        let piece = Gen.oneOf(plain, singleQuoted, doubleQuoted, escaped, ansi)
        let word = piece.array(of: 1...3).map { $0.joined() }
        let separator = Gen.element(of: [" ", "  ", "\t", " \t"]).map { $0! }
        let line = zip(word.array(of: 1...5), separator).map { words, sep in words.joined(separator: sep) }

        await propertyCheck(count: 150, input: line) { line in
            let ours = try Self.parsedWords(line)
            let theirs = try Self.bashWords(line)
            #expect(ours == theirs, "line: \(line)")
        }
    }
}
