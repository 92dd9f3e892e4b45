import Crypto
import Foundation
import InterlockAudit

/// The Ed25519 key that signs checkpoints, kept in a file only its owner can read.
///
/// Generated on first start. The private key file holds the 32-byte seed in base64 and is created
/// with mode 0600 before a byte is written; a key file anyone else can read is refused, as ssh
/// does. The public half is written beside it in the signed-note verifier format, for anyone who
/// wants to check checkpoints. Rotation (`rotate`) replaces the private key and deletes the old
/// one; the old public key stays in the store's key table, so old checkpoints keep verifying.
enum AuditSigningKey {
    static func loadOrCreate(home: InterlockHome, name: String) throws -> CheckpointSigner {
        let path = home.signingKeyPath
        if FileManager.default.fileExists(atPath: path) {
            return try load(path: path, name: name)
        }
        return try create(home: home, name: name)
    }

    static func load(path: String, name: String) throws -> CheckpointSigner {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        if let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw StoreError("\(path): the audit signing key is readable by others (mode \(String(mode, radix: 8))); run `chmod 600 \(path)`")
        }
        let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let seed = Data(base64Encoded: text), seed.count == 32,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw StoreError("\(path): not an Ed25519 signing key (32 bytes, base64)")
        }
        return CheckpointSigner(name: name, privateKey: key)
    }

    @discardableResult
    static func create(home: InterlockHome, name: String) throws -> CheckpointSigner {
        try home.prepare()
        let key = Curve25519.Signing.PrivateKey()
        let signer = CheckpointSigner(name: name, privateKey: key)
        try writePrivate(key.rawRepresentation.base64EncodedString() + "\n", to: home.signingKeyPath)
        try (signer.verifier.text + "\n").write(toFile: home.verifierKeyPath, atomically: true, encoding: .utf8)
        return signer
    }

    /// Writes through a temporary file created 0600, then renames over the target, so the key is
    /// never readable by others and never half-written.
    private static func writePrivate(_ text: String, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw StoreError("\(temporary): cannot create (\(String(cString: strerror(errno))))") }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == bytes.count, synced == 0 else {
            unlink(temporary)
            throw StoreError("\(temporary): cannot write the signing key")
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw StoreError("\(path): cannot install the signing key (\(String(cString: strerror(errno))))")
        }
    }
}
