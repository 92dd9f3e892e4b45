import InterlockCore
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
    /// What the symbolic link at an absolute path holds (as `readlink` gives it), or nil when the
    /// path is not a link or the view cannot tell.
    func linkTarget(of path: String) -> String?
    /// Whether the view shows symbolic links at all; one that does not is never asked.
    var showsLinks: Bool { get }
}

extension FileSystemView {
    /// Views that cannot list directories say so.
    public func entries(of directory: String) -> [String]? { nil }
    public func linkTarget(of path: String) -> String? { nil }
    public var showsLinks: Bool { false }

    /// The path the kernel reaches for an absolute `path`: each symbolic link followed where it
    /// stands, so `..` after a link climbs from where the link leads; the components past the
    /// last that exists kept as written. Nil when links loop or chain more than 40 deep (the
    /// kernel's `ELOOP`), or for a relative path.
    public func physicalPath(_ path: String) -> String? {
        guard path.hasPrefix(ascii: "/") else { return nil }
        var pending = path.split(separator: "/").reversed().map(String.init)
        var resolved: [String] = []
        var followed = 0
        while let component = pending.popLast() {
            if component == "." { continue }
            if component == ".." {
                if !resolved.isEmpty { resolved.removeLast() }
                continue
            }
            resolved.append(component)
            guard let target = linkTarget(of: "/" + resolved.joined(separator: "/")) else { continue }
            followed += 1
            guard followed <= 40 else { return nil }
            resolved.removeLast()
            if target.hasPrefix(ascii: "/") { resolved = [] }
            pending.append(contentsOf: target.split(separator: "/").reversed().map(String.init))
        }
        return "/" + resolved.joined(separator: "/")
    }

    /// `findings` with, beside each absolute path target, the path it really leads to when a
    /// symbolic link makes that another place (`rm -rf /tmp/scratch/x/` where `x` leads to
    /// `/srv/prod`): a rule or grant written for one place must not be passed through another.
    /// A pattern's fixed directory is followed (`/tmp/x/*.log` → `/srv/prod/*.log`).
    public func withPhysicalTargets(_ findings: [Finding]) -> [Finding] {
        guard showsLinks else { return findings }
        var out = findings
        for index in out.indices {
            var added: [String] = []
            for target in out[index].targets where target.hasPrefix(ascii: "/") {
                let pattern = target.firstIndex { $0 == "*" || $0 == "?" || $0 == "[" }
                let fixedEnd = pattern.map { target[..<$0].lastIndex(of: "/") ?? target.startIndex } ?? target.endIndex
                let fixed = String(target[..<fixedEnd])
                guard let physical = physicalPath(fixed.isEmpty ? "/" : fixed) else {
                    // Links that loop: where the path leads cannot be said.
                    out[index].targetsComplete = false
                    continue
                }
                let whole = physical == "/" && fixedEnd < target.endIndex ? String(target[fixedEnd...]) : physical + target[fixedEnd...]
                if whole != target, !out[index].targets.contains(whole), !added.contains(whole) { added.append(whole) }
            }
            out[index].targets += added
        }
        return out
    }
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

    /// Symbolic links: the path of each, and what it holds.
    public var links: [String: String]

    public init(files: [String: String] = [:], directories: Set<String> = [], links: [String: String] = [:]) {
        self.files = files
        self.directories = directories
        self.links = links
    }

    public func linkTarget(of path: String) -> String? { links[path] }
    public var showsLinks: Bool { !links.isEmpty }

    public func kind(of path: String) -> PathKind? {
        if files[path] != nil || links[path] != nil { return .file }
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
            if let name = path.dropFirst(prefix.count).pieces(between: "/").first { names.insert(String(name)) }
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
        if path.hasPrefix(ascii: "/") { return normalize(path) }
        guard let base, base.hasPrefix(ascii: "/") else { return path }
        return normalize(base + "/" + path)
    }

    static func normalize(_ path: String) -> String {
        guard path.hasPrefix(ascii: "/") else { return path }
        // Most paths are already normal; only `//`, `/.` and a trailing `/` need the full walk.
        func isNormal(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            var previousWasSlash = false
            for byte in bytes {
                if previousWasSlash && (byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".")) { return false }
                previousWasSlash = byte == UInt8(ascii: "/")
            }
            return !(previousWasSlash && bytes.count > 1)
        }
        if path.utf8.withContiguousStorageIfAvailable(isNormal) ?? Array(path.utf8).withUnsafeBufferPointer(isNormal) { return path }
        // Bytes, not characters: `/` and `.` are ASCII, and splitting a String by Character
        // costs a grapheme walk per byte.
        let dot = UInt8(ascii: "."), slash = UInt8(ascii: "/")
        var parts: [Substring.UTF8View] = []
        for part in path.utf8.split(separator: slash) {
            if part.count == 1 && part.first == dot { continue }
            if part.count == 2 && part.first == dot && part.last == dot {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        var normal: [UInt8] = []
        normal.reserveCapacity(path.utf8.count)
        for part in parts {
            normal.append(slash)
            normal.append(contentsOf: part)
        }
        return normal.isEmpty ? "/" : String(decoding: normal, as: UTF8.self)
    }

    /// The directory holding an absolute path: `/a/b` → `/a`, `/a` → `/`.
    static func dirname(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    static func basename(_ path: String) -> String {
        let trimmed = path.utf8.last == UInt8(ascii: "/") && path.utf8.count > 1 ? String(path.dropLast()) : path
        return trimmed.pieces(between: "/").last.map(String.init) ?? trimmed
    }
}


/// The disk as a command line will have left it for its next command: files the line wrote with
/// text it fixes read as that text; files it changed otherwise, and everything below a changed
/// directory, cannot be read (so what reads them is unknown), and a directory holding either
/// cannot be listed. What the line has not touched is the disk's.
struct LineFileSystem: FileSystemView {
    let disk: any FileSystemView
    let written: [(path: String, file: ShellAnalysis.WrittenFile)]
    /// Symbolic links the line made (`ln -s`), latest last.
    var links: [(path: String, target: String)] = []

    func linkTarget(of path: String) -> String? {
        if let made = links.last(where: { $0.path == path }) { return made.target }
        // A path the line changed otherwise may be a link now, to anywhere: not the disk's.
        if Self.entry(path, in: written) != nil { return nil }
        return disk.linkTarget(of: path)
    }

    var showsLinks: Bool { !links.isEmpty || disk.showsLinks }

    /// The latest entry for `path`, or `.changed` when a directory above it was changed later.
    static func entry(_ path: String, in written: [(path: String, file: ShellAnalysis.WrittenFile)]) -> ShellAnalysis.WrittenFile? {
        for (writtenPath, file) in written.reversed() {
            if writtenPath == path { return file }
            if case .changed = file, writtenPath == "/" || path.hasPrefix(writtenPath) && path.utf8.dropFirst(writtenPath.utf8.count).first == UInt8(ascii: "/") {
                return .changed
            }
        }
        return nil
    }

    func kind(of path: String) -> PathKind? {
        if case .text? = Self.entry(path, in: written) { return .file }
        return disk.kind(of: path)
    }

    func contents(of path: String) -> String? {
        switch Self.entry(path, in: written) {
        case .text(let text)?: return text
        case .changed?: return nil
        case nil: return disk.contents(of: path)
        }
    }

    func entries(of directory: String) -> [String]? {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        if Self.entry(directory, in: written) != nil || written.contains(where: { $0.path.hasPrefix(prefix) }) { return nil }
        return disk.entries(of: directory)
    }
}
