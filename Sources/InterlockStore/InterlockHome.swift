import Foundation
import InterlockCore

/// The directory that holds a deployment's state: the SQLite store, the audit signing key and the
/// exported checkpoints. `interlock serve`, the hooks, the proxies and `interlock audit` all find
/// it the same way, so `interlock audit verify` with no arguments checks the log they write.
///
/// Resolution: `--home`, else `INTERLOCK_HOME`, else `$XDG_STATE_HOME/interlock`, else
/// `~/.local/state/interlock`.
public struct InterlockHome: Sendable, Hashable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public static func resolve(explicit: String? = nil, environment: [String: String] = resolutionEnvironment) -> InterlockHome {
        if let explicit, !explicit.isEmpty { return InterlockHome(directory: URL(fileURLWithPath: explicit)) }
        if let home = environment["INTERLOCK_HOME"], !home.isEmpty { return InterlockHome(directory: URL(fileURLWithPath: home)) }
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty {
            return InterlockHome(directory: URL(fileURLWithPath: state).appendingPathComponent("interlock"))
        }
        let user = environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        return InterlockHome(directory: user.appendingPathComponent(".local/state/interlock"))
    }

    /// The variables `resolve` reads, and only those, from this process's environment: copying the
    /// whole environment (`ProcessInfo.processInfo.environment`) costs a hook, which starts on
    /// every tool call, more than the resolution itself.
    public static var resolutionEnvironment: [String: String] {
        var variables: [String: String] = [:]
        for name in ["INTERLOCK_HOME", "XDG_STATE_HOME", "HOME"] {
            if let value = getenv(name) { variables[name] = String(cString: value) }
        }
        return variables
    }

    public var databasePath: String { directory.appendingPathComponent("interlock.sqlite").path }
    public var keysDirectory: URL { directory.appendingPathComponent("keys") }
    public var checkpointsDirectory: URL { directory.appendingPathComponent("checkpoints") }
    public var signingKeyPath: String { keysDirectory.appendingPathComponent("audit-signing.key").path }
    public var verifierKeyPath: String { keysDirectory.appendingPathComponent("audit-signing.pub").path }

    /// Creates the directory tree, private to its owner.
    public func prepare() throws {
        let manager = FileManager.default
        for directory in [directory, keysDirectory, checkpointsDirectory] {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }
}

public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A fresh identifier: `prefix` and 12 random hex digits (48 bits; names, not secrets).
public func randomIdentifier(prefix: String) -> String {
    prefix + Hex.encode((0..<6).map { _ in UInt8.random(in: 0...255) })
}
