import Foundation
import InterlockClassifiers

/// The real disk, as classifiers see it: whether a path exists, and the text of small files
/// (scripts an agent is about to run). Read-only.
package struct DiskFileSystem: FileSystemView {
    package init() {}

    /// Scripts larger than this are not read; the classifier then says `unknown`.
    static let maximumScriptSize = 256 * 1024

    package func kind(of path: String) -> PathKind? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            // A dangling symlink still gets replaced by a write through it.
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil { return .file }
            return .missing
        }
        return isDirectory.boolValue ? .directory : .file
    }

    package func linkTarget(of path: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: path)
    }

    package var showsLinks: Bool { true }

    package func contents(of path: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? Int, size <= Self.maximumScriptSize,
            let data = FileManager.default.contents(atPath: path)
        else { return nil }
        return String(data: data, encoding: .utf8)
    }

    /// Directories with more names than this are not listed; the classifier then says the
    /// manifests they hold were not all read.
    static let maximumDirectoryEntries = 512

    package func entries(of directory: String) -> [String]? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory), names.count <= Self.maximumDirectoryEntries else { return nil }
        return names.sorted()
    }
}
