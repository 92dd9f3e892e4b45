/// The canonical byte encoding of an `AuditEntry` (version 1, `docs/audit-log.md`).
///
/// ```
/// entry = 0x01 field*                      ; version byte, then fields in increasing tag order
/// field = tag:u8 length:u32be value        ; absent optional fields and empty lists are omitted
/// ```
/// Integers are big-endian, text is UTF-8, lists are `(length:u32be bytes)*`. One entry has exactly
/// one encoding: tags strictly increase, nothing is optional twice, nothing trails. The decoder
/// rejects anything else, so two different byte strings never decode to the same entry.
public enum AuditEntryCodec {
    public static let version: UInt8 = 1

    /// Field tags. Part of the log format: never renumber.
    enum Tag: UInt8 {
        case index = 1, time, kind, principal, launchedBy, channel, environment, actionDigest, action,
             redactions, effect, operations, targets, blastRadius, categories, findings, outcome, rule,
             reasons, approvers, policyHash, subject, detail, costMicroUSD
    }

    public static func encode(_ entry: AuditEntry) -> [UInt8] {
        var writer = Writer()
        writer.bytes.append(version)
        writer.integer(.index, entry.index)
        writer.integer(.time, UInt64(bitPattern: entry.timeMicros))
        writer.text(.kind, entry.kind.rawValue)
        writer.text(.principal, entry.principal)
        writer.text(.launchedBy, entry.launchedBy)
        writer.text(.channel, entry.channel)
        writer.text(.environment, entry.environment)
        writer.raw(.actionDigest, entry.actionDigest)
        writer.text(.action, entry.action)
        writer.list(.redactions, entry.redactions.flatMap { [$0.field, $0.kind] })
        writer.text(.effect, entry.effect)
        writer.list(.operations, entry.operations)
        writer.list(.targets, entry.targets)
        writer.text(.blastRadius, entry.blastRadius)
        writer.list(.categories, entry.categories)
        writer.list(.findings, entry.findings)
        writer.text(.outcome, entry.outcome)
        writer.text(.rule, entry.rule)
        writer.list(.reasons, entry.reasons)
        writer.list(.approvers, entry.approvers)
        writer.raw(.policyHash, entry.policyHash)
        writer.text(.subject, entry.subject)
        writer.text(.detail, entry.detail)
        if let cost = entry.costMicroUSD { writer.integer(.costMicroUSD, cost) }
        return writer.bytes
    }

    /// The index an encoded entry claims, read without decoding the rest (the verifier's fast path).
    /// Nil when the bytes do not start the way every version-1 entry starts.
    public static func claimedIndex(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count >= 14, bytes[0] == version, bytes[1] == Tag.index.rawValue,
              bytes[2] == 0, bytes[3] == 0, bytes[4] == 0, bytes[5] == 8 else { return nil }
        var value: UInt64 = 0
        for i in 6..<14 { value = value << 8 | UInt64(bytes[i]) }
        return value
    }

    /// Writes `index` into an encoded entry in place. The index is the first field at a fixed
    /// offset, so an entry can be encoded before the log knows its position (on the caller's core)
    /// and numbered by the log's single writer.
    public static func setIndex(_ index: UInt64, in bytes: inout [UInt8]) {
        precondition(bytes.withUnsafeBytes { claimedIndex($0) } != nil, "not an encoded version-1 entry")
        for i in 0..<8 { bytes[6 + i] = UInt8(truncatingIfNeeded: index >> UInt64(56 - 8 * i)) }
    }

    public static func decode(_ bytes: [UInt8]) throws(AuditEntryDecodingError) -> AuditEntry {
        guard let first = bytes.first else { throw AuditEntryDecodingError(offset: 0, message: "empty entry") }
        guard first == version else {
            throw AuditEntryDecodingError(offset: 0, message: "unknown entry version \(first)")
        }
        var fields: [Tag: ArraySlice<UInt8>] = [:]
        var offset = 1
        var lastTag: UInt8 = 0
        while offset < bytes.count {
            guard bytes.count - offset >= 5 else {
                throw AuditEntryDecodingError(offset: offset, message: "truncated field header")
            }
            let rawTag = bytes[offset]
            guard let tag = Tag(rawValue: rawTag) else {
                throw AuditEntryDecodingError(offset: offset, message: "unknown field tag \(rawTag)")
            }
            guard rawTag > lastTag else {
                throw AuditEntryDecodingError(offset: offset, message: "field tag \(rawTag) out of order")
            }
            lastTag = rawTag
            let length = Int(readUInt32(bytes, at: offset + 1))
            offset += 5
            guard bytes.count - offset >= length else {
                throw AuditEntryDecodingError(offset: offset, message: "field \(rawTag) runs past the end")
            }
            fields[tag] = bytes[offset..<offset + length]
            offset += length
        }
        let reader = Reader(fields: fields)
        guard let kindText = try reader.text(.kind) else { throw reader.missing(.kind) }
        guard let kind = AuditEntry.Kind(rawValue: kindText) else {
            throw AuditEntryDecodingError(offset: 0, message: "unknown entry kind `\(kindText)`")
        }
        let redactionItems = try reader.list(.redactions)
        guard redactionItems.count % 2 == 0 else {
            throw AuditEntryDecodingError(offset: 0, message: "redactions must come in pairs")
        }
        var redactions: [AuditEntry.Redaction] = []
        for pair in stride(from: 0, to: redactionItems.count, by: 2) {
            redactions.append(.init(field: redactionItems[pair], kind: redactionItems[pair + 1]))
        }
        guard let index = try reader.integer(.index) else { throw reader.missing(.index) }
        guard let time = try reader.integer(.time) else { throw reader.missing(.time) }
        guard let principal = try reader.text(.principal) else { throw reader.missing(.principal) }
        return AuditEntry(
            index: index, timeMicros: Int64(bitPattern: time), kind: kind, principal: principal,
            launchedBy: try reader.text(.launchedBy), channel: try reader.text(.channel),
            environment: try reader.text(.environment), actionDigest: try reader.hash(.actionDigest),
            action: try reader.text(.action), redactions: redactions, effect: try reader.text(.effect),
            operations: try reader.list(.operations), targets: try reader.list(.targets),
            blastRadius: try reader.text(.blastRadius), categories: try reader.list(.categories),
            findings: try reader.list(.findings), outcome: try reader.text(.outcome), rule: try reader.text(.rule),
            reasons: try reader.list(.reasons), approvers: try reader.list(.approvers),
            policyHash: try reader.hash(.policyHash), subject: try reader.text(.subject), detail: try reader.text(.detail),
            costMicroUSD: try reader.integer(.costMicroUSD))
    }

    private struct Writer {
        var bytes: [UInt8] = []

        mutating func header(_ tag: Tag, length: Int) {
            bytes.append(tag.rawValue)
            appendUInt32(UInt32(length))
        }

        mutating func appendUInt32(_ value: UInt32) {
            bytes.append(UInt8(value >> 24))
            bytes.append(UInt8(value >> 16 & 0xff))
            bytes.append(UInt8(value >> 8 & 0xff))
            bytes.append(UInt8(value & 0xff))
        }

        mutating func integer(_ tag: Tag, _ value: UInt64) {
            header(tag, length: 8)
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(value >> UInt64(shift) & 0xff)) }
        }

        mutating func text(_ tag: Tag, _ value: String?) {
            guard let value else { return }
            header(tag, length: value.utf8.count)
            bytes.append(contentsOf: value.utf8)
        }

        mutating func raw(_ tag: Tag, _ value: [UInt8]?) {
            guard let value else { return }
            header(tag, length: value.count)
            bytes.append(contentsOf: value)
        }

        mutating func list(_ tag: Tag, _ items: [String]) {
            guard !items.isEmpty else { return }
            header(tag, length: items.reduce(0) { $0 + 4 + $1.utf8.count })
            for item in items {
                appendUInt32(UInt32(item.utf8.count))
                bytes.append(contentsOf: item.utf8)
            }
        }
    }

    private struct Reader {
        var fields: [Tag: ArraySlice<UInt8>]

        func missing(_ tag: Tag) -> AuditEntryDecodingError {
            AuditEntryDecodingError(offset: 0, message: "required field \(tag.rawValue) (\(tag)) is missing")
        }

        func integer(_ tag: Tag) throws(AuditEntryDecodingError) -> UInt64? {
            guard let value = fields[tag] else { return nil }
            guard value.count == 8 else {
                throw AuditEntryDecodingError(offset: value.startIndex, message: "field \(tag) must be 8 bytes")
            }
            return value.reduce(0) { $0 << 8 | UInt64($1) }
        }

        func text(_ tag: Tag) throws(AuditEntryDecodingError) -> String? {
            guard let value = fields[tag] else { return nil }
            return try utf8(value, tag: tag)
        }

        func hash(_ tag: Tag) throws(AuditEntryDecodingError) -> [UInt8]? {
            guard let value = fields[tag] else { return nil }
            guard value.count == 32 else {
                throw AuditEntryDecodingError(offset: value.startIndex, message: "field \(tag) must be 32 bytes")
            }
            return Array(value)
        }

        func list(_ tag: Tag) throws(AuditEntryDecodingError) -> [String] {
            guard let value = fields[tag] else { return [] }
            guard !value.isEmpty else {
                throw AuditEntryDecodingError(offset: value.startIndex, message: "empty list field \(tag) must be omitted")
            }
            var items: [String] = []
            var offset = value.startIndex
            while offset < value.endIndex {
                guard value.endIndex - offset >= 4 else {
                    throw AuditEntryDecodingError(offset: offset, message: "truncated item length in \(tag)")
                }
                let length = Int(readUInt32(value, at: offset))
                offset += 4
                guard value.endIndex - offset >= length else {
                    throw AuditEntryDecodingError(offset: offset, message: "item in \(tag) runs past its field")
                }
                items.append(try utf8(value[offset..<offset + length], tag: tag))
                offset += length
            }
            return items
        }

        private func utf8(_ bytes: ArraySlice<UInt8>, tag: Tag) throws(AuditEntryDecodingError) -> String {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw AuditEntryDecodingError(offset: bytes.startIndex, message: "field \(tag) is not UTF-8")
            }
            return text
        }
    }

    private static func readUInt32<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at offset: Int) -> UInt32 where Bytes.Index == Int {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }
}

public struct AuditEntryDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Byte offset in the encoded entry.
    public var offset: Int
    public var message: String

    public var description: String { "byte \(offset): \(message)" }
}
