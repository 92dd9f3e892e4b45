import ArgumentParser
import Foundation
import InterlockDoors
import InterlockIntegrations

extension InterlockCommand {
    /// Parses and runs a command line, mapping every error to one line on stderr and a documented
    /// exit code. Never returns.
    public static func run(arguments: [String]) async -> Never {
        if arguments.first == "hook" { await runHook(arguments: arguments) }
        let status: ExitCode
        do {
            try await parseAndRun(arguments)
            status = .success
        } catch let code as ExitCode {
            status = code
        } catch let error as InvalidInput {
            if error.diagnostics.isEmpty {
                printError(error.description)
            } else {
                FileHandle.standardError.write(Data(error.diagnostics.map { $0 + "\n" }.joined().utf8))
            }
            status = ExitStatus.invalid
        } catch let error as OperationalFailure {
            printError(error.description)
            status = ExitStatus.failure
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help, --version
                print(fullMessage(for: error))
                status = .success
            } else if code == .validationFailure {
                printError(message(for: error))
                status = ExitStatus.invalid
            } else {
                printError(message(for: error))
                status = ExitStatus.failure
            }
        }
        Foundation.exit(status.rawValue)
    }

    /// A hook host runs the call on any exit but 0 and 2, so a hook whose command line cannot even
    /// be parsed blocks, in the hooks' one-line form. (A parsed hook never returns from `run`.)
    static func runHook(arguments: [String]) async -> Never {
        // Help exits 0, which hosts read as "go ahead": a hook command line that asks for it blocks.
        if arguments.count >= 2, HookInstaller.Host(rawValue: arguments[1]) != nil, arguments.contains(where: { $0 == "--help" || $0 == "-h" }) {
            FailClosed.Deadline.emit(.failClosed("`interlock hook \(arguments[1])` was asked for help, which a hook never is; `interlock help hook \(arguments[1])` prints it"))
        }
        if let (host, parsed) = HookArguments.fastParse(arguments) {
            await HookRunner(arguments: parsed, host: host, transport: GatewayClient.transport).run()
        }
        do {
            try await parseAndRun(arguments)
            Foundation.exit(0)
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FailClosed.Deadline.emit(.failClosed(message(for: error)))
        }
    }

    private static func parseAndRun(_ arguments: [String]) async throws {
        var command = try parseAsRoot(arguments)
        if var asynchronous = command as? any AsyncParsableCommand {
            try await asynchronous.run()
        } else {
            try command.run()
        }
    }
}

func printError(_ message: String) {
    let line = message.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? message
    FileHandle.standardError.write(Data("interlock: \(line)\n".utf8))
}
