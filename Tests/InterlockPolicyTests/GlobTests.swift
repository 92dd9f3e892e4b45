import PropertyBased
import Testing

@testable import InterlockPolicy

@Suite("Globs")
struct GlobTests {
    @Test("operation globs", arguments: [
        ("aws:*:Delete*", "aws:ec2:DeleteVolume", true),
        ("aws:*:Delete*", "aws:ec2:TerminateInstances", false),
        ("aws:*:Delete*", "aws:ec2:sub:DeleteX", false),
        ("aws:**", "aws:ec2:sub:DeleteX", true),
        ("shell:rm", "shell:rm", true),
        ("shell:rm", "shell:rmdir", false),
        ("shell:rm*", "shell:rmdir", true),
        ("shell:?m", "shell:rm", true),
        ("sql:[dt]*", "sql:drop_table", true),
        ("sql:[!dt]*", "sql:drop_table", false),
        ("*", "shell:rm", false),
        ("**", "shell:rm", true),
    ])
    func operations(pattern: String, text: String, expected: Bool) throws {
        #expect(try Glob(pattern, separator: .colon).matches(text) == expected)
    }

    @Test("path globs", arguments: [
        ("/srv/**", "/srv/app/tmp", true),
        ("/srv/*", "/srv/app/tmp", false),
        ("/srv/*", "/srv/app", true),
        ("**/prod/**", "/home/me/prod/app", true),
        ("**/prod", "/home/me/prod", true),
        ("/srv/\\*", "/srv/*", true),
        ("/srv/\\*", "/srv/a", false),
    ])
    func paths(pattern: String, text: String, expected: Bool) throws {
        #expect(try Glob(pattern, separator: .slash).matches(text) == expected)
    }

    @Test("bad globs are rejected with the offset of the problem", arguments: [
        ("a[bc", 1), ("***", 0), ("x\\", 1), ("", 0), ("[z-a]", 1),
    ])
    func syntaxErrors(pattern: String, offset: Int) {
        #expect(throws: Glob.SyntaxError.self) { try Glob(pattern, separator: .colon) }
        do {
            _ = try Glob(pattern, separator: .colon)
        } catch {
            #expect(error.offset == offset)
        }
    }

    @Test("a pathological pattern gives up instead of running away, and says so")
    func budget() throws {
        let glob = try Glob("*a*a*a*a*a*a*a*a*a*b", separator: .none)
        #expect(glob.matches(String(repeating: "a", count: 200)) == nil)
    }

    @Test("property: compiled globs agree with the reference matcher")
    func agreesWithReference() async {
        let alphabet = Gen.element(of: ["a", "b", ":", "*", "?", "**"]).map { $0! }
        let textAlphabet = Gen.element(of: ["a", "b", ":"]).map { $0! }
        await propertyCheck(count: 1000, input: alphabet.array(of: 1...6), textAlphabet.array(of: 0...8)) { p, t in
            let pattern = p.joined()
            let text = t.joined()
            guard !pattern.contains("***"), let glob = try? Glob(pattern, separator: .colon) else { return }
            #expect(glob.matches(text) == Reference.glob(pattern, text, separator: ":"), "\(pattern) ~ \(text)")
        }
    }
}
