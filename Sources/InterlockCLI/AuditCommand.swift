import ArgumentParser
import Foundation
import InterlockAudit
import InterlockCore
import InterlockDoors
import InterlockStore

/// `--home DIR`: where the store, the signing key and the checkpoints live.
struct HomeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Interlock home (default: $INTERLOCK_HOME, else $XDG_STATE_HOME/interlock, else ~/.local/state/interlock).", valueName: "dir"))
    var home: String?

    var resolved: InterlockHome { InterlockHome.resolve(explicit: home) }

    func openLog(options: AuditLog.Options = AuditLog.Options()) throws -> AuditLog {
        try openAuditLog(home: home, options: options)
    }
}


/// The human running a local admin command, as its audit entries record it.
var invokingHuman: String { ProcessInfo.processInfo.environment["USER"].map { "human:" + $0 } ?? "human:unknown" }

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The tamper-evident audit log: verify, export, prove, show, tail, checkpoint, key.",
        discussion: "Exit codes: 0 success, 5 the log failed verification, 3 invalid input, 1 failure.",
        subcommands: [Verify.self, Export.self, Prove.self, Consistency.self, Show.self, Tail.self, CheckpointNow.self, Key.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the log from its entries and check every stored hash and checkpoint.",
            discussion: """
                With no arguments, verifies the default store (the one `interlock serve`, the hooks and the \
                proxies write). On tampering, names the first bad index and what happened there (modified, \
                deleted, reordered, inserted, truncated, bad-checkpoint) and exits 5.
                """)

        @OptionGroup var home: HomeOptions

        @Option(help: ArgumentHelp("Verify an export bundle instead of the store; needs nothing else.", valueName: "dir"))
        var bundle: String?

        @Option(name: .customLong("trusted-checkpoint"), help: ArgumentHelp("A checkpoint obtained elsewhere that the log must be consistent with (repeatable).", valueName: "file"))
        var trustedCheckpoints: [String] = []

        @Option(name: .customLong("key"), help: ArgumentHelp("Trust only these verifier keys (files in NAME+ID+KEY form), not the keys the log lists.", valueName: "file"))
        var keyFiles: [String] = []

        @Option(help: "Output format: text or json.")
        var format: OutputFormat = .text

        func run() throws {
            let trusted = try trustedCheckpoints.map { path -> (SignedCheckpoint, String) in
                do { return (try SignedCheckpoint(parsing: try readText(path)), path) } catch let error as CheckpointError {
                    throw InvalidInput("\(path): \(error)")
                }
            }
            let keys = try keyFiles.isEmpty ? nil : keyFiles.flatMap { path in
                try readText(path).split(separator: "\n").map { line -> CheckpointVerifier in
                    do { return try CheckpointVerifier(parsing: String(line)) } catch { throw InvalidInput("\(path): \(error)") }
                }
            }
            let report: AuditLogVerifier.Report
            do {
                if let bundle {
                    report = try AuditBundle.verify(directory: URL(fileURLWithPath: bundle), trusted: trusted, keys: keys)
                } else {
                    report = try home.openLog().verify(trusted: trusted, keys: keys)
                }
            } catch let error as StoreError {
                throw OperationalFailure(error.description)
            }
            switch format {
            case .text:
                if let problem = report.problem {
                    print("FAILED: \(problem)")
                } else {
                    print("ok: \(report.size) entries, root \(report.root.hex), \(report.checkpointsChecked) checkpoints verified, signed through \(report.signedSize)")
                    if report.signedSize < report.size {
                        print("note: entries \(report.signedSize)..<\(report.size) are not yet covered by a signed checkpoint")
                    }
                }
            case .json:
                var object: [String: JSONValue] = [
                    "valid": .bool(report.isValid), "size": .int(Int64(report.size)), "root": .string(report.root.hex),
                    "checkpoints_verified": .int(Int64(report.checkpointsChecked)), "signed_size": .int(Int64(report.signedSize)),
                ]
                if let problem = report.problem {
                    object["problem"] = .object(["kind": .string(problem.kind.rawValue), "index": .int(Int64(problem.index)), "message": .string(problem.message)])
                }
                print(JSONValue.object(object).jsonText(pretty: true))
            }
            if !report.isValid { throw ExitStatus.tampered }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a self-contained bundle (entries.jsonl, checkpoints/, keys, origin) that `audit verify --bundle` checks offline.")

        @OptionGroup var home: HomeOptions

        @Option(help: ArgumentHelp("The bundle directory to write.", valueName: "dir"))
        var out: String

        func run() throws {
            let log = try home.openLog()
            let count = try log.export(to: URL(fileURLWithPath: out))
            print("exported \(count) entries to \(out)")
        }
    }

    struct Prove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an inclusion proof (RFC 9162) for entry INDEX as JSON.",
            discussion: "The proof is against the newest checkpoint that covers the entry (its note is included), or against --size.")

        @OptionGroup var home: HomeOptions

        @Argument(help: "The entry's index.")
        var index: UInt64

        @Option(help: "Prove against the tree of this many entries.")
        var size: UInt64?

        func run() throws {
            let log = try home.openLog()
            let checkpoint = try log.checkpoints().last { $0.checkpoint.size > index && (size == nil || $0.checkpoint.size == size) }
            let logSize = try log.size
            guard let treeSize = size ?? checkpoint?.checkpoint.size ?? (logSize > index ? logSize : nil) else {
                throw InvalidInput("there is no entry \(index)")
            }
            let proof: [MerkleHash]
            do { proof = try log.inclusionProof(index: index, size: treeSize) } catch let error as StoreError { throw InvalidInput(error.description) }
            let entry = try log.entries(from: index, limit: 1)[0]
            var object: [String: JSONValue] = [
                "index": .int(Int64(index)), "tree_size": .int(Int64(treeSize)),
                "leaf_hash": .string(entry.leaf.hex), "entry": .string(Data(entry.bytes).base64EncodedString()),
                "proof": .array(proof.map { .string($0.hex) }), "root": .string(try log.root(size: treeSize).hex),
            ]
            if let checkpoint, checkpoint.checkpoint.size == treeSize { object["checkpoint"] = .string(checkpoint.text) }
            print(JSONValue.object(object).jsonText(pretty: true))
        }
    }

    struct Consistency: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a consistency proof (RFC 9162) between two tree sizes as JSON.")

        @OptionGroup var home: HomeOptions

        @Argument(help: "The older tree size.")
        var old: UInt64

        @Argument(help: "The newer tree size (default: the whole log).")
        var new: UInt64?

        func run() throws {
            let log = try home.openLog()
            let newSize = try new ?? log.size
            let proof: [MerkleHash]
            do { proof = try log.consistencyProof(old: old, new: newSize) } catch let error as StoreError { throw InvalidInput(error.description) }
            print(JSONValue.object([
                "old_size": .int(Int64(old)), "new_size": .int(Int64(newSize)),
                "old_root": .string(try log.root(size: old).hex), "new_root": .string(try log.root(size: newSize).hex),
                "proof": .array(proof.map { .string($0.hex) }),
            ]).jsonText(pretty: true))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print entry INDEX as JSON.")

        @OptionGroup var home: HomeOptions

        @Argument(help: "The entry's index.")
        var index: UInt64

        func run() throws {
            guard let stored = try home.openLog().entries(from: index, limit: 1).first, stored.index == index else {
                throw InvalidInput("there is no entry \(index)")
            }
            print(render(stored).jsonText(pretty: true))
        }
    }

    struct Tail: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the newest entries as JSON Lines; --follow keeps printing new ones.",
            discussion: "With --checkpoints, prints signed checkpoint notes instead, for log shippers and witnesses that keep them off this machine.")

        @OptionGroup var home: HomeOptions

        @Option(name: .short, help: "How many entries.")
        var n = 20

        @Flag(help: "Keep running and print entries as they are appended.")
        var follow = false

        @Flag(help: "Print checkpoints (signed notes, separated by blank lines) rather than entries.")
        var checkpoints = false

        func run() throws {
            let log = try home.openLog()
            if checkpoints { return try tailCheckpoints(log) }
            var next: UInt64 = 0
            // Unbuffered writes: a log shipper reading a pipe sees each entry as it comes.
            func emit(_ stored: AuditLog.StoredEntry) {
                FileHandle.standardOutput.write(Data((render(stored).jsonText() + "\n").utf8))
                next = stored.index + 1
            }
            for stored in try log.tail(max(0, n)) { emit(stored) }
            if next == 0 { next = try log.size }
            while follow {
                Thread.sleep(forTimeInterval: 0.5)
                for stored in try log.entries(from: next, limit: 1000) { emit(stored) }
            }
        }

        private func tailCheckpoints(_ log: AuditLog) throws {
            var printed: UInt64 = 0
            func emit(_ notes: [SignedCheckpoint]) {
                for note in notes where note.checkpoint.size > printed {
                    FileHandle.standardOutput.write(Data((note.text + "\n").utf8))
                    printed = note.checkpoint.size
                }
            }
            emit(Array(try log.checkpoints().suffix(max(0, n))))
            while follow {
                Thread.sleep(forTimeInterval: 0.5)
                emit(try log.checkpoints())
            }
        }
    }

    struct CheckpointNow: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint",
            abstract: "Sign a checkpoint of the log now and print it (for log shippers and witnesses).")

        @OptionGroup var home: HomeOptions

        func run() throws {
            do {
                print(try home.openLog().issueCheckpoint().text, terminator: "")
            } catch let error as StoreError {
                throw InvalidInput(error.description)
            }
        }
    }

    struct Key: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the checkpoint verifier key, or rotate the signing key.",
            subcommands: [ShowKey.self, Rotate.self])

        struct ShowKey: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", abstract: "Print every verifier key the log has used, oldest first (the last one signs now).")
            @OptionGroup var home: HomeOptions
            func run() throws {
                for key in try home.openLog().verifierKeys() { print(key.text) }
            }
        }

        struct Rotate: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Replace the signing key. Old checkpoints stay verifiable with the old public key, which the log keeps.")
            @OptionGroup var home: HomeOptions
            @Option(help: "Who is rotating (recorded in the log).")
            var by: String = invokingHuman
            func run() throws {
                print(try home.openLog().rotateKey(by: by).text)
            }
        }
    }
}

/// An entry as `show` and `tail` print it: the decoded view, or a note that it does not decode.
private func render(_ stored: AuditLog.StoredEntry) -> JSONValue {
    guard let entry = stored.entry else {
        return .object(["index": .int(Int64(stored.index)), "error": .string("entry does not decode; run `interlock audit verify`")])
    }
    return entry.json
}
