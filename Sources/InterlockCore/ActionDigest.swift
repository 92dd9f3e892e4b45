import Crypto

/// The SHA-256 digest that binds an approval to one exact action.
///
/// Computed over the canonical encoding specified in `docs/action-digest.md` (version 1). What it
/// covers: the agent, the launching human, the task, the channel, the explicitly named environment,
/// the working directory, the host and the whole input. What it leaves out on purpose: the session id
/// (a retry may come from a new session), the agent's stated context (rewording the reason is not a
/// different action), object key order, and white space around a command or SQL text.
public struct ActionDigest: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    public init(_ action: Action) {
        var encoder = CanonicalEncoder()
        encoder.encode(action)
        self.bytes = Array(SHA256.hash(data: encoder.bytes))
    }

    /// Lower-case hex, prefixed `sha256:`.
    public var description: String { "sha256:" + hex }

    public var hex: String { Hex.encode(bytes) }

    /// Parses `sha256:<64 hex>` or bare hex.
    public init?(parsing text: String) {
        let hexText = text.hasPrefix("sha256:") ? String(text.dropFirst(7)) : text
        guard hexText.utf8.count == 64, let bytes = Hex.decode(hexText) else { return nil }
        self.bytes = bytes
    }
}

extension Action {
    public var digest: ActionDigest { ActionDigest(self) }
}

/// The canonical byte encoding of version 1 (`docs/action-digest.md`).
///
/// Every field is written in a fixed order as a one-byte tag followed by a value; every string is
/// length-prefixed, so no two different actions share an encoding.
struct CanonicalEncoder {
    var bytes: [UInt8] = []

    static let domain = Array("interlock.action.v1\n".utf8)

    // Value tags.
    static let absent: UInt8 = 0x00
    static let string: UInt8 = 0x01
    static let jsonNull: UInt8 = 0x10
    static let jsonFalse: UInt8 = 0x11
    static let jsonTrue: UInt8 = 0x12
    static let jsonInt: UInt8 = 0x13
    static let jsonDouble: UInt8 = 0x14
    static let jsonString: UInt8 = 0x15
    static let jsonArray: UInt8 = 0x16
    static let jsonObject: UInt8 = 0x17

    mutating func encode(_ action: Action) {
        bytes.append(contentsOf: Self.domain)
        field("a", action.principal.agent)
        field("l", action.principal.launchedBy)
        field("t", action.principal.task)
        field("c", action.channel.rawValue)
        field("e", action.environment)
        field("d", action.workingDirectory)
        field("h", action.host)
        field("k", action.input.kind)
        switch action.input {
        case .shell(let shell):
            field("S", trimmed(shell.command))
            field("s", shell.shell)
        case .sql(let sql):
            field("Q", trimmed(sql.text))
            field("q", sql.dialect)
            field("H", sql.databaseHost)
            field("D", sql.database)
        case .aws(let request):
            field("V", request.service)
            field("O", request.operation)
            tag("P")
            json(request.parameters)
            field("R", request.region)
            field("A", request.account)
            field("F", request.profile)
        case .tool(let call):
            field("M", call.server)
            field("T", call.tool)
            tag("J")
            json(call.arguments)
        case .file(let change):
            field("W", change.path)
            field("K", change.kind.rawValue)
            field("C", change.content)
            field("X", change.replacedText)
        case .plan(let plan):
            field("G", plan.tool)
            tag("Y")
            json(plan.plan)
        }
    }

    private mutating func tag(_ t: Character) {
        bytes.append(t.asciiValue!)
    }

    private mutating func field(_ t: Character, _ value: String?) {
        tag(t)
        guard let value else {
            bytes.append(Self.absent)
            return
        }
        bytes.append(Self.string)
        lengthPrefixed(value)
    }

    mutating func lengthPrefixed(_ value: String) {
        let utf8 = value.utf8
        uint32(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    private mutating func uint32(_ n: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: n >> 24))
        bytes.append(UInt8(truncatingIfNeeded: n >> 16))
        bytes.append(UInt8(truncatingIfNeeded: n >> 8))
        bytes.append(UInt8(truncatingIfNeeded: n))
    }

    private mutating func json(_ value: JSONValue) {
        switch value {
        case .null:
            bytes.append(Self.jsonNull)
        case .bool(let b):
            bytes.append(b ? Self.jsonTrue : Self.jsonFalse)
        case .int(let i):
            bytes.append(Self.jsonInt)
            let u = UInt64(bitPattern: i)
            for shift in stride(from: 56, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: u >> UInt64(shift)))
            }
        case .double(let d):
            // Integral values were folded into .int when parsed; what remains is written in Swift's
            // shortest round-trip decimal form, which is the same for the same Double.
            let folded = JSONValue.number(d)
            if case .int = folded {
                json(folded)
            } else {
                bytes.append(Self.jsonDouble)
                lengthPrefixed(d.description)
            }
        case .string(let s):
            bytes.append(Self.jsonString)
            lengthPrefixed(s)
        case .array(let items):
            bytes.append(Self.jsonArray)
            uint32(UInt32(items.count))
            for item in items { json(item) }
        case .object(let members):
            bytes.append(Self.jsonObject)
            uint32(UInt32(members.count))
            // Keys in the byte order of their UTF-8 encoding, which is independent of locale and of
            // Swift's String comparison (Unicode canonical equivalence).
            for key in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                lengthPrefixed(key)
                json(members[key]!)
            }
        }
    }

    private func trimmed(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

/// The digest of a document a classification read from the disk (a script, a Makefile, a
/// manifest): `sha256:` and the hex SHA-256 of its UTF-8 bytes.
public enum DocumentDigest {
    public static func of(_ text: String) -> String {
        "sha256:" + Hex.encode(Array(SHA256.hash(data: Array(text.utf8))))
    }
}

extension ActionDigest {
    /// What an approval binds to. An action whose facts came from files as well as from its own
    /// text (`./deploy.sh`, `make reset`, `kubectl apply -f app.yaml`) is bound to those files'
    /// contents too, so that an approval given after reading what they said cannot be spent on
    /// what they say after an edit: the action's digest when no file was read, else the SHA-256 of
    /// `interlock.binding.v1\n`, the action's digest, and each path (sorted by its UTF-8 bytes)
    /// with its document digest, each as a 4-byte big-endian length and its bytes.
    public static func binding(_ digest: ActionDigest, documents: [String: String]) -> ActionDigest {
        guard !documents.isEmpty else { return digest }
        var encoder = CanonicalEncoder()
        encoder.bytes = Array("interlock.binding.v1\n".utf8) + digest.bytes
        for path in documents.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            encoder.lengthPrefixed(path)
            encoder.lengthPrefixed(documents[path]!)
        }
        return ActionDigest(bytes: Array(SHA256.hash(data: encoder.bytes)))
    }
}
