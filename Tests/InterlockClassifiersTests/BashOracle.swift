import Foundation
import Testing

/// Runs a script in bash itself, for tests that check the classifier against what bash does.
enum BashOracle {
    static let path: String? = ["/bin/bash", "/usr/bin/bash"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The NUL-separated fields `script` prints (the last NUL ends the last field), run from `/`
    /// without start-up files, a plain `PATH` and no standard error.
    static func fields(_ script: String) throws -> [String] {
        let data = try OracleProgram.output([try #require(path), "--norc", "--noprofile", "-c", script],
                                            environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"], directory: "/")
        var fields = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if fields.last == "" { fields.removeLast() }
        return fields
    }
}

/// A program a test asks for the truth (bash, python3, git, terraform): run with `arguments`
/// (the first is the program, a path or found on the PATH), `input` on its standard input,
/// standard error dropped.
enum OracleProgram {
    /// What it prints.
    static func output(_ arguments: [String], environment: [String: String]? = nil, directory: String? = nil, input: String? = nil) throws -> Data {
        try run(arguments, environment: environment, directory: directory, input: input).output
    }

    /// What it prints, and its exit status.
    static func run(_ arguments: [String], environment: [String: String]? = nil, directory: String? = nil, input: String? = nil) throws -> (output: Data, status: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let inputPipe = Pipe(), output = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        if let input {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
            try inputPipe.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (data, process.terminationStatus)
    }
}
