/// The right edge of an append-only Merkle tree: the roots of the perfect subtrees that make up a
/// tree of `size` leaves, largest (leftmost) first. One per set bit of `size`.
///
/// This is all the state an append needs: adding a leaf merges equal-sized subtrees the way binary
/// addition carries, and each merge is a node that is final from then on (the log stores those
/// nodes so proofs never recompute them). The root folds the edge from the right, which is RFC
/// 6962's split at the largest power of two below the size.
public struct MerkleFrontier: Sendable, Hashable {
    public private(set) var size: UInt64 = 0
    public private(set) var subtrees: [MerkleHash] = []

    public init() {}

    /// Rebuilds the edge of a tree of `size` leaves from its perfect subtrees, largest first.
    public init?(size: UInt64, subtrees: [MerkleHash]) {
        guard subtrees.count == size.nonzeroBitCount else { return nil }
        self.size = size
        self.subtrees = subtrees
    }

    /// Appends a leaf and calls `completed(level, hash)` for each node it completes, lowest first:
    /// appending leaf `n` completes one node per trailing one bit of `n`.
    public mutating func append(_ leaf: MerkleHash, completed: (Int, MerkleHash) -> Void = { _, _ in }) {
        var hash = leaf
        var level = 0
        var carry = size
        while carry & 1 == 1 {
            hash = .node(subtrees.removeLast(), hash)
            level += 1
            completed(level, hash)
            carry >>= 1
        }
        subtrees.append(hash)
        size += 1
    }

    public var root: MerkleHash {
        guard var hash = subtrees.last else { return .emptyTree }
        for left in subtrees.dropLast().reversed() { hash = .node(left, hash) }
        return hash
    }

    /// The (level, index) of each perfect subtree on the edge of a tree of `size`, largest first.
    public static func subtreeCoordinates(size: UInt64) -> [(level: Int, index: UInt64)] {
        var result: [(Int, UInt64)] = []
        var start: UInt64 = 0
        for level in stride(from: 63, through: 0, by: -1) where size & (1 << UInt64(level)) != 0 {
            result.append((level, start >> UInt64(level)))
            start += 1 << UInt64(level)
        }
        return result
    }
}

/// Where proofs get the hashes of perfect subtrees: `(level, index)` is the subtree of 2^level
/// leaves starting at leaf `index << level`. The log answers from stored nodes.
public typealias PerfectSubtreeHash = (_ level: Int, _ index: UInt64) throws -> MerkleHash

/// Inclusion and consistency proofs (RFC 9162 §2.1.3 and §2.1.4), generated from perfect subtrees
/// and verified from hashes alone.
public enum MerkleProof {
    /// MTH of leaves `[start, start + count)`, which must lie inside a tree whose perfect subtrees
    /// `perfect` knows. `start` must be a multiple of the largest power of two not above `count`,
    /// which every range the RFC's recursion visits is.
    public static func subtreeHash(start: UInt64, count: UInt64, perfect: PerfectSubtreeHash) throws -> MerkleHash {
        precondition(count > 0)
        if count.nonzeroBitCount == 1 {
            let level = count.trailingZeroBitCount
            return try perfect(level, start >> UInt64(level))
        }
        let split = largestPowerOfTwo(below: count)
        return .node(
            try perfect(split.trailingZeroBitCount, start >> UInt64(split.trailingZeroBitCount)),
            try subtreeHash(start: start + split, count: count - split, perfect: perfect))
    }

    /// PATH(index, D[0:size]): the audit path from the leaf up, siblings bottom first.
    public static func inclusion(index: UInt64, size: UInt64, perfect: PerfectSubtreeHash) throws -> [MerkleHash] {
        precondition(index < size)
        return try path(index: index, start: 0, count: size, perfect: perfect)
    }

    private static func path(index: UInt64, start: UInt64, count: UInt64, perfect: PerfectSubtreeHash) throws -> [MerkleHash] {
        guard count > 1 else { return [] }
        let split = largestPowerOfTwo(below: count)
        if index < split {
            return try path(index: index, start: start, count: split, perfect: perfect)
                + [subtreeHash(start: start + split, count: count - split, perfect: perfect)]
        }
        return try path(index: index - split, start: start + split, count: count - split, perfect: perfect)
            + [subtreeHash(start: start, count: split, perfect: perfect)]
    }

    /// PROOF(old, D[0:new]) for 0 < old ≤ new; empty when the sizes are equal.
    public static func consistency(old: UInt64, new: UInt64, perfect: PerfectSubtreeHash) throws -> [MerkleHash] {
        precondition(old > 0 && old <= new)
        guard old < new else { return [] }
        return try subproof(m: old, start: 0, count: new, complete: true, perfect: perfect)
    }

    private static func subproof(m: UInt64, start: UInt64, count: UInt64, complete: Bool, perfect: PerfectSubtreeHash) throws -> [MerkleHash] {
        if m == count {
            return complete ? [] : [try subtreeHash(start: start, count: count, perfect: perfect)]
        }
        let split = largestPowerOfTwo(below: count)
        if m <= split {
            return try subproof(m: m, start: start, count: split, complete: complete, perfect: perfect)
                + [subtreeHash(start: start + split, count: count - split, perfect: perfect)]
        }
        return try subproof(m: m - split, start: start + split, count: count - split, complete: false, perfect: perfect)
            + [subtreeHash(start: start, count: split, perfect: perfect)]
    }

    /// RFC 9162 §2.1.3.2: does `proof` show `leaf` at `index` in the tree of `size` with `root`?
    public static func verifyInclusion(index: UInt64, size: UInt64, leaf: MerkleHash, proof: [MerkleHash], root: MerkleHash) -> Bool {
        guard index < size else { return false }
        var fn = index
        var sn = size - 1
        var r = leaf
        for p in proof {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                r = .node(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = .node(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// RFC 9162 §2.1.4.2: does `proof` show the tree of `oldSize` with `oldRoot` is a prefix of the
    /// tree of `newSize` with `newRoot`?
    public static func verifyConsistency(oldSize: UInt64, newSize: UInt64, oldRoot: MerkleHash, newRoot: MerkleHash, proof: [MerkleHash]) -> Bool {
        guard oldSize <= newSize else { return false }
        if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
        if oldSize == 0 { return proof.isEmpty }
        guard !proof.isEmpty else { return false }
        var path = proof[...]
        if oldSize.nonzeroBitCount == 1 { path = [oldRoot] + path }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path.first!
        var sr = fr
        for c in path.dropFirst() {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                fr = .node(c, fr)
                sr = .node(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = .node(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return fr == oldRoot && sr == newRoot && sn == 0
    }

    /// The largest power of two strictly below `n` (n ≥ 2): RFC 6962's split point `k`.
    static func largestPowerOfTwo(below n: UInt64) -> UInt64 {
        1 << UInt64(63 - (n - 1).leadingZeroBitCount)
    }
}
