import Foundation

/// One environment variable, read with `getenv`. `ProcessInfo.processInfo.environment` copies
/// every variable into a new dictionary on each call, and a hook, which starts on every tool call,
/// asked for it half a dozen times.
package func environmentVariable(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
}
