import Crypto
import FoundationEssentials
import InterlockCore

/// A signed statement of the log's size and root, in the C2SP `tlog-checkpoint` format wrapped in a
/// C2SP `signed-note`:
///
/// ```
/// interlock.local/audit/3f2a…      ← origin: names the log
/// 1042                             ← tree size, decimal
/// 9PEWFlP3…=                       ← root hash, standard base64
///                                  ← blank line ends the signed text
/// — interlock.local/audit/3f2a… Ab3x…   ← em dash, key name, base64(key id ‖ Ed25519 signature)
/// ```
///
/// The signature covers the text up to and including the newline after the root. A checkpoint is a
/// commitment outside the database: once one has left the machine, rewriting history means
/// producing a tree with the same root, which SHA-256 rules out.
public struct Checkpoint: Sendable, Hashable {
    public var origin: String
    public var size: UInt64
    public var root: MerkleHash

    public init(origin: String, size: UInt64, root: MerkleHash) {
        self.origin = origin
        self.size = size
        self.root = root
    }

    /// The signed text: origin, size and root, each ending in a newline.
    public var body: String { "\(origin)\n\(size)\n\(root.base64)\n" }

    public func signed(by key: CheckpointSigner) throws -> SignedCheckpoint {
        let signature = try key.sign(Array(body.utf8))
        return SignedCheckpoint(checkpoint: self, signatures: [.init(keyName: key.name, keyID: key.keyID, signature: signature)])
    }
}

public struct SignedCheckpoint: Sendable, Hashable {
    public struct Signature: Sendable, Hashable {
        public var keyName: String
        public var keyID: UInt32
        public var signature: [UInt8]
    }

    public var checkpoint: Checkpoint
    public var signatures: [Signature]

    /// The note as it is written to disk and to log shippers.
    public var text: String {
        var text = checkpoint.body + "\n"
        for s in signatures {
            var blob = withUnsafeBytes(of: s.keyID.bigEndian) { Array($0) }
            blob.append(contentsOf: s.signature)
            text += "\u{2014} \(s.keyName) \(Data(blob).base64EncodedString())\n"
        }
        return text
    }

    /// Parses a note. Checks its shape only; `verify(with:)` checks the signature.
    public init(parsing text: String) throws(CheckpointError) {
        // The signed text ends at the last blank line; signature lines follow it.
        let utf8 = Array(text.utf8)
        guard let split = (0..<max(0, utf8.count - 1)).reversed().first(where: { utf8[$0] == 0x0A && utf8[$0 + 1] == 0x0A }) else {
            throw CheckpointError("no blank line between the checkpoint and its signatures")
        }
        let body = String(decoding: utf8[...split], as: UTF8.self)
        let signatureText = String(decoding: utf8[(split + 2)...], as: UTF8.self)
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard lines.count >= 3 else { throw CheckpointError("a checkpoint needs an origin, a size and a root hash") }
        let origin = String(lines[lines.startIndex])
        guard !origin.isEmpty else { throw CheckpointError("empty origin line") }
        let sizeText = lines[lines.startIndex + 1]
        guard let size = UInt64(sizeText), sizeText.first != "+", sizeText == String(size) else {
            throw CheckpointError("tree size `\(sizeText)` is not a decimal number without leading zeros")
        }
        guard let root = MerkleHash(base64: String(lines[lines.startIndex + 2])) else {
            throw CheckpointError("root hash is not 32 bytes of base64")
        }
        var signatures: [Signature] = []
        for line in signatureText.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { continue }
            guard line.hasPrefix("\u{2014} ") else { throw CheckpointError("signature line does not start with an em dash and a space") }
            let parts = line.dropFirst(2).split(separator: " ")
            guard parts.count == 2, let blob = Data(base64Encoded: String(parts[1])), blob.count > 4 else {
                throw CheckpointError("malformed signature line")
            }
            let bytes = Array(blob)
            let keyID = bytes[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            signatures.append(.init(keyName: String(parts[0]), keyID: keyID, signature: Array(bytes[4...])))
        }
        guard !signatures.isEmpty else { throw CheckpointError("the checkpoint carries no signature") }
        self.checkpoint = Checkpoint(origin: origin, size: size, root: root)
        self.signatures = signatures
        // Extension lines after the root would be signed but ignored here; refuse them rather than
        // verify text we do not understand.
        guard lines.count == 3 else { throw CheckpointError("unexpected extension lines after the root hash") }
    }

    init(checkpoint: Checkpoint, signatures: [Signature]) {
        self.checkpoint = checkpoint
        self.signatures = signatures
    }

    /// True when a signature by `key` (same name and key id) verifies over the body.
    public func verify(with key: CheckpointVerifier) -> Bool {
        guard let signature = signatures.first(where: { $0.keyName == key.name && $0.keyID == key.keyID }) else { return false }
        return key.publicKey.isValidSignature(signature.signature, for: Array(checkpoint.body.utf8))
    }
}

public struct CheckpointError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// C2SP signed-note key ids: the first four bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key),
/// where 0x01 says Ed25519.
func noteKeyID(name: String, publicKey: [UInt8]) -> UInt32 {
    var material = Array(name.utf8)
    material.append(0x0A)
    material.append(0x01)
    material.append(contentsOf: publicKey)
    return SHA256.hash(data: material).prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
}

/// The log's signing key: an Ed25519 private key and the name its signatures carry.
public struct CheckpointSigner: Sendable {
    public let name: String
    let privateKey: Curve25519.Signing.PrivateKey

    public init(name: String, privateKey: Curve25519.Signing.PrivateKey) {
        self.name = name
        self.privateKey = privateKey
    }

    public var keyID: UInt32 { noteKeyID(name: name, publicKey: Array(privateKey.publicKey.rawRepresentation)) }
    public var verifier: CheckpointVerifier { CheckpointVerifier(name: name, publicKey: privateKey.publicKey) }

    func sign(_ message: [UInt8]) throws -> [UInt8] {
        Array(try privateKey.signature(for: message))
    }
}

/// A public key that checks checkpoints, in the signed-note verifier key format:
/// `NAME+KEYID+BASE64(0x01 ‖ public key)`, KEYID as eight hex digits.
public struct CheckpointVerifier: Sendable, Hashable {
    public let name: String
    public let publicKey: Curve25519.Signing.PublicKey

    public init(name: String, publicKey: Curve25519.Signing.PublicKey) {
        self.name = name
        self.publicKey = publicKey
    }

    public var keyID: UInt32 { noteKeyID(name: name, publicKey: Array(publicKey.rawRepresentation)) }

    public var text: String {
        let id = Hex.encode(withUnsafeBytes(of: keyID.bigEndian) { Array($0) })
        return "\(name)+\(id)+\(Data([0x01] + Array(publicKey.rawRepresentation)).base64EncodedString())"
    }

    public init(parsing text: String) throws(CheckpointError) {
        let trimmed = text.split(whereSeparator: \.isWhitespace).first.map(String.init) ?? ""
        let parts = trimmed.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let keyBlob = Data(base64Encoded: String(parts[2])), keyBlob.count == 33, keyBlob.first == 0x01,
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBlob.dropFirst()) else {
            throw CheckpointError("not a verifier key (NAME+KEYID+BASE64 of an Ed25519 key)")
        }
        self.name = String(parts[0])
        self.publicKey = key
        guard Hex.encode(withUnsafeBytes(of: keyID.bigEndian) { Array($0) }) == parts[1].lowercased() else {
            throw CheckpointError("verifier key id \(parts[1]) does not match its name and key")
        }
    }

    public static func == (lhs: CheckpointVerifier, rhs: CheckpointVerifier) -> Bool {
        lhs.name == rhs.name && lhs.publicKey.rawRepresentation == rhs.publicKey.rawRepresentation
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(publicKey.rawRepresentation)
    }
}
