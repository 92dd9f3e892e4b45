import Foundation
import Testing

/// Runs a script in bash itself, for tests that check the classifier against what bash does.
enum BashOracle {
    static let path: String? = ["/bin/bash", "/usr/bin/bash"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The NUL-separated fields `script` prints (the last NUL ends the last field), run from `/`
    /// without start-up files, a plain `PATH` and no standard error.
    static func fields(_ script: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(path))
        process.arguments = ["--norc", "--noprofile", "-c", script]
        process.environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"]
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var fields = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if fields.last == "" { fields.removeLast() }
        return fields
    }
}
