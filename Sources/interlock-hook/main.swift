import Foundation
import InterlockDoors
import InterlockIntegrations

// `interlock-hook claude|kiro|cursor [options]` is `interlock hook claude|kiro|cursor [options]` in a program that
// holds only the hook: hosts start it on every tool call, and a small program, linked statically,
// starts in about half the time (README, "Benchmarks"). Decisions through a gateway (`--server`,
// INTERLOCK_SERVER, a client config) are left to `interlock` beside it, which has the HTTP client.

let usage = "usage: interlock-hook claude|kiro|cursor [--agent NAME] [--launched-by NAME] [--task ID] [--env NAME] [--deadline SECONDS] "
    + "[--policy FILE] [--home DIR] [--server URL] [--token TOKEN] [--token-file FILE] [--config FILE]"
let arguments = Array(CommandLine.arguments.dropFirst())

// Hosts run the call on any exit but 0 and 2, and exit 0 is "go ahead": a command line that
// asks for help, or cannot be read, blocks, with the usage in its one line.
if arguments.contains("--help") || arguments.contains("-h") {
    FailClosed.Deadline.emit(.failClosed("interlock-hook answers hosts only (\(usage))"))
}
guard let (host, parsed) = HookArguments.fastParse(["hook"] + arguments) else {
    FailClosed.Deadline.emit(.failClosed("interlock-hook cannot read its command line (\(usage))"))
}

// A client configuration that cannot be read counts as a gateway: `interlock` reports it, failing
// closed in the hook's own way.
let gatewayConfigured: Bool
do { gatewayConfigured = try parsed.client.resolve() != nil } catch { gatewayConfigured = true }
if gatewayConfigured {
    let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    let interlock = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("interlock").path
    let argv = ["interlock", "hook"] + arguments
    var cArgs = argv.map { strdup($0) } + [nil]
    execv(interlock, &cArgs)
    FailClosed.Deadline.emit(.failClosed("a gateway is configured, and interlock-hook leaves gateways to `interlock`, which it cannot run at \(interlock): \(String(cString: strerror(errno)))"))
}

// Not an async top level: that parks the main thread with `pthread_exit`, whose unwinding costs
// tens of milliseconds in a statically linked program. The hook runs detached and exits the process.
Task.detached { await HookRunner(arguments: parsed, host: host, transport: nil).run() }
while true { sleep(3600) }
