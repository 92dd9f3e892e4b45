import Foundation
import InterlockClassifiers
import InterlockCore
import PropertyBased
import Testing

/// The arguments a command receives after the shell expands variables and command substitutions
/// the line itself fixes, and splits the unquoted ones into fields at `IFS`, checked against bash:
/// `cmd="rm -rf /srv"; $cmd` must be read as `rm` with two arguments, as bash runs it.
@Suite struct FieldSplittingAgreesWithBashTests {
    /// The arguments bash passes to a function called with `words` after `prefix` ran.
    static func bashFields(prefix: String, words: String) throws -> [String] {
        let fields = try BashOracle.fields("\(prefix)\nw() { printf '%s\\0' \"$#\" \"$@\"; }\nw \(words)")
        let count = Int(fields.first ?? "") ?? -1
        let words = Array(fields.dropFirst())
        return Array(words.prefix(count)) + Array(repeating: "", count: max(0, count - words.count))
    }

    /// The operands Interlock finds for `rm -- WORDS` after `prefix`, as written under `/w`.
    static func ourFields(prefix: String, words: String) throws -> [String] {
        let classifier = ShellClassifier(fileSystem: FixedFileSystem(files: [:], directories: ["/w"]))
        let facts = classifier.classify(commandLine: "\(prefix)\nrm -- \(words)", workingDirectory: "/w")
        let removal = try #require(facts.findings.first { $0.operation == "shell:rm" }, "\(facts.operations)")
        return removal.targets.map { $0.hasPrefix("/w/") ? String($0.dropFirst(3)) : $0 }
    }

    @Test func theOracleReallyRunsBash() throws {
        #expect(try Self.bashFields(prefix: "x='a  b'", words: #"$x "$x" c$x"#) == ["a", "b", "a  b", "ca", "b"])
    }

    @Test func handWrittenLinesAgree() throws {
        let cases: [(String, String)] = [
            ("x='a b'", #"$x"#), ("x=''", #"$x c"#), ("x=' a '", #"c$x"d""#), ("IFS=,; x='a,,b,'", #"$x"#),
            ("IFS=' ,'; x='a , b ,, c'", #"$x"#), ("x='a b'", #"$(echo $x)"#), ("x='a  b'", #""$(echo "$x")""#),
            ("x=$(printf 'a b'); y=c", #"$x$y "$x"$y"#),
        ]
        for (prefix, words) in cases {
            #expect(try Self.ourFields(prefix: prefix, words: words) == Self.bashFields(prefix: prefix, words: words), "\(prefix); \(words)")
        }
    }

    @Test func generatedLinesAgree() async throws {
        let value = Gen.element(of: Array("ab ,:\t")).map { String($0!) }.array(of: 0...6).map { $0.joined() }
        let separators = Gen.element(of: ["", "IFS=,; ", "IFS=' ,'; ", "IFS=:; ", "IFS=''; "]).map { $0! }
        let piece = Gen.element(of: [
            "c", "${x}", "\"$x\"", "${y}", "\"a$x\"", "${x}${y}", "'q r'", "$(echo $x)", "\"$(echo \"$y\")\"", "$(printf %s \"$x\")", "\"\"", "d${y}",
        ]).map { $0! }
        // (Braces everywhere a name could run into the next piece: `$xc` is another variable.)
        let word = piece.array(of: 1...3).map { $0.joined() }
        let words = word.array(of: 1...4).map { $0.joined(separator: " ") }
        let input = zip(zip(separators, value), zip(value, words))
        await propertyCheck(count: 300, input: input) { pair in
            let ((ifs, x), (y, line)) = pair
            // Quoted for the assignment: `'` does not occur in the values.
            let prefix = "\(ifs)x='\(x)'; y='\(y)'"
            let ours = try Self.ourFields(prefix: prefix, words: line)
            let theirs = try Self.bashFields(prefix: prefix, words: line)
            #expect(ours == theirs, "\(prefix); rm -- \(line)")
        }
    }
}
