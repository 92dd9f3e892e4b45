import InterlockAudit
import InterlockCore
import PropertyBased
import Testing

/// The slow, obviously-right Merkle tree of RFC 6962 §2.1, written from the RFC's recursive
/// definitions over the whole list of leaves. The oracle for the incremental tree and the proofs.
enum ReferenceMerkle {
    static func split(_ n: Int) -> Int {
        var k = 1
        while k * 2 < n { k *= 2 }
        return k
    }

    /// MTH(D[n]).
    static func root(_ leaves: ArraySlice<[UInt8]>) -> MerkleHash {
        switch leaves.count {
        case 0: return .emptyTree
        case 1: return .leaf(leaves.first!)
        default:
            let k = split(leaves.count)
            return .node(root(leaves.prefix(k)), root(leaves.dropFirst(k)))
        }
    }

    /// PATH(m, D[n]).
    static func path(_ m: Int, _ leaves: ArraySlice<[UInt8]>) -> [MerkleHash] {
        guard leaves.count > 1 else { return [] }
        let k = split(leaves.count)
        if m < k { return path(m, leaves.prefix(k)) + [root(leaves.dropFirst(k))] }
        return path(m - k, leaves.dropFirst(k)) + [root(leaves.prefix(k))]
    }

    /// PROOF(m, D[n]) via SUBPROOF(m, D[n], true).
    static func proof(_ m: Int, _ leaves: ArraySlice<[UInt8]>) -> [MerkleHash] {
        subproof(m, leaves, true)
    }

    static func subproof(_ m: Int, _ leaves: ArraySlice<[UInt8]>, _ b: Bool) -> [MerkleHash] {
        if m == leaves.count { return b ? [] : [root(leaves)] }
        let k = split(leaves.count)
        if m <= k { return subproof(m, leaves.prefix(k), b) + [root(leaves.dropFirst(k))] }
        return subproof(m - k, leaves.dropFirst(k), false) + [root(leaves.prefix(k))]
    }
}

/// A frontier and its completed nodes kept in memory, standing in for the store's node table.
struct InMemoryTree {
    var frontier = MerkleFrontier()
    var nodes: [Int: [UInt64: MerkleHash]] = [:]

    mutating func append(_ entry: [UInt8]) {
        let leaf = MerkleHash.leaf(entry)
        nodes[0, default: [:]][frontier.size] = leaf
        let index = frontier.size
        frontier.append(leaf) { level, hash in
            nodes[level, default: [:]][index >> UInt64(level)] = hash
        }
    }

    func perfect(_ level: Int, _ index: UInt64) throws -> MerkleHash {
        guard let hash = nodes[level]?[index] else { throw MissingNode() }
        return hash
    }

    struct MissingNode: Error {}
}

@Suite("Merkle tree (RFC 6962 / RFC 9162)")
struct MerkleTreeTests {
    /// The certificate-transparency test leaves and the roots of their prefixes (transparency-dev
    /// merkle `testonly/constants.go`).
    static let leaves: [[UInt8]] = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
        .map { Hex.decode($0)! }
    static let roots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    static func tree(_ count: Int) -> InMemoryTree {
        var tree = InMemoryTree()
        for leaf in leaves.prefix(count) { tree.append(leaf) }
        return tree
    }

    @Test("hash functions match the RFC 6962 hasher vectors")
    func hasher() {
        #expect(MerkleHash.emptyTree.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(MerkleHash.leaf([UInt8]()).hex == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        #expect(MerkleHash.leaf(Array("L123456".utf8)).hex == "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56")
    }

    @Test("roots of every prefix of the CT leaves match the published roots")
    func ctRoots() {
        var tree = InMemoryTree()
        #expect(tree.frontier.root.hex == Self.roots[0])
        for (i, leaf) in Self.leaves.enumerated() {
            tree.append(leaf)
            #expect(tree.frontier.root.hex == Self.roots[i + 1], "size \(i + 1)")
        }
    }

    @Test("roots of larger trees match the transparency-dev compact range goldens")
    func largerGoldens() {
        // Leaf i is the two bytes of i, little-endian (compact/range_test.go).
        let goldens: [Int: String] = [
            10: "VjWMPSYNtCuCNlF/RLnQy6HcwSk6CIipfxm+hettA+4=",
            15: "j4SulYmocFuxdeyp12xXCIgK6PekBcxzAIj4zbQzNEI=",
            16: "c+4Uc6BCMOZf/v3NZK1kqTUJe+bBoFtOhP+P3SayKRE=",
            100: "dUh9hYH88p0CMoHkdr1wC2szbhcLAXOejWpINIooKUY=",
            255: "SmdsuKUqiod3RX2jyF2M6JnbdE4QuTwwipfAowI4/i0=",
        ]
        var tree = InMemoryTree()
        for i in 0..<255 {
            tree.append([UInt8(i & 0xff), UInt8((i >> 8) & 0xff)])
            if let expected = goldens[i + 1] { #expect(tree.frontier.root.base64 == expected, "size \(i + 1)") }
        }
    }

    @Test("inclusion proofs match the published paths and verify")
    func inclusionVectors() throws {
        let vectors: [(index: UInt64, size: UInt64, path: [String])] = [
            (0, 1, []),
            (0, 2, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"]),
            (1, 2, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"]),
            (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
            (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
            (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
            (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        ]
        for v in vectors {
            let tree = Self.tree(Int(v.size))
            let proof = try MerkleProof.inclusion(index: v.index, size: v.size, perfect: tree.perfect)
            #expect(proof.map(\.hex) == v.path, "index \(v.index) size \(v.size)")
            let root = MerkleHash(hex: Self.roots[Int(v.size)])!
            #expect(MerkleProof.verifyInclusion(index: v.index, size: v.size, leaf: .leaf(Self.leaves[Int(v.index)]), proof: proof, root: root))
        }
    }

    @Test("consistency proofs match the published proofs and verify")
    func consistencyVectors() throws {
        let vectors: [(old: UInt64, new: UInt64, proof: [String])] = [
            (1, 1, []),
            (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
            (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
            (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
        ]
        for v in vectors {
            let tree = Self.tree(Int(v.new))
            let proof = try MerkleProof.consistency(old: v.old, new: v.new, perfect: tree.perfect)
            #expect(proof.map(\.hex) == v.proof, "\(v.old) → \(v.new)")
            let oldRoot = MerkleHash(hex: Self.roots[Int(v.old)])!, newRoot = MerkleHash(hex: Self.roots[Int(v.new)])!
            #expect(MerkleProof.verifyConsistency(oldSize: v.old, newSize: v.new, oldRoot: oldRoot, newRoot: newRoot, proof: proof))
        }
    }

    @Test("the incremental tree and its proofs agree with the reference at random sizes, and altered proofs fail")
    func agreesWithReference() async {
        await propertyCheck(count: 150, input: Gen.int(in: 1...300), Gen.int(in: 0...Int.max)) { size, seed in
            var generator = Xoshiro(seed: (UInt64(truncatingIfNeeded: seed), 1, 2, 3))
            let leaves = (0..<size).map { i in (0..<Int(generator.next() % 12)).map { _ in UInt8(truncatingIfNeeded: generator.next()) } + [UInt8(i & 0xff)] }
            var tree = InMemoryTree()
            for leaf in leaves { tree.append(leaf) }
            let root = ReferenceMerkle.root(leaves[...])
            #expect(tree.frontier.root == root)
            #expect(try MerkleProof.subtreeHash(start: 0, count: UInt64(size), perfect: tree.perfect) == root)

            let index = Int(generator.next() % UInt64(size))
            let path = try MerkleProof.inclusion(index: UInt64(index), size: UInt64(size), perfect: tree.perfect)
            #expect(path == ReferenceMerkle.path(index, leaves[...]))
            let leaf = MerkleHash.leaf(leaves[index])
            #expect(MerkleProof.verifyInclusion(index: UInt64(index), size: UInt64(size), leaf: leaf, proof: path, root: root))
            if size > 1 {
                #expect(!MerkleProof.verifyInclusion(index: UInt64((index + 1) % size), size: UInt64(size), leaf: leaf, proof: path, root: root))
            }
            if !path.isEmpty {
                var altered = path
                altered[Int(generator.next() % UInt64(path.count))] = .leaf([0xde, 0xad])
                #expect(!MerkleProof.verifyInclusion(index: UInt64(index), size: UInt64(size), leaf: leaf, proof: altered, root: root))
                #expect(!MerkleProof.verifyInclusion(index: UInt64(index), size: UInt64(size), leaf: leaf, proof: Array(path.dropLast()), root: root))
            }

            let old = 1 + Int(generator.next() % UInt64(size))
            let proof = try MerkleProof.consistency(old: UInt64(old), new: UInt64(size), perfect: tree.perfect)
            #expect(proof == (old == size ? [] : ReferenceMerkle.proof(old, leaves[...])))
            let oldRoot = ReferenceMerkle.root(leaves.prefix(old))
            #expect(MerkleProof.verifyConsistency(oldSize: UInt64(old), newSize: UInt64(size), oldRoot: oldRoot, newRoot: root, proof: proof))
            if old < size {
                #expect(!MerkleProof.verifyConsistency(oldSize: UInt64(old), newSize: UInt64(size), oldRoot: .leaf([1]), newRoot: root, proof: proof))
                var altered = proof
                altered[Int(generator.next() % UInt64(proof.count))] = .leaf([0xbe, 0xef])
                #expect(!MerkleProof.verifyConsistency(oldSize: UInt64(old), newSize: UInt64(size), oldRoot: oldRoot, newRoot: root, proof: altered))
            }
        }
    }

    @Test("a frontier rebuilt from stored subtrees continues exactly like the original")
    func frontierRebuild() throws {
        var tree = InMemoryTree()
        for i in 0..<37 { tree.append([UInt8(i)]) }
        let coordinates = MerkleFrontier.subtreeCoordinates(size: 37)
        #expect(coordinates.map(\.level) == [5, 2, 0])
        var rebuilt = try #require(MerkleFrontier(size: 37, subtrees: coordinates.map { try tree.perfect($0.level, $0.index) }))
        #expect(rebuilt == tree.frontier)
        rebuilt.append(.leaf([99]))
        tree.append([99])
        #expect(rebuilt.root == tree.frontier.root)
        #expect(MerkleFrontier(size: 37, subtrees: []) == nil)
    }
}
