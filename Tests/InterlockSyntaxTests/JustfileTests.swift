import Foundation
import InterlockSyntax
import PropertyBased
import Testing

/// Where `.ci/run` installs the real `just` and `task` (PyPI's `rust-just` and `go-task-bin`).
let taskRunnersVenv = ProcessInfo.processInfo.environment["INTERLOCK_TASK_RUNNERS_VENV"]

/// The justfile reader: the command lines `just RECIPE` runs, checked against just's own dry run.
@Suite struct JustfileTests {
    @Test func recipesDependenciesAndValues() {
        let file = Justfile("""
            set dotenv-load
            env := "staging"
            stack := "shop-" + env
            rev := `git rev-parse HEAD`

            default: build

            build:
                go build ./...

            # tears everything down
            nuke target=env: clean && notify
                aws cloudformation delete-stack --stack-name shop-{{target}}
                @echo {{stack}} {{{{literal}}

            clean:
                -rm -rf dist

            notify:
                curl -X POST https://hooks.example.com/x

            deploy *flags: build
                ./deploy.sh {{flags}} \\
                  --rev {{rev}}

            alias n := nuke
            """)
        #expect(file.defaultRecipe == "default")
        // The backquoted command runs when any recipe does; its output is not known here.
        let nuke = file.commands(for: "nuke", arguments: [])
        #expect(nuke.commands == ["git rev-parse HEAD", "rm -rf dist", "aws cloudformation delete-stack --stack-name shop-staging", "echo shop-staging {{literal}}",
                                  "curl -X POST https://hooks.example.com/x"])
        #expect(nuke.complete)
        #expect(file.commands(for: "n", arguments: ["prod"]).commands.contains("aws cloudformation delete-stack --stack-name shop-prod"))
        // A command-line override, before the assignments that use it.
        #expect(file.commands(for: "nuke", arguments: [], overrides: ["env": "prod"]).commands.contains("echo shop-prod {{literal}}"))
        // A value not known here becomes a command substitution: a shell reads the line as computed.
        #expect(file.commands(for: "deploy", arguments: ["--force"]).commands.last == "./deploy.sh --force --rev \(Justfile.unknownValue)")
        #expect(file.commands(for: "nuke", arguments: [nil]).commands.contains("aws cloudformation delete-stack --stack-name shop-\(Justfile.unknownValue)"))
        // Not found, or beyond what is read: incomplete.
        #expect(!file.commands(for: "missing", arguments: []).complete)
        #expect(!Justfile("import 'other.just'\nx:\n    echo hi\n").commands(for: "x", arguments: []).complete)
        #expect(!Justfile("x:\n    #!/usr/bin/env python3\n    print(1)\n").commands(for: "x", arguments: []).complete)
        #expect(Justfile("x:\n    #!/usr/bin/env bash\n    set -e\n    dropdb shop\n").commands(for: "x", arguments: []).commands == ["set -e\ndropdb shop"])
    }

    /// Any text at all reads without a fault and within bounds: justfiles come from the disk the
    /// agent writes to.
    @Test func anyTextReadsWithinBounds() async {
        let pieces = Gen.element(of: ["{{", "}}", ":", ":=", "=", "+", "/", "\"", "'", "`", "(", ")", "&&", "\n", "    ", "\t", "@", "-", "*", "a", "b", "x",
                                      " ", "alias ", "set ", "export ", "[private]", "#!", "\\\n", "é", "\r"]).map { $0! }
        await propertyCheck(count: 400, input: pieces.array(of: 0...120).map { $0.joined() }) { text in
            let file = Justfile(text)
            for recipe in file.recipeOrder.prefix(3) + [file.defaultRecipe ?? "x"] {
                let (commands, _) = file.commands(for: recipe, arguments: [nil, "v"])
                #expect(commands.count <= 4096)
            }
        }
    }

    /// Runs `just --dry-run` on `text` for `recipe`; the lines it would run, or nil when just refuses.
    static func justDryRun(_ text: String, recipe: [String]) throws -> [String]? {
        guard let venv = taskRunnersVenv else { throw OracleMissing() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("interlock-just-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(text.utf8).write(to: directory.appendingPathComponent("justfile"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: venv + "/bin/just")
        process.arguments = ["--dry-run", "--color", "never", "--justfile", directory.appendingPathComponent("justfile").path, "--working-directory", directory.path] + recipe
        process.environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C", "HOME": directory.path]
        let output = Pipe()
        process.standardError = output
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: printed, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    struct OracleMissing: Error, CustomStringConvertible {
        var description: String { "INTERLOCK_TASK_RUNNERS_VENV must name the virtual environment with rust-just and go-task-bin (.ci/run makes it)" }
    }

    @Test(.enabled(if: taskRunnersVenv != nil || ProcessInfo.processInfo.environment["CI"] == "true"))
    func theOracleReallyRunsJust() throws {
        #expect(try Self.justDryRun("A := \"1\"\nx: y\n    echo {{A}}\ny:\n    @echo first\n", recipe: ["x"]) == ["echo first", "echo 1"])
    }

    /// Generated justfiles: assignments of each form, recipes with defaulted parameters whose
    /// dependencies form a chain (some given arguments), body lines with prefixes and
    /// interpolations. What just's dry run prints is what the reader says just runs.
    @Test(.enabled(if: taskRunnersVenv != nil || ProcessInfo.processInfo.environment["CI"] == "true"))
    func whatJustRunsTheReaderSays() async throws {
        // Each variable in one of two forms: literals of each quoting, concatenation, path joins.
        let forms = [
            ("A := \"one\"", "A := 'one'"), ("B := A + \"-b\"", "B := \"x\" + A"), ("C := \"c\" / A", "C := A / \"c\" / \"d\""),
            ("export D := \"d\"", "D := \"d\" + \"\""), ("E := 'e e'", "E := B + ' ' + C"), ("F := '''triple'''", "F := \"f\" + '''g'''"),
        ]
        let line = Gen.element(of: [
            "echo {{A}}", "@echo {{B}} {{p}}", "-echo {{C}}", "echo {{{{ literal }}", "echo '{{q}}'", "echo plain", "@-echo {{D}}{{E}}", "echo {{ p + A }}",
            "echo {{F}}",
        ]).map { $0! }
        let recipe = zip(Gen.int(in: 0...2), Gen.bool, line.array(of: 1...3))
        let text = zip(Gen.bool.array(of: forms.count...forms.count), recipe.array(of: 1...4)).map { choices, recipes in
            var lines = zip(forms, choices).map { form, second in second ? form.1 : form.0 }
            for (index, (dependencies, passes, body)) in recipes.enumerated() {
                let later = (index + 1..<min(index + 1 + dependencies, recipes.count)).map { passes ? "(t\($0) \"v\($0)\")" : "t\($0)" }
                lines.append("t\(index) p=\"d\(index)\" q=A: " + later.joined(separator: " "))
                lines += body.map { "    " + $0 }
                lines.append("")
            }
            return lines.joined(separator: "\n") + "\n"
        }
        let invocation = Gen.element(of: [["t0"], ["t0", "given"], ["t0", "x y", "z"]]).map { $0! }
        let compared = Counter()
        await propertyCheck(count: 120, input: zip(text, invocation)) { text, invocation in
            guard let printed = try Self.justDryRun(text, recipe: invocation) else { return }
            compared.add()
            let read = Justfile(text).commands(for: "t0", arguments: invocation.dropFirst().map { $0 })
            #expect(read.complete)
            #expect(read.commands == printed, "justfile:\n\(text)\njust \(invocation.joined(separator: " "))")
        }
        // Most generated files are ones just accepts: the comparison is not vacuous.
        #expect(compared.value >= 100, "just accepted \(compared.value) of 120 generated justfiles")
    }
}

/// A count shared with property-check bodies, which may run concurrently.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
