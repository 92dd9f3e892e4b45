/// Removes secrets and personal data from text before it reaches disk, the audit log or an approval
/// card.
///
/// Each detector looks for one shape of secret and is strict about its boundaries, because a
/// reviewer who sees `[REDACTED:card-number]` where a request id was cannot judge the action. What
/// is found is replaced by `[REDACTED:KIND]`; the kinds found are returned so the record can say
/// which fields lost what. The digest an approval binds to is computed over the unredacted action
/// elsewhere, so redaction never changes what is approved.
public enum Redactor {
    /// What was found. The raw values appear in redacted text and in audit entries.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Comparable {
        case awsAccessKeyID = "aws-access-key-id"
        case awsSecretAccessKey = "aws-secret-access-key"
        case bearerToken = "bearer-token"
        case basicCredentials = "basic-credentials"
        case jwt
        case urlPassword = "url-password"
        case password
        case secret
        case privateKey = "private-key"
        case email
        case cardNumber = "card-number"
        case ssn

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public static func marker(_ kind: Kind) -> String { "[REDACTED:\(kind.rawValue)]" }

    /// The text with every secret replaced, and the kinds replaced (sorted, distinct).
    public static func redact(_ text: String) -> (text: String, kinds: [Kind]) {
        // Scanned in place: every field of every audit entry passes through here, and most hold
        // nothing to redact.
        var contiguous = text
        return contiguous.withUTF8 { redact(bytes: $0, original: text) }
    }

    /// Whether `redact` would change the text.
    public static func findsSecret(_ text: String) -> Bool {
        var contiguous = text
        return contiguous.withUTF8 { bytes in
            var scanner = Scanner(bytes: bytes)
            scanner.scan()
            return !scanner.matches.isEmpty
        }
    }

    private static func redact(bytes: UnsafeBufferPointer<UInt8>, original text: String) -> (text: String, kinds: [Kind]) {
        var scanner = Scanner(bytes: bytes)
        scanner.scan()
        guard !scanner.matches.isEmpty else { return (text, []) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var position = 0
        var kinds: Set<Kind> = []
        for match in scanner.resolvedMatches() {
            out.append(contentsOf: bytes[position..<match.start])
            out.append(contentsOf: marker(match.kind).utf8)
            kinds.insert(match.kind)
            position = match.end
        }
        out.append(contentsOf: bytes[position...])
        return (String(decoding: out, as: UTF8.self), kinds.sorted())
    }

    /// Is a field or variable with this name a secret whatever its value looks like? Names are
    /// compared without case, `-` and `_`: `PGPASSWORD`, `db_password`, `X-Api-Key`, `clientSecret`.
    public static func sensitiveName(_ name: some StringProtocol) -> Kind? {
        sensitiveName(bytes: name.utf8)
    }

    /// The same over bytes, without allocating: the scanner asks this at every `=` and `:`.
    static func sensitiveName<Bytes: Sequence<UInt8>>(bytes name: Bytes) -> Kind? {
        // Folded into a fixed buffer; names longer than it are not secrets' names.
        var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &buffer) { raw -> Kind? in
            var count = 0
            for c in name {
                let folded: UInt8
                switch c {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): folded = c + 32
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): folded = c
                default: continue
                }
                guard count < raw.count else { return nil }
                raw[count] = folded
                count += 1
            }
            guard count >= 3 else { return nil }
            let folded = UnsafeRawBufferPointer(rebasing: raw[0..<count])
            func has(_ word: StaticString) -> Bool {
                let w = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
                guard w.count <= folded.count else { return false }
                for start in 0...(folded.count - w.count) where folded[start] == w[0] {
                    if UnsafeRawBufferPointer(rebasing: folded[start..<start + w.count]).elementsEqual(w) { return true }
                }
                return false
            }
            func ends(_ word: StaticString) -> Bool {
                let w = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
                return w.count <= folded.count && UnsafeRawBufferPointer(rebasing: folded[(folded.count - w.count)...]).elementsEqual(w)
            }
            let kind: Kind
            if ends("pwd") || has("passw") {
                kind = .password
            } else if has("secret") || has("token") || has("apikey") || has("privatekey") || has("accesskey") || has("credential") {
                kind = .secret
            } else {
                return nil
            }
            // Counts and limits of tokens (`max_tokens`) are numbers about secrets, not secrets; and
            // names that mention a secret but hold something else: its id, type, location.
            if ends("tokens") || ends("count") || ends("limit") || ends("id") || ends("type") || ends("url")
                || ends("file") || ends("path") || ends("name") { return nil }
            return kind
        }
    }

    struct Match {
        var start: Int
        var end: Int
        var kind: Kind
    }

    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var matches: [Match] = []

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func scan() {
            privateKeyBlocks()
            var i = 0
            while i < bytes.count {
                let c = bytes[i]
                switch c {
                case UInt8(ascii: "A"):
                    awsAccessKeyID(at: i)
                case UInt8(ascii: "e"):
                    jwt(at: i)
                case UInt8(ascii: "B"), UInt8(ascii: "b"):
                    authorizationScheme(at: i)
                case UInt8(ascii: ":"):
                    urlPassword(colon: i)
                    assignment(separator: i)
                case UInt8(ascii: "="):
                    assignment(separator: i)
                case UInt8(ascii: "@"):
                    email(at: i)
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    if i == 0 || !isWordByte(bytes[i - 1]) {
                        ssn(at: i)
                        cardNumber(at: i)
                    }
                case UInt8(ascii: " "):
                    spacedFlagValue(space: i)
                default:
                    break
                }
                if isBase64Byte(c), i == 0 || !isBase64Byte(bytes[i - 1]) && bytes[i - 1] != UInt8(ascii: "=") {
                    awsSecretAccessKey(at: i)
                }
                i += 1
            }
        }

        /// Sorted by start; an overlapping later match is dropped, and on a shared start the longer wins.
        func resolvedMatches() -> [Match] {
            let sorted = matches.sorted { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
            var result: [Match] = []
            for match in sorted {
                if let last = result.last, match.start < last.end { continue }
                result.append(match)
            }
            return result
        }

        // MARK: Detectors

        /// `-----BEGIN … PRIVATE KEY-----` to the matching END line, or to the end of the text when
        /// the block is cut off (half a key is still a secret).
        private mutating func privateKeyBlocks() {
            let begin = Array("-----BEGIN ".utf8)
            var from = 0
            while let start = find(begin, from: from) {
                guard let headerEnd = find(Array("-----".utf8), from: start + begin.count) else { return }
                let label = bytes[(start + begin.count)..<headerEnd]
                guard label.reversed().starts(with: "PRIVATE KEY".utf8.reversed()) else {
                    from = headerEnd
                    continue
                }
                let endMarker = Array("-----END ".utf8) + Array(label) + Array("-----".utf8)
                let end = find(endMarker, from: headerEnd).map { $0 + endMarker.count } ?? bytes.count
                matches.append(Match(start: start, end: end, kind: .privateKey))
                from = end
            }
        }

        private static let accessKeyPrefixes = ["AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "ANPA", "ANVA", "APKA", "AROA", "ASCA"].map { Array($0.utf8) }

        /// `AKIA` and its siblings followed by 16 upper-case letters or digits.
        private mutating func awsAccessKeyID(at i: Int) {
            guard i + 20 <= bytes.count, i == 0 || !isWordByte(bytes[i - 1]) else { return }
            guard Self.accessKeyPrefixes.contains(where: { bytes[i..<i + 4].elementsEqual($0) }) else { return }
            for j in (i + 4)..<(i + 20) {
                let c = bytes[j]
                guard (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) else { return }
            }
            guard i + 20 == bytes.count || !isWordByte(bytes[i + 20]) else { return }
            matches.append(Match(start: i, end: i + 20, kind: .awsAccessKeyID))
        }

        /// 40 characters of the base64 alphabet standing alone, with upper case, lower case and a
        /// digit in them: the shape of every AWS secret access key, and not of hex digests, words
        /// or paths.
        private mutating func awsSecretAccessKey(at i: Int) {
            guard i + 40 <= bytes.count else { return }
            var upper = false, lower = false, digit = false
            for j in i..<(i + 40) {
                let c = bytes[j]
                guard isBase64Byte(c) else { return }
                switch c {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): upper = true
                case UInt8(ascii: "a")...UInt8(ascii: "z"): lower = true
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = true
                default: break
                }
            }
            guard upper, lower, digit else { return }
            if i + 40 < bytes.count {
                let next = bytes[i + 40]
                guard !isBase64Byte(next), next != UInt8(ascii: "=") else { return }
            }
            // A path segment is not a key: `/` inside is fine, but not as the first character.
            guard bytes[i] != UInt8(ascii: "/") else { return }
            matches.append(Match(start: i, end: i + 40, kind: .awsSecretAccessKey))
        }

        /// `eyJ…` header, `.`, `eyJ…` payload, `.`, signature (possibly empty): a JSON Web Token.
        private mutating func jwt(at i: Int) {
            guard i == 0 || !isBase64URLByte(bytes[i - 1]) else { return }
            guard bytes[i...].starts(with: "eyJ".utf8) else { return }
            var j = i
            var dots = 0
            var segmentLength = 0
            while j < bytes.count {
                let c = bytes[j]
                if c == UInt8(ascii: ".") {
                    guard segmentLength > 0 else { return }
                    dots += 1
                    if dots == 1, !bytes[(j + 1)...].starts(with: "eyJ".utf8) { return }
                    if dots > 2 { break }
                    segmentLength = 0
                } else if isBase64URLByte(c) {
                    segmentLength += 1
                } else {
                    break
                }
                j += 1
            }
            guard dots >= 2 else { return }
            matches.append(Match(start: i, end: j, kind: .jwt))
        }

        /// `Bearer TOKEN` and `Basic CREDENTIALS`, in headers and on command lines.
        private mutating func authorizationScheme(at i: Int) {
            guard i == 0 || !isWordByte(bytes[i - 1]) else { return }
            let kind: Kind
            let length: Int
            if hasPrefixIgnoringCase("bearer", at: i) {
                kind = .bearerToken
                length = 6
            } else if hasPrefixIgnoringCase("basic", at: i) {
                kind = .basicCredentials
                length = 5
            } else {
                return
            }
            var j = i + length
            guard j < bytes.count, bytes[j] == UInt8(ascii: " ") else { return }
            while j < bytes.count, bytes[j] == UInt8(ascii: " ") { j += 1 }
            let start = j
            while j < bytes.count, isTokenByte(bytes[j]) { j += 1 }
            // A token has some length and a digit or mixed case; "Bearer of bad news" has neither.
            guard j - start >= 8 else { return }
            matches.append(Match(start: start, end: j, kind: kind))
        }

        /// `scheme://user:PASSWORD@host`.
        private mutating func urlPassword(colon i: Int) {
            guard i + 3 < bytes.count, bytes[i + 1] == UInt8(ascii: "/"), bytes[i + 2] == UInt8(ascii: "/") else { return }
            var j = i + 3
            var passwordStart: Int?
            while j < bytes.count {
                let c = bytes[j]
                if c == UInt8(ascii: "@") {
                    guard let start = passwordStart, j > start else { return }
                    matches.append(Match(start: start, end: j, kind: .urlPassword))
                    return
                }
                if c == UInt8(ascii: "/") || c == UInt8(ascii: "?") || c == UInt8(ascii: "#") || isSpaceOrQuote(c) { return }
                if c == UInt8(ascii: ":"), passwordStart == nil { passwordStart = j + 1 }
                j += 1
            }
        }

        /// `NAME=VALUE` and `NAME: VALUE` where the name is a secret's name (`PGPASSWORD=…`,
        /// `password=…` in a connection string, `--token=…`, `"client_secret": "…"`).
        private mutating func assignment(separator i: Int) {
            let isColon = bytes[i] == UInt8(ascii: ":")
            if isColon, i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "/") { return }
            if !isColon, i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "=") { return }
            // The name: word bytes (and `-`) right before the separator, past one closing quote.
            var nameEnd = i
            if nameEnd > 0, bytes[nameEnd - 1] == UInt8(ascii: "\"") || bytes[nameEnd - 1] == UInt8(ascii: "'") { nameEnd -= 1 }
            var nameStart = nameEnd
            while nameStart > 0, isWordByte(bytes[nameStart - 1]) || bytes[nameStart - 1] == UInt8(ascii: "-") { nameStart -= 1 }
            guard nameStart < nameEnd, let kind = sensitiveName(bytes: bytes[nameStart..<nameEnd]) else { return }
            var j = i + 1
            while j < bytes.count, bytes[j] == UInt8(ascii: " ") { j += 1 }
            guard j < bytes.count else { return }
            value(from: j, kind: kind)
        }

        /// `--password VALUE`, `--token VALUE`: a secret-named long option and the next word.
        private mutating func spacedFlagValue(space i: Int) {
            var nameStart = i
            while nameStart > 0, isWordByte(bytes[nameStart - 1]) || bytes[nameStart - 1] == UInt8(ascii: "-") { nameStart -= 1 }
            guard i - nameStart > 2, bytes[nameStart] == UInt8(ascii: "-"), bytes[nameStart + 1] == UInt8(ascii: "-"),
                  let kind = sensitiveName(bytes: bytes[(nameStart + 2)..<i]) else { return }
            guard i + 1 < bytes.count, bytes[i + 1] != UInt8(ascii: "-") else { return }
            value(from: i + 1, kind: kind)
        }

        /// The value at `start`: a quoted string, or up to white space or a separator. A reference
        /// to a variable (`$PW`, `${PW}`) names the secret without holding it, so it stays.
        private mutating func value(from start: Int, kind: Kind) {
            var j = start
            var valueStart = start
            let quote = bytes[j]
            if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                valueStart = j + 1
                j = valueStart
                while j < bytes.count, bytes[j] != quote { j += 1 }
            } else {
                while j < bytes.count, !isSpaceOrQuote(bytes[j]), !isValueTerminator(bytes[j]) { j += 1 }
            }
            guard j > valueStart, bytes[valueStart] != UInt8(ascii: "$") else { return }
            // Already a marker: a second pass over redacted text must change nothing.
            if bytes[valueStart...].starts(with: "[REDACTED:".utf8) { return }
            matches.append(Match(start: valueStart, end: j, kind: kind))
        }

        /// `local@domain.tld`. Not `git@github.com:org/repo` (an scp-style remote names a server, not
        /// a person) and not `user@10.0.0.5`.
        private mutating func email(at i: Int) {
            var start = i
            while start > 0, isEmailLocalByte(bytes[start - 1]) { start -= 1 }
            guard start < i else { return }
            // `scheme://user@host` and `user:password@host` are URL user information, not mail.
            if start > 0, bytes[start - 1] == UInt8(ascii: ":") || bytes[start - 1] == UInt8(ascii: "/") { return }
            var j = i + 1
            var lastDot = -1
            while j < bytes.count {
                let c = bytes[j]
                if isAlphanumeric(c) || c == UInt8(ascii: "-") {
                    j += 1
                } else if c == UInt8(ascii: "."), j + 1 < bytes.count, isAlphanumeric(bytes[j + 1]) {
                    lastDot = j
                    j += 1
                } else {
                    break
                }
            }
            guard lastDot > i + 1 else { return }
            let tld = bytes[(lastDot + 1)..<j]
            guard tld.count >= 2, tld.allSatisfy(isLetter) else { return }
            if j < bytes.count, bytes[j] == UInt8(ascii: ":") { return }
            matches.append(Match(start: start, end: j, kind: .email))
        }

        /// `AAA-GG-SSSS` standing alone, with the ranges the SSA never issues excluded.
        private mutating func ssn(at i: Int) {
            guard i + 11 <= bytes.count else { return }
            let shape = "ddd-dd-dddd".utf8
            for (offset, expected) in shape.enumerated() {
                let c = bytes[i + offset]
                if expected == UInt8(ascii: "d") {
                    guard isDigit(c) else { return }
                } else {
                    guard c == UInt8(ascii: "-") else { return }
                }
            }
            if i + 11 < bytes.count {
                let next = bytes[i + 11]
                guard !isWordByte(next), next != UInt8(ascii: "-") else { return }
            }
            if i > 0, bytes[i - 1] == UInt8(ascii: "-") { return }
            let area = number(i, 3), group = number(i + 4, 2), serial = number(i + 7, 4)
            guard area != 0, area != 666, area < 900, group != 0, serial != 0 else { return }
            matches.append(Match(start: i, end: i + 11, kind: .ssn))
        }

        /// 13 to 19 digits, optionally grouped by single spaces or dashes, starting with a digit card
        /// networks issue (2–6), and passing the Luhn check.
        private mutating func cardNumber(at i: Int) {
            guard (UInt8(ascii: "2")...UInt8(ascii: "6")).contains(bytes[i]) else { return }
            var digits: [Int] = []
            var j = i
            var end = i
            var separator: UInt8?
            while j < bytes.count {
                let c = bytes[j]
                if isDigit(c) {
                    digits.append(Int(c - UInt8(ascii: "0")))
                    j += 1
                    end = j
                } else if c == UInt8(ascii: " ") || c == UInt8(ascii: "-"), j + 1 < bytes.count, isDigit(bytes[j + 1]), separator == nil || separator == c {
                    separator = c
                    j += 1
                } else {
                    break
                }
                if digits.count > 19 { return }
            }
            guard digits.count >= 13 else { return }
            if end < bytes.count, isWordByte(bytes[end]) { return }
            var sum = 0
            for (position, digit) in digits.reversed().enumerated() {
                if position % 2 == 1 {
                    let doubled = digit * 2
                    sum += doubled > 9 ? doubled - 9 : doubled
                } else {
                    sum += digit
                }
            }
            guard sum % 10 == 0 else { return }
            matches.append(Match(start: i, end: end, kind: .cardNumber))
        }

        // MARK: Helpers

        private func number(_ start: Int, _ count: Int) -> Int {
            bytes[start..<start + count].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        }

        private func find(_ needle: [UInt8], from: Int) -> Int? {
            guard needle.count <= bytes.count, from <= bytes.count - needle.count else { return nil }
            var i = from
            while i <= bytes.count - needle.count {
                if bytes[i] == needle[0], bytes[i..<i + needle.count].elementsEqual(needle) { return i }
                i += 1
            }
            return nil
        }

        /// `word` is lower case.
        private func hasPrefixIgnoringCase(_ word: StaticString, at i: Int) -> Bool {
            let count = word.utf8CodeUnitCount
            guard i + count <= bytes.count else { return false }
            let w = word.utf8Start
            for k in 0..<count where bytes[i + k] | 0x20 != w[k] { return false }
            return true
        }
    }
}

private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
private func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") }
private func isAlphanumeric(_ c: UInt8) -> Bool { isDigit(c) || isLetter(c) }
private func isWordByte(_ c: UInt8) -> Bool { isAlphanumeric(c) || c == UInt8(ascii: "_") }
private func isBase64Byte(_ c: UInt8) -> Bool { isAlphanumeric(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: "/") }
private func isBase64URLByte(_ c: UInt8) -> Bool { isAlphanumeric(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") }
private func isTokenByte(_ c: UInt8) -> Bool {
    isAlphanumeric(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") || c == UInt8(ascii: "~")
        || c == UInt8(ascii: "+") || c == UInt8(ascii: "/") || c == UInt8(ascii: "=")
}
private func isEmailLocalByte(_ c: UInt8) -> Bool {
    isAlphanumeric(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "%") || c == UInt8(ascii: "+") || c == UInt8(ascii: "-")
}
private func isSpaceOrQuote(_ c: UInt8) -> Bool {
    c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r")
        || c == UInt8(ascii: "\"") || c == UInt8(ascii: "'")
}
private func isValueTerminator(_ c: UInt8) -> Bool {
    c == UInt8(ascii: ";") || c == UInt8(ascii: "&") || c == UInt8(ascii: ",") || c == UInt8(ascii: ")") || c == UInt8(ascii: "}")
        || c == UInt8(ascii: "|") || c == UInt8(ascii: "`")
}
