import Foundation

/// Runs the real `interlock` binary built next to the test bundle.
struct InterlockBinary {
    static let url: URL = {
        if let explicit = ProcessInfo.processInfo.environment["INTERLOCK_BINARY"] {
            return URL(fileURLWithPath: explicit)
        }
        // The test bundle lives in the build products directory beside the executable.
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("interlock")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug/interlock")
    }()

    /// `interlock-hook`: INTERLOCK_HOOK_BINARY (CI points it at the statically linked build), else
    /// the one built beside `interlock`.
    static var hookURL: URL {
        if let explicit = ProcessInfo.processInfo.environment["INTERLOCK_HOOK_BINARY"] { return URL(fileURLWithPath: explicit) }
        return url.deletingLastPathComponent().appendingPathComponent("interlock-hook")
    }

    static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], executable: URL = url) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["INTERLOCK_POLICY"] = nil
        env["INTERLOCK_ENV"] = nil
        env["SWIFT_BACKTRACE"] = "enable=no"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        // A program may exit before reading its input (a command line it refuses): writing then
        // fails with EPIPE, which must not kill the test process with SIGPIPE.
        _ = ignoreBrokenPipes
        try process.run()
        if let stdin { try? input.fileHandleForWriting.write(contentsOf: Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A temporary directory removed when the test ends.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("interlock-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = url.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
