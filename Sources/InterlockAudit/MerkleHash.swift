import Crypto
import FoundationEssentials
import InterlockCore

/// A SHA-256 value in the audit log's Merkle tree (RFC 6962 §2.1, RFC 9162 §2.1.1).
///
/// Kept as four machine words rather than an array: the verifier makes two of these per entry and a
/// million entries must verify in well under two seconds, so no hash may allocate.
public struct MerkleHash: Sendable, Hashable, CustomStringConvertible {
    private var words: (UInt64, UInt64, UInt64, UInt64)

    public static let byteCount = 32

    /// The root of the empty tree: SHA-256 of nothing.
    public static let emptyTree = MerkleHash(digest: SHA256.hash(data: [UInt8]()))

    /// `SHA-256(0x00 || entry)`.
    public static func leaf(_ entry: UnsafeRawBufferPointer) -> MerkleHash {
        var hasher = SHA256()
        Swift.withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: entry)
        return MerkleHash(digest: hasher.finalize())
    }

    public static func leaf(_ entry: [UInt8]) -> MerkleHash {
        entry.withUnsafeBytes { leaf($0) }
    }

    /// `SHA-256(0x01 || left || right)`.
    public static func node(_ left: MerkleHash, _ right: MerkleHash) -> MerkleHash {
        var hasher = SHA256()
        Swift.withUnsafeBytes(of: UInt8(1)) { hasher.update(bufferPointer: $0) }
        Swift.withUnsafeBytes(of: left.words) { hasher.update(bufferPointer: $0) }
        Swift.withUnsafeBytes(of: right.words) { hasher.update(bufferPointer: $0) }
        return MerkleHash(digest: hasher.finalize())
    }

    private init(digest: SHA256.Digest) {
        words = (0, 0, 0, 0)
        digest.withUnsafeBytes { source in
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: source) }
        }
    }

    /// Exactly 32 bytes, or nil.
    public init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count == Self.byteCount else { return nil }
        words = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: bytes) }
    }

    public init?(bytes: [UInt8]) {
        guard let hash = bytes.withUnsafeBytes({ MerkleHash(bytes: $0) }) else { return nil }
        self = hash
    }

    /// Standard base64 (RFC 4648 §4), as checkpoints write it.
    public init?(base64: String) {
        guard let data = Data(base64Encoded: base64) else { return nil }
        self.init(bytes: Array(data))
    }

    /// 64 hex digits.
    public init?(hex: String) {
        guard let bytes = Hex.decode(hex) else { return nil }
        self.init(bytes: bytes)
    }

    public var bytes: [UInt8] {
        Swift.withUnsafeBytes(of: words) { Array($0) }
    }

    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try Swift.withUnsafeBytes(of: words, body)
    }

    public var hex: String { Hex.encode(bytes) }
    public var base64: String { Data(bytes).base64EncodedString() }
    public var description: String { hex }

    public static func == (lhs: MerkleHash, rhs: MerkleHash) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}
