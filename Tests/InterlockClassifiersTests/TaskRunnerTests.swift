import Foundation
@testable import InterlockClassifiers
import InterlockCore
import PropertyBased
import Testing

/// `just RECIPE` and `task NAME` are the command lines their files say, found where the runners
/// find them and run where the runners run them; Taskfiles are checked against go-task itself.
@Suite struct TaskRunnerTests {
    static let justfile = """
        stack := "shop-prod"

        build:
            go build ./...

        nuke: clean
            aws cloudformation delete-stack --stack-name {{stack}}

        clean:
            rm -rf dist
        """

    static let taskfile = """
        version: '3'
        vars:
          STACK: shop-prod
          REV:
            sh: git rev-parse HEAD
        tasks:
          default:
            cmds:
              - task: build
          build:
            cmds:
              - go build ./...
          teardown:
            deps: [clean]
            cmds:
              - aws cloudformation delete-stack --stack-name {{.STACK}}
          clean:
            dir: web
            cmds:
              - rm -rf dist
          reset:
            preconditions:
              - sh: test -f .env
            status:
              - test -d db
            cmds:
              - dropdb {{.DB}}
        """

    let classifier = ShellClassifier(fileSystem: FixedFileSystem(
        files: ["/srv/app/justfile": Self.justfile, "/srv/app/Taskfile.yml": Self.taskfile, "/srv/other/justfile": "x:\n    #!/usr/bin/env python3\n    print(1)\n"],
        directories: ["/srv", "/srv/app", "/srv/app/web", "/srv/app/web/src", "/srv/other"]))

    @Test func justRecipesAreTheCommandLinesTheySay() {
        // Found from a directory below the justfile's; the lines run in the justfile's directory.
        let nuke = classifier.classify(commandLine: "just nuke", workingDirectory: "/srv/app/web/src")
        #expect(nuke.operations.contains("aws:cloudformation:DeleteStack"), "\(nuke.operations)")
        #expect(nuke.categories.contains(.teardown))
        #expect(nuke.targets.contains("/srv/app/dist") && nuke.targets.contains("shop-prod"), "\(nuke.targets)")
        // The default recipe: the first one.
        let plain = classifier.classify(commandLine: "just", workingDirectory: "/srv/app")
        #expect(plain.operations.contains("shell:go:build") && !plain.operations.contains("shell:rm"), "\(plain.operations)")
        #expect(plain.effect == .unknown)
        // Overrides, `--justfile`, and printing forms that run nothing.
        #expect(classifier.classify(commandLine: "just --set stack shop-dev nuke", workingDirectory: "/srv/app").targets.contains("shop-dev"))
        #expect(classifier.classify(commandLine: "just -f /srv/app/justfile nuke", workingDirectory: "/tmp").categories.contains(.teardown))
        #expect(!classifier.classify(commandLine: "just --list", workingDirectory: "/srv/app").operations.contains("shell:go:build"))
        #expect(classifier.classify(commandLine: "just --command 'rm -rf /srv/data'", workingDirectory: "/srv/app").effect == .destructive)
        // A script in another language, and a justfile nowhere to be read, are opaque.
        #expect(classifier.classify(commandLine: "just x", workingDirectory: "/srv/other").categories.contains(.opaqueExecution))
        #expect(classifier.classify(commandLine: "just nuke").categories.contains(.opaqueExecution))
    }

    @Test func taskfileTasksAreTheCommandLinesTheySay() {
        let teardown = classifier.classify(commandLine: "task teardown", workingDirectory: "/srv/app/web")
        #expect(teardown.categories.contains(.teardown), "\(teardown.operations)")
        // The dependency runs in its `dir`, relative to the Taskfile; the `sh:` variable runs too.
        #expect(teardown.targets.contains("/srv/app/web/dist"), "\(teardown.targets)")
        #expect(teardown.operations.contains("git:rev-parse"))
        let reset = classifier.classify(commandLine: "task reset DB=shop", workingDirectory: "/srv/app")
        #expect(reset.operations.contains("shell:dropdb") && reset.targets.contains("shop"), "\(reset.operations) \(reset.targets)")
        #expect(reset.operations.contains("shell:test"))
        #expect(classifier.classify(commandLine: "task", workingDirectory: "/srv/app").operations.contains("shell:go:build"))
        #expect(!classifier.classify(commandLine: "task --list", workingDirectory: "/srv/app").operations.contains("shell:go:build"))
        #expect(classifier.classify(commandLine: "task missing", workingDirectory: "/srv/app").categories.contains(.opaqueExecution))
    }

    @Test func taskfileTemplatesVariablesAndIncludes() throws {
        let file = try #require(Taskfile(Self.taskfile, cliArguments: "", variables: [:]))
        #expect(file.commands(for: "reset").commands.map(\.0) == ["git rev-parse HEAD", "test -f .env", "test -d db", "dropdb $(task-value)"])
        let included = try #require(Taskfile("version: '3'\nincludes:\n  db: ./db\ntasks:\n  x:\n    cmds:\n      - task: db:migrate\n", cliArguments: "", variables: [:]))
        #expect(!included.commands(for: "x").complete)
        #expect(Taskfile("not: [a mapping", cliArguments: "", variables: [:]) == nil)
    }

    /// Runs `task --dry` on `text` for `name`; the command lines it prints, or nil when it refuses.
    static func taskDryRun(_ text: String, name: String, cliArguments: [String]) throws -> [String]? {
        guard let venv = ProcessInfo.processInfo.environment["INTERLOCK_TASK_RUNNERS_VENV"] else {
            throw HarnessError("INTERLOCK_TASK_RUNNERS_VENV must name the virtual environment with rust-just and go-task-bin (.ci/run makes it)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("interlock-task-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(text.utf8).write(to: directory.appendingPathComponent("Taskfile.yml"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: venv + "/bin/task")
        process.arguments = ["--dry", "--dir", directory.path, name] + (cliArguments.isEmpty ? [] : ["--"] + cliArguments)
        process.environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C", "HOME": directory.path, "NO_COLOR": "1"]
        let output = Pipe()
        process.standardError = output
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        // `task: [NAME] COMMAND`.
        return String(decoding: printed, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard line.hasPrefix("task: ["), let close = line.firstIndex(of: "]") else { return nil }
            return String(line[line.index(close, offsetBy: 2)...])
        }
    }

    struct HarnessError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Generated Taskfiles: global and task variables that template earlier ones, tasks whose
    /// dependencies and calls form a chain (some passing variables), command entries of each
    /// form. go-task's dry run prints the lines the reader says it runs (dependencies run
    /// concurrently, so the lines are compared as a multiset).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["INTERLOCK_TASK_RUNNERS_VENV"] != nil || ProcessInfo.processInfo.environment["CI"] == "true"))
    func whatGoTaskRunsTheReaderSays() async throws {
        let command = Gen.element(of: [
            "- echo {{.A}}", "- echo {{.B}} plain", "- cmd: echo {{.C}}", "- echo '{{.A}}-{{.B}}'", "- echo {{.CLI_ARGS}}", "- echo {{ .A }}",
        ]).map { $0! }
        let task = zip(Gen.int(in: 0...2), Gen.int(in: 0...2), Gen.bool, command.array(of: 1...3))
        let text = zip(Gen.bool, task.array(of: 1...4)).map { templated, tasks in
            var lines = ["version: '3'", "vars:", "  A: one", "  B: " + (templated ? "'{{.A}}-b'" : "two"), "  C: three", "tasks:"]
            for (index, (dependencies, calls, passes, commands)) in tasks.enumerated() {
                lines.append("  t\(index):")
                if passes { lines += ["    vars:", "      B: '{{.A}}-local'"] }
                let deps = (index + 1..<min(index + 1 + dependencies, tasks.count)).map { "t\($0)" }
                if !deps.isEmpty { lines.append("    deps: [\(deps.joined(separator: ", "))]") }
                lines.append("    cmds:")
                lines += commands.map { "      " + $0 }
                for called in (index + 1..<min(index + 1 + calls, tasks.count)) {
                    lines.append("      - task: t\(called)")
                    if passes { lines += ["        vars:", "          C: 'passed-{{.B}}'"] }
                }
            }
            return lines.joined(separator: "\n") + "\n"
        }
        let arguments = Gen.element(of: [[String](), ["x"], ["a b", "c"], ["it's", "$HOME"], ["it's $HOME"]]).map { $0! }
        let compared = Counter()
        await propertyCheck(count: 60, input: zip(text, arguments)) { text, arguments in
            guard let printed = try Self.taskDryRun(text, name: "t0", cliArguments: arguments) else { return }
            compared.add()
            let file = try #require(Taskfile(text, cliArguments: Taskfile.quoted(arguments), variables: [:]))
            let read = file.commands(for: "t0")
            #expect(read.complete)
            #expect(read.commands.map(\.0).sorted() == printed.sorted(), "Taskfile.yml:\n\(text)task t0 -- \(arguments)")
        }
        #expect(compared.value >= 50, "go-task accepted \(compared.value) of 60 generated Taskfiles")
    }
}

/// A count shared with property-check bodies, which may run concurrently.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
