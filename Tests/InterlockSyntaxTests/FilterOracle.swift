import Foundation

/// Runs a text filter of this machine (sed, awk) on `input` given on standard input and returns
/// what it prints, or nil when it fails or runs past two seconds: the oracle tests generate
/// programs, and some loop (`:a;b a`; sed's `D` restarts a cycle without reading input, so `G;D`
/// never ends). The child is killed with SIGKILL: a process started from a test thread inherits a
/// signal mask that may block `timeout`'s alarm and the filter's SIGTERM.
func filterOutput(_ executable: String, _ arguments: [String], input: String) throws -> String? {
    _ = ignoreBrokenPipes
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C"]
    let standardInput = Pipe()
    let standardOutput = Pipe()
    process.standardInput = standardInput
    process.standardOutput = standardOutput
    process.standardError = FileHandle.nullDevice
    let ended = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in ended.signal() }
    try process.run()
    // A generated program may end without reading its input (`BEGIN { exit }`): the write then
    // fails with EPIPE, which must not kill the whole test process with SIGPIPE. (The CLI tests'
    // harness ignores SIGPIPE too, but only once one of them has run: the order is not fixed.)
    try? standardInput.fileHandleForWriting.write(contentsOf: Data(input.utf8))
    try? standardInput.fileHandleForWriting.close()
    // The input and what a finite program prints of it fit in the pipe's buffer, so the filter
    // ends without anyone reading; a looping one is killed.
    if ended.wait(timeout: .now() + 2) == .timedOut {
        kill(process.processIdentifier, SIGKILL)
        ended.wait()
        return nil
    }
    let printed = standardOutput.fileHandleForReading.readDataToEndOfFile()
    return process.terminationStatus == 0 ? String(decoding: printed, as: UTF8.self) : nil
}

/// SIGPIPE ignored for the test process, once.
let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()
