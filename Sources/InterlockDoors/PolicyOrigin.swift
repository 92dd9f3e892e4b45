import Foundation
import InterlockClassifiers
import InterlockPolicy
import InterlockStore

/// Where the policy comes from: `--policy FILE`, else `INTERLOCK_POLICY`, else the built-in policy.
package struct PolicyOrigin: Sendable {
    package var path: String?

    package init(path: String? = nil) {
        self.path = path
    }

    package var resolvedPath: String? {
        if let path { return path }
        if let env = environmentVariable("INTERLOCK_POLICY"), !env.isEmpty { return env }
        return nil
    }

    /// The file the policy is read from; nil for the built-in policy and for standard input,
    /// which cannot be read again or changed under the process.
    package var file: String? {
        guard let path = resolvedPath, path != BuiltinPolicy.name, path != "-" else { return nil }
        return path
    }

    /// Loads the policy, printing warnings to stderr. Invalid policies throw `InvalidInput` with
    /// every error, one per line.
    package func load() throws -> Policy {
        guard let path = resolvedPath, path != BuiltinPolicy.name else { return BuiltinPolicy.policy }
        return try loadPolicy(path: path)
    }

    /// The policy with the text it was parsed from and where that came from, for the audit record:
    /// the hash recorded is of the very text that decided.
    package func loadWithSource() throws -> (policy: Policy, text: String, source: String) {
        guard let path = resolvedPath, path != BuiltinPolicy.name else { return (BuiltinPolicy.policy, BuiltinPolicy.text, BuiltinPolicy.name) }
        let text = try readText(path)
        return (try parsePolicy(text: text, file: path), text, path)
    }
}

package func readText(_ path: String) throws -> String {
    if path == "-" {
        return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw OperationalFailure("cannot read `\(path)`")
    }
    guard let text = String(data: data, encoding: .utf8) else {
        throw InvalidInput("`\(path)` is not UTF-8 text")
    }
    return text
}

package func loadPolicy(path: String) throws -> Policy {
    try parsePolicy(text: try readText(path), file: path)
}

package func parsePolicy(text: String, file path: String) throws -> Policy {
    do {
        let (policy, diagnostics) = try PolicyLoader.load(text: text, file: path)
        for warning in diagnostics where warning.severity == .warning {
            FileHandle.standardError.write(Data("\(warning)\n".utf8))
        }
        return policy
    } catch {
        throw InvalidInput(diagnostics: error.errors.map(\.description))
    }
}

/// Interlock's home, the policy file in force, the client settings and this program, as the
/// classifiers should know them: an agent changing any of them is acting on Interlock itself
/// (`GuardedPaths`).
package func guardedPaths(home: String?, policy: PolicyOrigin, client: ClientSettings = ClientSettings()) -> GuardedPaths {
    let directory = InterlockHome.resolve(explicit: home).directory.standardizedFileURL.path
    let policyFile = policy.file.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
    let settings = URL(fileURLWithPath: client.configPath().path).standardizedFileURL.path
    return GuardedPaths(interlockHome: directory, policyFile: policyFile, interlockFiles: [settings] + interlockExecutables())
}

/// This program and its siblings, as a host would run them: `interlock-hook` hands calls for a
/// gateway to the `interlock` beside it, and a host's hook command names one or the other by
/// the path `install` wrote, or through a symbolic link to it.
package func interlockExecutables() -> [String] {
    var programs: [String] = []
    func addWithSiblings(_ path: String) {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let folder = url.deletingLastPathComponent()
        for candidate in [url.path, folder.appendingPathComponent("interlock").path, folder.appendingPathComponent("interlock-hook").path]
        where !programs.contains(candidate) {
            programs.append(candidate)
        }
    }
    if let invoked = CommandLine.arguments.first, invoked.hasPrefix("/") { addWithSiblings(invoked) }
    if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { addWithSiblings(resolved) }
    return programs
}
