import Crypto
import Synchronization
import InterlockCore

/// AWS Signature Version 4, as the AWS General Reference specifies it: the canonical request, the
/// string to sign, the date-scoped signing key and the signature. The proxy uses it both ways: to
/// verify what an agent signed, and to sign what it forwards with the upstream credentials.
///
/// Everything here works on bytes and strings only; the clock is a parameter.
public enum SigV4 {
    public static let algorithm = "AWS4-HMAC-SHA256"
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    /// One header as it appeared on the wire; a name may appear more than once.
    public typealias Header = (name: String, value: String)

    /// Where the signature covers a request: scope (date, region, service) and time.
    public struct Scope: Sendable, Hashable {
        /// `YYYYMMDD`.
        public var date: String
        public var region: String
        public var service: String

        public init(date: String, region: String, service: String) {
            self.date = date
            self.region = region
            self.service = service
        }

        public var text: String { "\(date)/\(region)/\(service)/aws4_request" }
    }

    // MARK: Canonical request

    /// The canonical URI. S3 paths are signed as they are (an object key may hold `//` or `..`);
    /// every other service signs the normalized path, each byte URI-encoded once more, so that a
    /// `%` the client sent is signed as `%25`.
    public static func canonicalURI(path: String, service: String) -> String {
        if path.isEmpty { return "/" }
        if service == "s3" {
            return uriEncode(Array(PercentEncoding.decode(path, plusIsSpace: false).utf8), keepSlash: true)
        }
        return uriEncode(Array(normalizedPath(path).utf8), keepSlash: true)
    }

    /// The canonical query string: names and values decoded, encoded again the one way AWS
    /// does, sorted by name and then value. `excluding` drops a parameter (the presigned
    /// signature, which cannot sign itself).
    public static func canonicalQuery(_ rawQuery: String, excluding: String? = nil) -> String {
        guard !rawQuery.isEmpty else { return "" }
        var pairs: [(String, String)] = []
        for (name, value) in PercentEncoding.decodePairs(rawQuery, plusIsSpace: false) where name != excluding {
            pairs.append((uriEncode(Array(name.utf8), keepSlash: false), uriEncode(Array(value.utf8), keepSlash: false)))
        }
        pairs.sort { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// `name:value\n` for each signed header: names lower-cased, values trimmed with inner runs of
    /// spaces collapsed, repeated headers joined with commas in the order they came. Nil when a
    /// header the signature names is absent.
    public static func canonicalHeaders(_ headers: [Header], signed: [String]) -> String? {
        // Signed names are few and already lower case: each is matched against the headers in
        // place, so headers that are not signed cost no lower-casing or copying.
        var out = ""
        for name in signed {
            var first = true
            for header in headers where header.name.equalsIgnoringASCIICase(name) {
                out += first ? name + ":" : ","
                out += canonicalValue(header.value)
                first = false
            }
            if first { return nil }
            out += "\n"
        }
        return out
    }

    /// Trimmed, with every run of whitespace inside collapsed to one space (on UTF-8 code units;
    /// whitespace is ASCII).
    static func canonicalValue(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for byte in value.utf8 {
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(0x20) }
                pendingSpace = false
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func canonicalRequest(
        method: String, path: String, query: String, headers: [Header], signedHeaders: [String], payloadHash: String,
        service: String, excludingQuery: String? = nil
    ) -> String? {
        guard let canonical = canonicalHeaders(headers, signed: signedHeaders) else { return nil }
        return [method.uppercased(), canonicalURI(path: path, service: service), canonicalQuery(query, excluding: excludingQuery),
                canonical, signedHeaders.joined(separator: ";"), payloadHash].joined(separator: "\n")
    }

    public static func stringToSign(amzDate: String, scope: Scope, canonicalRequest: String) -> String {
        [algorithm, amzDate, scope.text, hexSHA256(Array(canonicalRequest.utf8))].joined(separator: "\n")
    }

    // MARK: Keys and signatures

    /// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
    public static func signingKey(secret: String, scope: Scope) -> SymmetricKey {
        // Derived once per secret and scope (date, region, service), as AWS's SDKs do: the four
        // HMACs were a noticeable part of every verified and re-signed call.
        let cacheKey = secret + "\u{0}" + scope.date + "\u{0}" + scope.region + "\u{0}" + scope.service
        if let cached = derivedKeys.withLock({ $0[cacheKey] }) { return cached }
        let key = deriveSigningKey(secret: secret, scope: scope)
        derivedKeys.withLock { cache in
            if cache.count >= 1024 { cache.removeAll() }
            cache[cacheKey] = key
        }
        return key
    }

    private static let derivedKeys = Mutex<[String: SymmetricKey]>([:])

    static func deriveSigningKey(secret: String, scope: Scope) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secret).utf8))
        for part in [scope.date, scope.region, scope.service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    public static func signature(key: SymmetricKey, stringToSign: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key).withUnsafeBytes { Hex.encode($0) }
    }

    public static func hexSHA256(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).withUnsafeBytes { Hex.encode($0) } }

    /// Compares two signatures without an early exit, so that timing says nothing about how much
    /// of a forged signature was right.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    // MARK: Encodings

    static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// RFC 3986 encoding as AWS applies it: only `A–Z a–z 0–9 - . _ ~` stay as they are (and `/`
    /// in paths); every other byte becomes `%XX` with upper-case hex.
    public static func uriEncode(_ bytes: [UInt8], keepSlash: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: "/") where keepSlash:
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 3986 dot-segment removal, with empty segments dropped too (`//a//` → `/a/`), as AWS
    /// normalizes paths for every service but S3.
    static func normalizedPath(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." { _ = segments.popLast(); continue }
            segments.append(segment)
        }
        var out = "/" + segments.joined(separator: "/")
        let last = path.split(separator: "/", omittingEmptySubsequences: false).last
        if path.hasSuffix("/") || last == "." || last == "..", !segments.isEmpty { out += "/" }
        return out
    }
}

/// A point in time as AWS writes it in `X-Amz-Date`: `YYYYMMDD'T'HHMMSS'Z'`.
public enum AmzDate {
    /// Seconds since 1970 for an `X-Amz-Date` value, or nil when it is not one.
    public static func seconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
              let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        return daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// The `X-Amz-Date` text for seconds since 1970.
    public static func text(seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        let (year, month, day) = civil(days: days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(year, 4) + pad(month, 2) + pad(day, 2) + "T" + pad(rest / 3600, 2) + pad(rest % 3600 / 60, 2) + pad(rest % 60, 2) + "Z"
    }

    // Howard Hinnant's civil-calendar algorithms (days from 1970-01-01, proleptic Gregorian).
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
