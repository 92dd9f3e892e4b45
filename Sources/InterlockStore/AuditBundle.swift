import Foundation
import InterlockAudit
import InterlockCore

/// The export bundle (`interlock audit export`): a directory that verifies with nothing else.
///
/// ```
/// origin            the log's origin line
/// keys              every verifier key the log has used, one per line
/// checkpoints/      signed checkpoints, one file each
/// entries.jsonl     {"index", "entry": base64 of the hashed bytes, "leaf": hex, "decoded": {...}}
/// ```
/// Verification hashes the `entry` bytes, never the readable `decoded` view; it also checks that
/// the view says what the bytes say, so an edited view is caught as well.
public enum AuditBundle {
    static func line(index: UInt64, bytes: [UInt8], leaf: [UInt8]) -> String {
        var object: [String: JSONValue] = [
            "index": .int(Int64(bitPattern: index)),
            "entry": .string(Data(bytes).base64EncodedString()),
            "leaf": .string(Hex.encode(leaf)),
        ]
        if let entry = try? AuditEntryCodec.decode(bytes) { object["decoded"] = entry.json }
        return JSONValue.object(object).jsonText()
    }

    /// Verifies a bundle directory. `keys` replaces the bundle's own key list when given (a
    /// verifier that got the public key elsewhere should not trust the bundle to name it).
    public static func verify(directory: URL, trusted: [(SignedCheckpoint, String)] = [], keys: [CheckpointVerifier]? = nil) throws -> AuditLogVerifier.Report {
        func read(_ name: String) throws -> String {
            let path = directory.appendingPathComponent(name).path
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw StoreError("\(path): cannot be read") }
            return text
        }
        let origin = try read("origin").trimmingCharacters(in: .whitespacesAndNewlines)
        let bundleKeys = try keys ?? read("keys").split(separator: "\n").map { line -> CheckpointVerifier in
            do { return try CheckpointVerifier(parsing: String(line)) } catch { throw StoreError("\(directory.path)/keys: \(error)") }
        }
        let files = AuditLog.checkpointFiles(in: directory.appendingPathComponent("checkpoints"))
        var verifier = AuditLogVerifier(origin: origin, keys: bundleKeys, checkpoints: files.checkpoints, trusted: trusted)
        let path = directory.appendingPathComponent("entries.jsonl").path
        guard let data = FileManager.default.contents(atPath: path) else { throw StoreError("\(path): cannot be read") }
        var viewMismatch: AuditLogVerifier.Problem?
        var lineNumber = 0
        for line in data.split(separator: 0x0A) {
            lineNumber += 1
            let json: JSONValue
            do { json = try JSONValue.parse(Data(line)) } catch { throw StoreError("\(path):\(lineNumber): \(error)") }
            guard case .int(let index)? = json["index"], index >= 0,
                  let entryText = json["entry"]?.stringValue, let bytes = Data(base64Encoded: entryText),
                  let leafText = json["leaf"]?.stringValue, let leaf = Hex.decode(leafText) else {
                throw StoreError("\(path):\(lineNumber): needs `index`, `entry` (base64) and `leaf` (hex)")
            }
            let entryBytes = Array(bytes)
            if viewMismatch == nil {
                let decoded = try? AuditEntryCodec.decode(entryBytes)
                if decoded?.json != json["decoded"] {
                    viewMismatch = .init(kind: .modified, index: UInt64(index), message: "the readable `decoded` view on line \(lineNumber) does not match the entry's hashed bytes")
                }
            }
            entryBytes.withUnsafeBytes { entry in
                leaf.withUnsafeBytes { leaf in
                    verifier.consume(rowIndex: UInt64(index), entry: entry, storedLeaf: leaf, storedNodes: nil)
                }
            }
        }
        var report = verifier.finish()
        if let first = files.unreadable.first, report.problem == nil {
            report.problem = .init(kind: .badCheckpoint, index: 0, message: first)
        }
        if report.problem == nil, let viewMismatch { report.problem = viewMismatch }
        return report
    }
}
