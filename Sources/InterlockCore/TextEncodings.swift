/// Percent-encoded text, as URLs, query strings and form bodies carry it.
public enum PercentEncoding {
    /// Decodes `%XX` escapes; a malformed escape stays as it is. With `plusIsSpace` (form bodies and
    /// most query strings) `+` is a space; without it (AWS signatures, paths) `+` is a `+`.
    public static func decode(_ text: some StringProtocol, plusIsSpace: Bool) -> String {
        var text = String(text)
        return text.withUTF8 { decode($0[...], plusIsSpace: plusIsSpace) }
    }

    /// `a=1&b=&c` → `[(a, 1), (b, ""), (c, "")]`, each side decoded; order and repeats kept.
    public static func decodePairs(_ text: some StringProtocol, plusIsSpace: Bool) -> [(String, String)] {
        var text = String(text)
        return text.withUTF8 { bytes in
            var pairs: [(String, String)] = []
            var start = 0
            while start <= bytes.count {
                let end = bytes[start...].firstIndex(of: UInt8(ascii: "&")) ?? bytes.count
                // Empty fields (`a=1&&b=2`, a trailing `&`) are skipped, as splitting on `&` does.
                if end > start {
                    let field = bytes[start..<end]
                    if let equals = field.firstIndex(of: UInt8(ascii: "=")) {
                        pairs.append((decode(field[..<equals], plusIsSpace: plusIsSpace), decode(field[(equals + 1)...], plusIsSpace: plusIsSpace)))
                    } else {
                        pairs.append((decode(field, plusIsSpace: plusIsSpace), ""))
                    }
                }
                start = end + 1
            }
            return pairs
        }
    }

    private static func decode(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, plusIsSpace: Bool) -> String {
        guard bytes.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes), as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+"), plusIsSpace {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), bytes.endIndex - index > 2,
                      let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Text made safe for HTML and XML: element content and quoted attribute values alike.
public enum MarkupEscaping {
    public static func escape(_ text: some StringProtocol) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

extension String {
    /// Equality with ASCII letters folded to one case, without building lower-cased copies: for
    /// protocol names (HTTP header names) that are ASCII by definition. Other bytes must match
    /// exactly.
    public func equalsIgnoringASCIICase(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        for (a, b) in zip(utf8, other.utf8) where a != b {
            guard Self.asciiFolded(a) == Self.asciiFolded(b) else { return false }
        }
        return true
    }

    private static func asciiFolded(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
