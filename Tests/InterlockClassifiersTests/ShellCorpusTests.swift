import Foundation
import InterlockClassifiers
import InterlockCore
import Testing

/// One line of a classifier corpus.
struct CorpusCase: Sendable, CustomStringConvertible {
    var input: String
    var effect: Effect
    var family: String
    var line: Int
    var description: String { "line \(line) [\(family)] \(input.debugDescription)" }
}

enum Corpus {
    static func url(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: "Corpus/\(name)", withExtension: nil))
    }

    /// Reads JSON Lines whose objects carry `key` (the input), `effect` and `family`.
    static func load(_ name: String, key: String) throws -> [CorpusCase] {
        let text = try String(contentsOf: url(name), encoding: .utf8)
        var cases: [CorpusCase] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(name):\(index + 1)")
            let input = try #require(object[key] as? String, "\(name):\(index + 1): no `\(key)`")
            let effect = try #require((object["effect"] as? String).flatMap(Effect.init(rawValue:)), "\(name):\(index + 1): bad effect")
            cases.append(CorpusCase(input: input, effect: effect, family: object["family"] as? String ?? "", line: index + 1))
        }
        return cases
    }

    static func fileSystem() throws -> (FixedFileSystem, String) {
        let data = try Data(contentsOf: url("shell-filesystem.json"))
        let object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let files = try #require(object["files"] as? [String: String])
        let directories = try #require(object["directories"] as? [String])
        let cwd = try #require(object["working_directory"] as? String)
        return (FixedFileSystem(files: files, directories: Set(directories)), cwd)
    }
}

@Suite struct ShellCorpusTests {
    static func classifyAll() throws -> [(CorpusCase, Classification)] {
        let (fileSystem, cwd) = try Corpus.fileSystem()
        let classifier = ShellClassifier(fileSystem: fileSystem)
        return try Corpus.load("shell.jsonl", key: "input").map { ($0, classifier.classify(commandLine: $0.input, workingDirectory: cwd)) }
    }

    @Test func corpusIsLargeAndBalanced() throws {
        let cases = try Corpus.load("shell.jsonl", key: "input")
        #expect(cases.count >= 600)
        #expect(cases.filter { $0.family == "benign" }.count >= 200)
        #expect(Set(cases.map(\.family)).isSuperset(of: ["deletion", "overwrite", "permissions", "evasion", "git", "database", "benign"]))
    }

    /// The issue's quality bar: no destructive case comes out read or write, and at most 2% of read
    /// cases come out anything but read.
    @Test func qualityBar() throws {
        let results = try Self.classifyAll()
        let destructiveMissed = results.filter { $0.0.effect == .destructive && ($0.1.effect == .read || $0.1.effect == .write) }
        #expect(destructiveMissed.isEmpty, "destructive cases classified as read or write: \(destructiveMissed.map { "\($0.0) → \($0.1.effect)" })")
        let reads = results.filter { $0.0.effect == .read }
        let readsMissed = reads.filter { $0.1.effect != .read }
        #expect(Double(readsMissed.count) <= 0.02 * Double(reads.count), "read cases not read: \(readsMissed.map { "\($0.0) → \($0.1.effect)" })")
        let unknownMissed = results.filter { $0.0.effect == .unknown && ($0.1.effect == .read || $0.1.effect == .write) }
        #expect(unknownMissed.isEmpty, "unknown cases classified as read or write: \(unknownMissed.map { "\($0.0) → \($0.1.effect)" })")
    }

    /// Every case classifies exactly as written: the corpus pins behaviour, not just the bar.
    @Test func everyCaseMatches() throws {
        for (corpusCase, facts) in try Self.classifyAll() where facts.effect != corpusCase.effect {
            Issue.record("\(corpusCase): expected \(corpusCase.effect), got \(facts.effect): \(facts.findings.map { "\($0.operation) \($0.effect): \($0.reason)" })")
        }
    }
}
