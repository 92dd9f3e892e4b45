import Foundation
import InterlockSyntax
import PropertyBased
import Testing

/// The Makefile reader: the command lines make runs for a target, checked against GNU make's
/// own dry run.
@Suite struct MakefileTests {
    @Test func recipesOfATargetAndItsPrerequisites() {
        let makefile = Makefile("""
            ENV ?= prod
            STACK = shop-$(ENV)
            .PHONY: all clean reset
            # the first real target is the default
            all: build

            build:
            \tgo build ./...

            clean:
            \t@rm -rf dist \\
            \t  build

            reset: clean
            \t-aws cloudformation delete-stack --stack-name $(STACK)
            \t$(MAKE) all
            nuke: ; terraform destroy -auto-approve
            """)
        #expect(makefile.defaultTarget == "all")
        #expect(makefile.commandLines(for: "all") == ["go build ./..."])
        #expect(makefile.commandLines(for: "reset") == ["rm -rf dist build", "aws cloudformation delete-stack --stack-name shop-prod", "make all"])
        #expect(makefile.commandLines(for: "nuke") == ["terraform destroy -auto-approve"])
        #expect(makefile.commandLines(for: "missing") == [])
        #expect(!makefile.usesUnreadFeatures)
        // A variable given on make's command line wins over the file's.
        #expect(Makefile("ENV = prod\nx:\n\techo $(ENV) ${ENV} $$HOME $@", commandLineVariables: ["ENV": "dev"]).commandLines(for: "x") == ["echo dev dev $HOME x"])
    }

    @Test func whatIsNotEvaluatedIsSaidAndLeftAsWritten() {
        #expect(Makefile("ifeq ($(X),1)\nA = 1\nendif\n").usesUnreadFeatures)
        #expect(Makefile("include other.mk\n").usesUnreadFeatures)
        #expect(Makefile("%.o: %.c\n\tcc -c $<\n").usesUnreadFeatures)
        let defined = Makefile("define RECIPE\nrm -rf /\nendef\nx:\n\techo ok\n")
        #expect(defined.usesUnreadFeatures)
        #expect(defined.commandLines(for: "x") == ["echo ok"])
        // A function or a variable from the environment stays a reference, which a shell reads
        // as a command substitution; stored by `:=`, it is not expanded again later.
        #expect(Makefile("B := $(A)/x\nA = 1\nt:\n\trm -rf $(B)\n").commandLines(for: "t") == ["rm -rf $(A)/x"])
        #expect(Makefile("x:\n\trm -rf $(shell pwd)/$(BUILD_DIR)\n").commandLines(for: "x") == ["rm -rf $(shell pwd)/$(BUILD_DIR)"])
        // A target-specific variable is not a rule's prerequisite.
        #expect(Makefile("x: A = 1\nx:\n\techo hi\n").commandLines(for: "x") == ["echo hi"])
    }

    /// Variables that double at every level, and a file of doubling `:=` lines, are read within
    /// bounds and said to be cut short, rather than grown without end.
    @Test func expansionsAreBounded() {
        let levels = (0..<40).map { "V\($0) = $(V\($0 + 1))$(V\($0 + 1))" }.joined(separator: "\n")
        let doubling = Makefile(levels + "\nV40 = rm -rf /srv\nt:\n\techo $(V0)\n").recipes(for: "t")
        #expect(!doubling.complete)
        #expect(doubling.lines.map(\.utf8.count).reduce(0, +) <= Makefile.expandedTextLimit + 64 * 1024)
        let simple = Makefile("A := x\n" + String(repeating: "A := $(A)$(A)\n", count: 60) + "t:\n\techo $(A)\n")
        #expect(simple.expansionsCutShort)
        #expect(!simple.recipes(for: "t").complete)
        let appends = Makefile(String(repeating: "A += word\n", count: 20_000) + "t:\n\techo $(A)\n").recipes(for: "t")
        #expect(appends.complete)
        #expect(appends.lines.first?.utf8.count == 5 + 20_000 * 5 - 1)
    }

    /// Any text at all reads without a fault, and its recipes stay within the bounds: Makefiles
    /// come from the disk the agent writes to.
    @Test func anyTextReadsWithinBounds() async {
        let pieces = Gen.element(of: ["$", "(", ")", "{", "}", ":", "=", ":=", "+=", "?=", "\t", "\n", "\\\n", ";", "#", "@", "-", "+", "A", "B", "t",
                                      " ", "$(A)", "${B}", "$$", "$@", "$<", "$^", "define", "endef", "override ", "é", "\r"]).map { $0! }
        await propertyCheck(count: 400, input: pieces.array(of: 0...120).map { $0.joined() }) { text in
            let makefile = Makefile(text)
            for target in Array(makefile.rules.keys.prefix(3)) + [makefile.defaultTarget ?? "t"] {
                let (lines, _) = makefile.recipes(for: target)
                #expect(lines.count <= 256)
                #expect(lines.map(\.utf8.count).reduce(0, +) <= Makefile.expandedTextLimit + 64 * 1024)
            }
        }
    }

    /// Runs GNU make's dry run (`make -n`) of `text` for `target` in a new directory, without
    /// the lines make adds about directories; nil when make fails.
    static func makeDryRun(_ text: String, target: String) throws -> [String]? {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("interlock-make-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(text.utf8).write(to: directory.appendingPathComponent("Makefile"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/make")
        process.arguments = ["-n", "--no-print-directory", "-C", directory.path, target]
        process.environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        // Less make's own messages (`make: Nothing to be done for 't0'.`).
        return String(decoding: printed, as: UTF8.self).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("make: ") }
    }

    @Test func theOracleReallyRunsMake() throws {
        #expect(try Self.makeDryRun("A = 1\nx: y\n\techo $(A) $@\ny:\n\t@echo first\n", target: "x") == ["echo first", "echo 1 x"])
    }

    /// Generated Makefiles: variables of every flavour, rules whose prerequisites form a chain,
    /// recipes with prefixes and automatic variables. What make's dry run prints is what the
    /// reader says make runs. (A `+` line runs even in a dry run, so its command prints nothing.)
    @Test func whatMakeRunsTheReaderSays() async throws {
        let assignment = Gen.element(of: [
            "A = one", "A := two", "A ?= three", "A += four", "B = $(A)b", "B := $(A)c", "B += $(A)", "export C = $(B)/x", "override A = five",
        ]).map { $0! }
        let command = Gen.element(of: [
            "echo $(A)", "@echo $(B) $@", "-rm -f $(C)", "echo $$HOME $<", "+: $^", "echo ${A}-${B}", "@-echo quiet", "echo '$(A)'",
        ]).map { $0! }
        let rule = zip(Gen.int(in: 0...2), command.array(of: 0...3))
        // Every variable is set before it is used: one make has never seen is empty to make, while
        // the reader leaves its reference as written, for a shell to see as computed.
        let first = Gen.element(of: ["A = one", "A := two", "A ?= three", "override A = five"]).map { $0! }
        let text = zip(first, assignment.array(of: 0...5), rule.array(of: 1...4), Gen.bool).map { first, assignments, rules, inline in
            var lines = [first, "B = b0", "C := c0"] + assignments
            // Targets t0…tN; each may depend on the next ones, so there is no cycle.
            for (index, (dependencies, commands)) in rules.enumerated() {
                let prerequisites = (index + 1..<min(index + 1 + dependencies, rules.count)).map { "t\($0)" }.joined(separator: " ")
                if inline, let first = commands.first, !first.hasPrefix("@"), !first.hasPrefix("-"), !first.hasPrefix("+") {
                    lines.append("t\(index): \(prerequisites) ; \(first)")
                    lines += commands.dropFirst().map { "\t" + $0 }
                } else {
                    lines.append("t\(index): \(prerequisites)")
                    lines += commands.map { "\t" + $0 }
                }
            }
            return lines.joined(separator: "\n") + "\n"
        }
        await propertyCheck(count: 150, input: text) { text in
            guard let printed = try Self.makeDryRun(text, target: "t0") else { return }
            let read = Makefile(text).commandLines(for: "t0")
            #expect(read == printed, "Makefile:\n\(text)")
        }
    }
}
