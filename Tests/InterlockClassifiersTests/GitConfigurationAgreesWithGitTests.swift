import Foundation
@testable import InterlockClassifiers
import PropertyBased
import Testing

/// The remote settings `GitConfiguration` reads from a repository's `config`, checked against git
/// itself (`git config --file F --get-regexp '^remote\.'`) on generated files: quoting, comments,
/// the old `[remote.name]` headers, keys alone, case, spacing.
@Suite(.enabled(if: InterpreterOracle.available("git")))
struct GitConfigurationAgreesWithGitTests {
    static let header = Gen.element(of: ["[remote \"origin\"]", "[Remote \"origin\"]", "[remote \"Origin\"]", "[remote.origin]", "[remote.Origin]",
                                         "[remote \"fork\"]", "[core]", "[branch \"main\"]", "\t[remote \"origin\"] "]).map { $0! }
    static let setting = Gen.element(of: [
        "mirror", "mirror = true", "Mirror=yes", "mirror = false", "mirror = 0", "mirror = 1", "mirror = \"true\" # set by hand", "mirror = on ; comment",
        "push = +refs/heads/*:refs/heads/*", "push=refs/heads/main:refs/heads/main", "PUSH = \"+main:main\"", "push = :refs/heads/old",
        "push = \":refs/heads/x\" ; quoted", "  push   =   +HEAD:refs/heads/main  ", "url = https://example.com/r.git # x", "# mirror = true",
        "; push = +x:x", "fetch = +refs/heads/*:refs/remotes/origin/*",
    ]).map { $0! }
    static let file = zip(header, setting.array(of: 0...3)).array(of: 1...4).map { sections in
        sections.map { header, settings in ([header] + settings.map { "\t" + $0 }).joined(separator: "\n") }.joined(separator: "\n") + "\n"
    }

    /// What git reads: each `key value` (or `key` alone) line of `--get-regexp`.
    static func gitSettings(_ text: String) throws -> [(key: String, value: String?)] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("interlock-gitconfig-\(UUID().uuidString)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let data = try OracleProgram.output(["git", "config", "--file", url.path, "--get-regexp", "^remote\\."],
                                            environment: ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "GIT_CONFIG_NOSYSTEM": "1"])
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map { line in
            guard let space = line.firstIndex(of: " ") else { return (String(line), nil) }
            return (String(line[..<space]), String(line[line.index(after: space)...]))
        }
    }

    @Test("property: the push settings read are the ones git reads")
    func pushSettingsAgreeWithGit() async {
        await propertyCheck(count: 150, input: Self.file) { text in
            let git = GitCommand.PushConfiguration(settings: try! Self.gitSettings(text))
            #expect(GitConfiguration.pushConfiguration(text) == git, "\(text)")
        }
    }
}
