/// Recomputes a log from its stored entries and checks everything that was stored or signed about
/// it: each entry's position, its leaf hash, the tree nodes stored beside it, the root at every
/// checkpoint, every checkpoint's signature, and a checkpoint the caller trusts.
///
/// It reads rows one at a time (`consume`) so that a million entries verify without holding them,
/// and it is the same engine for the database and for an exported bundle. Where something is wrong
/// it names the first bad index and what happened there; see `Problem.Kind`.
public struct AuditLogVerifier {
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public enum Kind: String, Sendable, Hashable {
            /// The entry at the index is not what was appended.
            case modified
            /// Entries are missing from the index on.
            case deleted
            /// Entries appear at positions other than their own.
            case reordered
            /// An entry that was never appended sits at the index.
            case inserted
            /// The log ends before a checkpoint says it should.
            case truncated
            /// A checkpoint's signature, origin or shape is wrong.
            case badCheckpoint = "bad-checkpoint"
        }

        public var kind: Kind
        /// The first index at which the log differs from what was committed.
        public var index: UInt64
        public var message: String

        public init(kind: Kind, index: UInt64, message: String) {
            self.kind = kind
            self.index = index
            self.message = message
        }

        public var description: String { "\(kind.rawValue) at index \(index): \(message)" }
    }

    public struct Report: Sendable, Hashable {
        public var size: UInt64
        public var root: MerkleHash
        public var checkpointsChecked: Int
        /// The largest size a verified checkpoint covers; entries past it are not yet signed.
        public var signedSize: UInt64
        public var problem: Problem?
        public var isValid: Bool { problem == nil }
    }

    /// The first row that is not what was appended, held until later rows show what happened.
    private struct Anomaly {
        var position: UInt64
        var claimed: UInt64?
        var leafMismatch: Bool
        /// Set when only the stored tree nodes disagree: the first leaf under the bad node.
        var nodeRangeStart: UInt64?
    }

    public let origin: String
    private let keys: [CheckpointVerifier]
    /// Roots to compare against, by tree size, each with where it came from.
    private var expectedRoots: [UInt64: (root: MerkleHash, source: String)] = [:]
    private var frontier = MerkleFrontier()
    /// The sizes checkpoints sign, ascending, and the next one the scan will reach: comparing one
    /// integer per row instead of looking each size up.
    private var checkpointSizes: [UInt64] = []
    private var nextCheckpointSize: UInt64 = .max
    private var problem: Problem?
    private var pendingProblem: Anomaly?
    /// After the first anomaly: which position claimed which index, to tell a reorder from a deletion.
    private var claimsAfterAnomaly: [UInt64: UInt64] = [:]

    /// - Parameters:
    ///   - origin: the log's origin line; checkpoints naming another log are rejected.
    ///   - keys: every key the log has signed with (old keys stay, so rotated-out checkpoints verify).
    ///   - checkpoints: the checkpoints the log stored or exported, each with where it was found.
    ///   - trusted: a checkpoint the verifier got from elsewhere (`--trusted-checkpoint`).
    public init(origin: String, keys: [CheckpointVerifier], checkpoints: [(SignedCheckpoint, String)], trusted: [(SignedCheckpoint, String)] = []) {
        self.origin = origin
        self.keys = keys
        for (checkpoint, source) in trusted + checkpoints {
            guard problem == nil else { break }
            admit(checkpoint, source: source)
        }
        checkpointSizes = expectedRoots.keys.filter { $0 > 0 }.sorted()
        nextCheckpointSize = checkpointSizes.first ?? .max
    }

    private mutating func admit(_ signed: SignedCheckpoint, source: String) {
        let checkpoint = signed.checkpoint
        guard checkpoint.origin == origin else {
            fail(.badCheckpoint, at: 0, "\(source) is for log `\(checkpoint.origin)`, not `\(origin)`")
            return
        }
        guard keys.contains(where: { signed.verify(with: $0) }) else {
            fail(.badCheckpoint, at: 0, "\(source) (size \(checkpoint.size)) has no valid signature by a key of this log")
            return
        }
        if let known = expectedRoots[checkpoint.size] {
            if known.root != checkpoint.root {
                fail(.badCheckpoint, at: 0, "\(source) and \(known.source) sign different roots for size \(checkpoint.size): the log forked")
            }
            // The same checkpoint from the database and from its exported file counts once.
            return
        }
        expectedRoots[checkpoint.size] = (checkpoint.root, source)
    }

    private mutating func fail(_ kind: Problem.Kind, at index: UInt64, _ message: String) {
        if problem == nil { problem = Problem(kind: kind, index: index, message: message) }
    }

    public var size: UInt64 { frontier.size }

    /// Feeds the next stored row.
    /// - Parameters:
    ///   - rowIndex: the index the store files the row under.
    ///   - entry: the entry's canonical bytes.
    ///   - storedLeaf: the leaf hash stored beside it, if the store keeps one.
    ///   - storedNodes: the node hashes stored beside it (levels 1..., 32 bytes each), if any.
    public mutating func consume(rowIndex: UInt64, entry: UnsafeRawBufferPointer, storedLeaf: UnsafeRawBufferPointer?, storedNodes: UnsafeRawBufferPointer?) {
        let leaf = MerkleHash.leaf(entry)
        consume(rowIndex: rowIndex, claimedIndex: AuditEntryCodec.claimedIndex(entry), leaf: leaf,
                leafMatchesStored: storedLeaf.map { MerkleHash(bytes: $0) == leaf } ?? true, storedNodes: storedNodes)
    }

    /// The same, with everything that depends on one row alone already worked out (on another
    /// core): the index the entry claims, its leaf hash, and whether that matches the stored one.
    public mutating func consume(rowIndex: UInt64, claimedIndex claimed: UInt64?, leaf: MerkleHash, leafMatchesStored: Bool, storedNodes: UnsafeRawBufferPointer?) {
        let position = frontier.size
        if pendingProblem != nil {
            if let claimed, claimed != position, claimsAfterAnomaly.count < 1_000_000 { claimsAfterAnomaly[claimed] = position }
        } else if problem == nil {
            let leafMismatch = !leafMatchesStored
            if rowIndex != position {
                // The store's own numbering has a gap: rows were removed and not renumbered.
                fail(.deleted, at: position, "no entry is stored at index \(position); the next stored row is \(rowIndex)")
            } else if claimed != position || leafMismatch {
                pendingProblem = Anomaly(position: position, claimed: claimed, leafMismatch: leafMismatch)
            }
        }
        var nodeOffset = 0
        var lowestBadLevel: Int?
        frontier.append(leaf) { level, hash in
            guard let storedNodes else { return }
            let end = nodeOffset + MerkleHash.byteCount
            if end > storedNodes.count || MerkleHash(bytes: UnsafeRawBufferPointer(rebasing: storedNodes[nodeOffset..<end])) != hash {
                if lowestBadLevel == nil { lowestBadLevel = level }
            }
            nodeOffset = end
        }
        if let storedNodes, nodeOffset != storedNodes.count, lowestBadLevel == nil { lowestBadLevel = 1 }
        if let level = lowestBadLevel, problem == nil, pendingProblem == nil {
            pendingProblem = Anomaly(position: position, claimed: claimed, leafMismatch: false,
                                     nodeRangeStart: position + 1 - (1 << UInt64(level)))
        }
        guard frontier.size == nextCheckpointSize else { return }
        nextCheckpointSize = checkpointSizes.first { $0 > frontier.size } ?? .max
        if let expected = expectedRoots[frontier.size], problem == nil, pendingProblem == nil, frontier.root != expected.root {
            let lowerBound = expectedRoots.keys.filter { $0 < frontier.size }.max() ?? 0
            fail(.modified, at: lowerBound,
                 "the entries before index \(frontier.size) do not hash to the root signed in \(expected.source); "
                 + "the stored hashes were rewritten to match, so the change lies in [\(lowerBound), \(frontier.size))")
        }
    }

    public mutating func finish() -> Report {
        if let pending = pendingProblem, problem == nil {
            problem = classify(pending)
        }
        let signedSize = checkpointSizes.last ?? 0
        if problem == nil, signedSize > frontier.size, let expected = expectedRoots[signedSize] {
            fail(.truncated, at: frontier.size, "the log has \(frontier.size) entries but \(expected.source) signs \(signedSize)")
        }
        return Report(size: frontier.size, root: frontier.root, checkpointsChecked: expectedRoots.count,
                      signedSize: signedSize, problem: problem)
    }

    private func classify(_ pending: Anomaly) -> Problem {
        let p = pending.position
        guard let claimed = pending.claimed else {
            return Problem(kind: .modified, index: p, message: "entry \(p) is not a well-formed version-1 entry")
        }
        if claimed > p {
            if let later = claimsAfterAnomaly[p] {
                return Problem(kind: .reordered, index: p, message: "entry \(claimed) is stored at position \(p) and entry \(p) at position \(later)")
            }
            return Problem(kind: .deleted, index: p, message: "entries \(p)..<\(claimed) are missing; position \(p) holds entry \(claimed)")
        }
        if claimed < p {
            return Problem(kind: .inserted, index: p, message: "position \(p) holds a second entry claiming index \(claimed)")
        }
        if claimsAfterAnomaly[p] == p + 1 {
            return Problem(kind: .inserted, index: p, message: "an entry that was never appended sits at \(p); the original entry \(p) follows it")
        }
        if let first = pending.nodeRangeStart {
            // The node over leaves first...p disagrees while every leaf matched its stored hash: an
            // entry in that range was changed together with its stored leaf hash.
            return Problem(kind: .modified, index: first, message: "entries \(first)...\(p) do not hash to the tree node stored when they were appended; one of them was rewritten together with its leaf hash")
        }
        return Problem(kind: .modified, index: p, message: "entry \(p) does not hash to the leaf stored when it was appended")
    }
}
