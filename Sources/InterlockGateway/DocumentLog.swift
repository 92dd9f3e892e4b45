import InterlockClassifiers
import InterlockCore
import Synchronization

/// The files (and directory listings) one decision's classification read, with the digests of
/// what they held, for `Classification.documents`: an approval binds to them as well as to the
/// action (`ActionDigest.binding`). Kept in a task-local for the length of one classification, so
/// that classifiers stay pure and pay nothing for it.
final class DocumentLog: Sendable {
    @TaskLocal static var current: DocumentLog?

    private let entries = Mutex<[String: String]>([:])

    var documents: [String: String] { entries.withLock { $0 } }

    func record(_ key: String, _ text: String) {
        let digest = DocumentDigest.of(text)
        entries.withLock { $0[key] = digest }
    }
}

/// The gateway's view of the disk: what it serves is recorded in the current `DocumentLog`.
struct DocumentRecordingFileSystem: FileSystemView {
    let base: any FileSystemView

    func kind(of path: String) -> PathKind? { base.kind(of: path) }

    func contents(of path: String) -> String? {
        let text = base.contents(of: path)
        if let text { DocumentLog.current?.record(path, text) }
        return text
    }

    /// A link followed is recorded (keyed `PATH ->`, its target the text): an approval given
    /// while `/tmp/scratch/x` led to `/tmp/y` is not spent once it leads to `/srv/prod`.
    func linkTarget(of path: String) -> String? {
        let target = base.linkTarget(of: path)
        if let target { DocumentLog.current?.record(path + " ->", target) }
        return target
    }

    var showsLinks: Bool { base.showsLinks }

    func entries(of directory: String) -> [String]? {
        let names = base.entries(of: directory)
        if let names { DocumentLog.current?.record(directory.hasSuffix("/") ? directory : directory + "/", names.joined(separator: "\n")) }
        return names
    }
}
