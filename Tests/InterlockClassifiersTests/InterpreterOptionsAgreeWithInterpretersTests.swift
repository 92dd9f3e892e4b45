import Foundation
import InterlockClassifiers
import InterlockCore
import PropertyBased
import Testing

/// Where an interpreter's command line puts its program, checked against Perl and Python
/// themselves: clusters such as `-lne`, `-MFile::Path=rmtree -e`, `-Bc`, attached code (`-e'…'`)
/// and options with values (`-W ignore`, `-I dir`). Each generated line ends in a program that
/// prints a marker and deletes a path; the interpreter runs it exactly when Interlock finds the
/// deletion. (An option read wrongly once made `python3 -v -c '…'` a read.)
@Suite(.enabled(if: InterpreterOracle.available("perl") && InterpreterOracle.available("python3")))
struct InterpreterOptionsAgreeWithInterpretersTests {
    static let doomed = "/nonexistent/interlock-oracle"

    static func agree(_ interpreter: String, _ arguments: [String]) throws {
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let line = "\(interpreter) \(quoted)"
        // One line of input, so that `-n` and `-p` run the program once.
        let ran = try BashOracle.fields("cd /tmp && \(line) <<< x 2>/dev/null").joined().contains("RAN")
        let facts = ShellClassifier(fileSystem: FixedFileSystem(files: [:], directories: ["/tmp"])).classify(commandLine: line, workingDirectory: "/tmp")
        #expect(facts.targets.contains(doomed) == ran, "\(line): the interpreter \(ran ? "ran" : "did not run") the program; Interlock found \(facts.operations)")
    }

    static let perlProgram = "print \"RAN\"; unlink(\"\(doomed)\")"
    static let pythonProgram = "print('RAN'); import os; os.remove('\(doomed)')"

    @Test func handWrittenLinesAgree() throws {
        for arguments in [["-le", Self.perlProgram], ["-MFile::Path=rmtree", "-e", Self.perlProgram], ["-e" + Self.perlProgram], ["-0777", "-ne", Self.perlProgram],
                          ["-l012e", Self.perlProgram], ["-v", "-e", Self.perlProgram], [Self.perlProgram], ["-pi", "-e", Self.perlProgram]] {
            try Self.agree("perl", arguments)
        }
        for arguments in [["-c", Self.pythonProgram], ["-c" + Self.pythonProgram], ["-Bc", Self.pythonProgram], ["-v", "-c", Self.pythonProgram], ["-W", "ignore", "-c", Self.pythonProgram],
                          ["-m", "json.tool"], [Self.pythonProgram], ["-V", "-c", Self.pythonProgram]] {
            try Self.agree("python3", arguments)
        }
    }

    @Test func generatedPerlLinesAgree() async throws {
        let option = Gen.element(of: [
            ["-w"], ["-W"], ["-X"], ["-l"], ["-l012"], ["-0777"], ["-00"], ["-Mstrict"], ["-MFile::Path=rmtree"], ["-mstrict"], ["-I", "/tmp"], ["-I/tmp"],
            ["-n"], ["-p"], ["-a"], ["-i"], ["-CSD"], ["-F,"], ["-lan"], ["-e", "1;"], ["-le", "1;"], ["-v"],
        ]).map { $0! }
        let program = Gen.element(of: [
            [Self.perlProgram], ["-e", Self.perlProgram], ["-e" + Self.perlProgram], ["-le", Self.perlProgram], ["-le" + Self.perlProgram], ["-ne", Self.perlProgram], ["-E", Self.perlProgram],
            ["-l012e", Self.perlProgram], ["-nle", Self.perlProgram], ["-Mstrict", "-e", Self.perlProgram],
        ]).map { $0! }
        await propertyCheck(count: 120, input: zip(option.array(of: 0...3), program)) { options, program in
            try Self.agree("perl", options.flatMap { $0 } + program)
        }
    }

    @Test func generatedPythonLinesAgree() async throws {
        let option = Gen.element(of: [
            ["-B"], ["-u"], ["-I"], ["-E"], ["-s"], ["-W", "ignore"], ["-Wignore"], ["-X", "dev"], ["-Xdev"], ["-O"], ["-OO"], ["-b"], ["-q"], ["-Bu"], ["-v"],
            ["-m", "json.tool"], ["-V"],
        ]).map { $0! }
        let program = Gen.element(of: [
            [Self.pythonProgram], ["-c", Self.pythonProgram], ["-c" + Self.pythonProgram], ["-Bc", Self.pythonProgram], ["-uc" + Self.pythonProgram], ["-IBc", Self.pythonProgram],
        ]).map { $0! }
        await propertyCheck(count: 120, input: zip(option.array(of: 0...3), program)) { options, program in
            try Self.agree("python3", options.flatMap { $0 } + program)
        }
    }
}

enum InterpreterOracle {
    static func available(_ name: String) -> Bool {
        ["/usr/bin/", "/bin/", "/usr/local/bin/"].contains { FileManager.default.isExecutableFile(atPath: $0 + name) }
    }
}
