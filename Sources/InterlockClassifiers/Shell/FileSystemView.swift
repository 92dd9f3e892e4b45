/// What a classifier may learn about files, without doing I/O itself.
///
/// Some facts depend on the disk: `> out.txt` destroys data only if `out.txt` exists, and
/// `./cleanup.sh` does whatever the file says. The edges hand classifiers a view of the real disk;
/// tests hand them a fixed one; a view that knows nothing makes those cases `unknown`, never milder.
public protocol FileSystemView: Sendable {
    /// What is at an absolute path, or nil when the view cannot tell.
    func kind(of path: String) -> PathKind?
    /// The text of the file at an absolute path, or nil when it is missing, unreadable, not text or too large.
    func contents(of path: String) -> String?
    /// The names in the directory at an absolute path, sorted; nil when the view cannot list it
    /// (or it holds more names than a classifier should look through).
    func entries(of directory: String) -> [String]?
}

extension FileSystemView {
    /// Views that cannot list directories say so.
    public func entries(of directory: String) -> [String]? { nil }
}

public enum PathKind: String, Sendable, Hashable {
    case file, directory, missing
}

/// A view that knows nothing: every question about the disk is answered "cannot tell".
public struct OpaqueFileSystem: FileSystemView {
    public init() {}
    public func kind(of path: String) -> PathKind? { nil }
    public func contents(of path: String) -> String? { nil }
}

/// A fixed view for tests and corpora: the listed files and directories exist, everything else is missing.
public struct FixedFileSystem: FileSystemView {
    public var files: [String: String]
    public var directories: Set<String>

    public init(files: [String: String] = [:], directories: Set<String> = []) {
        self.files = files
        self.directories = directories
    }

    public func kind(of path: String) -> PathKind? {
        if files[path] != nil { return .file }
        if directories.contains(path) || path == "/" { return .directory }
        return .missing
    }

    public func contents(of path: String) -> String? { files[path] }

    public func entries(of directory: String) -> [String]? {
        guard kind(of: directory) == .directory else { return nil }
        let prefix = directory == "/" ? "/" : directory + "/"
        var names: Set<String> = []
        for path in Array(files.keys) + Array(directories) where path.hasPrefix(prefix) {
            // The first component below the directory: a file in it, or a directory in it.
            if let name = path.dropFirst(prefix.count).split(separator: "/").first { names.insert(String(name)) }
        }
        return names.sorted()
    }
}

/// Lexical path arithmetic: joins and removes `.` and `..` without touching the disk.
enum Paths {
    /// `$HOME/x` or `${HOME}/x` spelled `~/x`, the one spelling of the home directory a pure
    /// classifier can compare (it does not know what `$HOME` holds); nil for other paths.
    static func tildeSpelling(_ path: String) -> String? {
        for variable in ["${HOME}", "$HOME"] where path == variable || path.hasPrefix(variable + "/") {
            return "~" + path.dropFirst(variable.utf8.count)
        }
        return nil
    }

    static func join(_ base: String?, _ path: String) -> String {
        if path.hasPrefix("/") { return normalize(path) }
        guard let base, base.hasPrefix("/") else { return path }
        return normalize(base + "/" + path)
    }

    static func normalize(_ path: String) -> String {
        guard path.hasPrefix("/") else { return path }
        // Most paths are already normal; only `//`, `/.` and a trailing `/` need the full walk.
        var previousWasSlash = false
        var needsWork = false
        for byte in path.utf8 {
            if previousWasSlash && (byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".")) {
                needsWork = true
                break
            }
            previousWasSlash = byte == UInt8(ascii: "/")
        }
        if !needsWork && !(previousWasSlash && path.utf8.count > 1) { return path }
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The directory holding an absolute path: `/a/b` → `/a`, `/a` → `/`.
    static func dirname(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    static func basename(_ path: String) -> String {
        let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        return trimmed.split(separator: "/").last.map(String.init) ?? trimmed
    }
}
