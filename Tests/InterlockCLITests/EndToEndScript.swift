import Foundation
import InterlockCore
import Testing

/// The Python scenario scripts in `Tests/EndToEnd/` (they print one JSON line per step; see
/// `scenario_steps.py`).
enum EndToEndScript {
    static func path(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("EndToEnd/\(name)").path
    }

    /// Runs a script with this process's environment plus `environment`, and returns its output.
    /// The test fails unless the script exits 0 with `done` as its last step.
    @discardableResult
    static func run(python: String, _ script: String, arguments: [String] = [], environment: [String: String], label: String = "") throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [path(script)] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { old, _ in old }) { _, new in new }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(label.isEmpty ? script : label):\n\(stdout)\n\(stderr.suffix(3000))")
        let steps = stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        #expect(steps.last?["step"] == "done", "\(stdout)")
        return stdout
    }
}

/// An `interlock` proxy started with `--listen 127.0.0.1:0`: its first line says where it listens.
/// Stopped with SIGKILL when released (the test is done with it).
final class ListeningProxy {
    let process = Process()
    let url: String

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = InterlockBinary.url
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["INTERLOCK_POLICY"] = nil
        env["SWIFT_BACKTRACE"] = "enable=no"
        for (name, value) in environment { env[name] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        var first = ""
        while !first.contains("\n") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            first += String(decoding: chunk, as: UTF8.self)
        }
        guard let url = first.split(separator: "\n").first?.split(separator: " ").last.map(String.init), url.hasPrefix("http") else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let reason = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw HarnessError("the proxy did not say where it listens: \(first) \(reason)")
        }
        self.url = url
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
