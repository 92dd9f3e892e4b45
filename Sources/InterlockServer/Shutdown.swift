import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// How the servers stop on SIGTERM or SIGINT: they stop accepting connections at once and give
/// requests in flight this long to finish; what is still running then is cancelled. Without a
/// bound, one call waiting on a hung upstream (the AWS proxy allows five minutes) or a long-poll
/// would hold a restart until the service manager kills the process.
public enum Shutdown {
    public static let graceSeconds = 10

    public static func runUntilSignalled(_ app: some ApplicationProtocol & Service, logger: Logger) async throws {
        var configuration = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(graceSeconds)
        try await ServiceGroup(configuration: configuration).run()
    }
}
