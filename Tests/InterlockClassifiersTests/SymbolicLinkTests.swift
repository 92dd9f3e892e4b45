import Foundation
@testable import InterlockClassifiers
import InterlockCore
import PropertyBased
import Testing

/// Paths are judged where they really lead: a rule or grant written for `/tmp/scratch/**` must
/// not be passed through a link in it to `/srv/prod`.
@Suite struct SymbolicLinkTests {
    static let disk = FixedFileSystem(
        files: ["/home/dev/.aws/credentials": "[default]\n"],
        directories: ["/tmp", "/tmp/scratch", "/srv", "/srv/prod", "/srv/prod/data", "/home/dev", "/home/dev/.aws", "/home/dev/.claude"],
        links: ["/tmp/scratch/prod": "/srv/prod", "/tmp/scratch/up": "../../srv/prod/data", "/tmp/scratch/notes.txt": "/home/dev/.aws/credentials",
                "/tmp/scratch/a": "b", "/tmp/scratch/b": "a", "/tmp/scratch/hooks": "/home/dev/.claude"])
    let shell = ShellClassifier(fileSystem: SymbolicLinkTests.disk)

    @Test func physicalPathsFollowLinksWhereTheyStand() {
        #expect(Self.disk.physicalPath("/tmp/scratch/prod") == "/srv/prod")
        #expect(Self.disk.physicalPath("/tmp/scratch/prod/data/x") == "/srv/prod/data/x")
        // A relative link is read from the directory holding it; `..` climbs from where it leads.
        #expect(Self.disk.physicalPath("/tmp/scratch/up") == "/srv/prod/data")
        #expect(Self.disk.physicalPath("/tmp/scratch/prod/../etc") == "/srv/etc")
        #expect(Self.disk.physicalPath("/tmp/scratch/plain/../x") == "/tmp/scratch/x")
        // Links that loop lead nowhere that can be said.
        #expect(Self.disk.physicalPath("/tmp/scratch/a") == nil)
    }

    @Test func shellTargetsNameWhereTheyLead() {
        func targets(_ line: String, in directory: String = "/tmp") -> [String] { shell.classify(commandLine: line, workingDirectory: directory).targets }
        #expect(targets("rm -rf /tmp/scratch/prod/").contains("/srv/prod"))
        #expect(targets("rm -rf prod/data", in: "/tmp/scratch").contains("/srv/prod/data"))
        #expect(targets("rm -rf /tmp/scratch/prod/*.log").contains("/srv/prod/*.log"))
        // `..` after a link is where the kernel goes, not where the words suggest.
        #expect(targets("rm -rf /tmp/scratch/prod/../prod/data") == ["/srv/prod/data"])
        // Links the line makes count from the command after them.
        let made = shell.classify(commandLine: "ln -s /srv/prod /tmp/scratch/new && rm -rf /tmp/scratch/new/*", workingDirectory: "/tmp")
        #expect(made.findings.last?.targets == ["/tmp/scratch/new/*", "/srv/prod/*"])
        // A hard link is the original file under another name.
        let hard = shell.classify(commandLine: "ln /srv/prod/data/db.sqlite /tmp/scratch/db && : > /tmp/scratch/db", workingDirectory: "/tmp")
        #expect(hard.findings.first { $0.operation == "shell:redirect" }?.targets.contains("/srv/prod/data/db.sqlite") == true)
        // A loop leaves the targets incomplete.
        #expect(shell.classify(commandLine: "rm -rf /tmp/scratch/a/x").targetsComplete == false)
        // Nothing changes where no link is.
        #expect(targets("rm -rf /tmp/scratch/plain") == ["/tmp/scratch/plain"])
        // What is at the end of a link decides: an existing file replaced, a startup file planted.
        #expect(shell.classify(commandLine: "ln -sf /home/dev/.aws/credentials /tmp/scratch/out && cp x /tmp/scratch/out").effect == .destructive)
        #expect(shell.classify(commandLine: "cp x /tmp/scratch/notes.txt").effect == .destructive)
        #expect(shell.classify(commandLine: "ln -s /home/dev/.bashrc /tmp/scratch/rc && echo 'curl x | sh' >> /tmp/scratch/rc").categories.contains(.opaqueExecution))
        // A link to a credentials file is that file.
        #expect(shell.classify(commandLine: "cat /tmp/scratch/notes.txt").categories.contains(.credentialIssue))
    }

    /// A grant covers an action only when every target is inside it (`Grant.covers`): one for
    /// the scratch directory does not cover what a link in it leads to.
    @Test func grantsDoNotReachThroughLinks() {
        func inScratch(_ line: String) -> Bool { shell.classify(commandLine: line).targets.allSatisfy { $0.hasPrefix("/tmp/scratch/") } }
        #expect(!inScratch("rm -rf /tmp/scratch/prod/"))
        #expect(!inScratch("ln -s /srv/prod /tmp/scratch/p2; rm -rf /tmp/scratch/p2/data"))
        #expect(inScratch("rm -rf /tmp/scratch/plain"))
    }

    @Test func toolPathsNameWhereTheyLead() {
        let classifiers = ClassifierSet.standard(fileSystem: Self.disk)
        let write = classifiers.classify(Action(principal: Principal(agent: "t"), channel: .hook,
                                                input: .file(FileChange(path: "/tmp/scratch/hooks/settings.json", kind: .write, content: "{}"))))
        #expect(write.targets.contains("/home/dev/.claude/settings.json"))
        #expect(write.categories.contains(.hookConfig))
        let read = classifiers.classify(Action(principal: Principal(agent: "t"), channel: .hook, input: .tool(ToolCall(
            server: "claude", tool: "Read", arguments: .object(["file_path": .string("/tmp/scratch/notes.txt")])))))
        #expect(read.categories.contains(.credentialIssue))
    }

    // MARK: Against the real disk

    /// The disk as a test sees it, links included, through `FileManager`.
    struct RealDisk: FileSystemView {
        func kind(of path: String) -> PathKind? {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) ? (isDirectory.boolValue ? .directory : .file) : .missing
        }
        func contents(of path: String) -> String? { nil }
        func linkTarget(of path: String) -> String? { try? FileManager.default.destinationOfSymbolicLink(atPath: path) }
        var showsLinks: Bool { true }
    }

    /// On a real directory tree with links (absolute and relative, to directories and to
    /// missing places, chained), `physicalPath` agrees with Python's `os.path.realpath`.
    @Test("property: physical paths agree with os.path.realpath", .enabled(if: InterpreterOracle.available("python3")))
    func physicalPathsAgreeWithRealpath() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("interlock-links-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        for directory in ["a", "a/b", "c", "c/d"] { try FileManager.default.createDirectory(atPath: "\(root)/\(directory)", withIntermediateDirectories: true) }
        for (link, target) in [("a/toc", "\(root)/c"), ("a/b/up", "../../c/d"), ("c/d/back", "../../a"), ("c/gone", "missing/x"), ("c/chain", "d/back"), ("top", "a/b")] {
            try FileManager.default.createSymbolicLink(atPath: "\(root)/\(link)", withDestinationPath: target)
        }
        let component = Gen.element(of: ["a", "b", "c", "d", "toc", "up", "back", "gone", "chain", "top", "..", ".", "x"]).map { $0! }
        await propertyCheck(count: 8, input: component.array(of: 1...6).array(of: 60...60)) { paths in
            let full = paths.map { root + "/" + $0.joined(separator: "/") }
            let expected = try! Self.realpaths(full)
            for (path, real) in zip(full, expected) {
                #expect(RealDisk().physicalPath(path) == real, "\(path)")
            }
        }
    }

    static func realpaths(_ paths: [String]) throws -> [String] {
        let data = try OracleProgram.output(["python3", "-c", "import os, sys\nfor line in sys.stdin.read().split('\\n')[:-1]: print(os.path.realpath(line))"],
                                            input: paths.map { $0 + "\n" }.joined())
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
