import ArgumentParser
import Foundation
import InterlockClassifiers
import InterlockDoors
import InterlockPolicy

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Lint, test and show policies.",
        subcommands: [Lint.self, Test.self, Show.self])

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate policy files; print each problem as file:line:column.",
            discussion: "Exits 0 when every file is valid (warnings allowed), 3 otherwise.")

        @Argument(help: "Policy files.")
        var files: [String]

        func run() throws {
            var failed = false
            for file in files {
                let text = try readText(file)
                do {
                    let (_, diagnostics) = try PolicyLoader.load(text: text, file: file)
                    for d in diagnostics { print(d) }
                    print("\(file): ok")
                } catch {
                    for d in error.diagnostics { print(d) }
                    failed = true
                }
            }
            if failed { throw ExitStatus.invalid }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a policy's own test cases (action in, expected decision out).",
            discussion: "Exits 0 when every case passes, 1 when any fails, 3 when a suite or policy is invalid.")

        @Argument(help: "Test suite files.")
        var files: [String]

        func run() throws {
            var failures = 0
            var total = 0
            for file in files {
                let suite: PolicyTestSuite
                do {
                    suite = try PolicyTestSuite.parse(text: try readText(file), file: file)
                } catch let error as PolicyLoadError {
                    throw InvalidInput(diagnostics: error.errors.map(\.description))
                }
                let policy: Policy
                if suite.policyReference == BuiltinPolicy.name {
                    policy = BuiltinPolicy.policy
                } else {
                    let base = URL(fileURLWithPath: file).deletingLastPathComponent()
                    let path = suite.policyReference.hasPrefix("/") ? suite.policyReference : base.appendingPathComponent(suite.policyReference).path
                    policy = try loadPolicy(path: path)
                }
                let results = suite.run(policy: policy) { ClassifierSet.standard(fileSystem: OpaqueFileSystem(), mcpTrust: policy.mcpTrust).classify($0) }
                for failure in results { print(failure) }
                total += suite.cases.count
                failures += results.count
            }
            print("\(total - failures) passed, \(failures) failed")
            if failures > 0 { throw ExitStatus.failure }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the effective policy (the built-in one unless --policy or $INTERLOCK_POLICY names a file).")

        @OptionGroup var policySource: PolicySourceOptions

        func run() throws {
            let policy = try policySource.load()
            print("# effective policy, from \(policy.sources.map(\.name).joined(separator: " + "))")
            print(PolicyRenderer.render(policy), terminator: "")
        }
    }
}
