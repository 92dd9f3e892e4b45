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
