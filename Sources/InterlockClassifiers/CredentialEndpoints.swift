import InterlockCore

/// Link-local services that hand the machine's credentials to whoever asks from the machine: the
/// EC2 instance metadata service (`169.254.169.254`, `fd00:ec2::254`), the ECS task and EKS Pod
/// Identity credential endpoints (`169.254.170.2`, `169.254.170.23`), Google's and Azure's
/// metadata servers. An agent that fetches the role's keys from one holds what the role grants
/// and can act without Interlock, as with `cat ~/.aws/credentials` (`CredentialFiles`).
///
/// Hosts are compared as the clients resolve them: an IPv4 address in any form `inet_aton` and
/// curl accept (`2852039166`, `0xa9fea9fe`, `0251.0376.0251.0376`, `169.254.43518`), IPv6 with
/// or without an embedded IPv4 (`[::ffff:169.254.169.254]`), and the names that resolve to them.
enum CredentialEndpoints {
    /// Why a request to `url` hands out credentials, or nil. `url` may lack a scheme (curl takes
    /// `169.254.169.254/latest/…` as http). A URL whose path is not known (`pathKnown` false: a
    /// variable after the host) is taken to ask for the credentials.
    static func reason(_ url: String, pathKnown: Bool = true) -> String? {
        guard mayNameMetadataHost(url), let (host, path) = hostAndPath(url), let service = service(host) else { return nil }
        if service.credentialsOnly { return "`\(host)` is \(service.name), which answers every request with credentials" }
        let decoded = PercentEncoding.decode(path, plusIsSpace: false).lowercased()
        guard !pathKnown || credentialPathWords.contains(where: { decoded.containsASCII($0) }) || decoded.containsASCII("..") else { return nil }
        return "`\(host)` is \(service.name), and `\(path.isEmpty ? "/" : path)` \(pathKnown ? "asks it for" : "may ask it for") the machine's credentials or user data"
    }

    /// Path words under which metadata services keep credentials, tokens and user data (which
    /// often carries secrets): EC2's `iam/security-credentials` and `identity-credentials`,
    /// `user-data`; GCP's `service-accounts/…/token`; Azure's `identity/oauth2/token`.
    static let credentialPathWords: [StaticString] = ["credential", "user-data", "userdata", "service-account", "token", "identity", "secret", "password"]

    struct Service {
        var name: String
        /// True for endpoints that serve nothing but credentials.
        var credentialsOnly: Bool
    }

    static func service(_ host: String) -> Service? {
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        switch name {
        case "metadata.google.internal", "metadata.goog", "metadata":
            return Service(name: "Google Cloud's metadata server", credentialsOnly: false)
        case "instance-data", "instance-data.ec2.internal":
            return Service(name: "the EC2 instance metadata service", credentialsOnly: false)
        default:
            break
        }
        guard let bytes = ipv4(name) ?? ipv6(name).flatMap(embeddedIPv4OrEC2) else { return nil }
        switch bytes {
        case [169, 254, 169, 254]: return Service(name: "the instance metadata service (EC2, Azure, GCP and others)", credentialsOnly: false)
        case [169, 254, 170, 2]: return Service(name: "the ECS task credentials endpoint", credentialsOnly: true)
        case [169, 254, 170, 23]: return Service(name: "the EKS Pod Identity credentials endpoint", credentialsOnly: true)
        case [100, 100, 100, 200]: return Service(name: "Alibaba Cloud's metadata service", credentialsOnly: false)
        default: return nil
        }
    }

    /// Whether the URL's host can be one of the services: it starts with a digit (an IPv4
    /// address in any form), `[` (IPv6), or the letters of `metadata…`/`instance-data`. Every
    /// URL a command names is asked, and most (`https://github.com/…`) are answered by the first
    /// byte of their host, without building strings.
    static func mayNameMetadataHost(_ url: String) -> Bool {
        var utf8 = url.utf8[...]
        // Past `scheme://` when the URL has one (letters, then `://`).
        if let colon = utf8.firstIndex(of: UInt8(ascii: ":")), utf8[..<colon].allSatisfy({ ($0 | 0x20) >= UInt8(ascii: "a") && ($0 | 0x20) <= UInt8(ascii: "z") }),
           utf8[colon...].starts(with: "://".utf8) {
            utf8 = utf8[utf8.index(colon, offsetBy: 3)...]
        }
        // Past user information: the host follows the last `@` before the path.
        let authorityEnd = utf8.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? utf8.endIndex
        if let at = utf8[..<authorityEnd].lastIndex(of: UInt8(ascii: "@")) { utf8 = utf8[utf8.index(after: at)...] }
        guard let first = utf8.first else { return false }
        if first == UInt8(ascii: "[") { return true }
        switch first | 0x20 {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "m"), UInt8(ascii: "i"): return true
        default: return false
        }
    }

    /// Host and path of a URL, with or without a scheme; user information and port dropped.
    static func hostAndPath(_ url: String) -> (String, String)? {
        var rest = Substring(url)
        // A scheme is letters before `://` (`169.254.169.254/?next=http://x` has none).
        if let scheme = rest.firstRange(of: "://"), rest[..<scheme.lowerBound].allSatisfy({ $0.isASCII && $0.isLetter }) {
            let name = rest[..<scheme.lowerBound].lowercased()
            guard name == "http" || name == "https" else { return nil }
            rest = rest[scheme.upperBound...]
        }
        // A shell word shown with its expansions (`http://169.254.170.2$URI`) ends its host
        // where the expansion starts: no host name holds `$` or a backquote.
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" || $0 == "$" || $0 == "`" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        let path = String(rest[authorityEnd...].prefix { $0 != "?" && $0 != "#" })
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            return (String(authority[authority.index(after: authority.startIndex)..<close]), path)
        }
        if let colon = authority.lastIndex(of: ":") { authority = authority[..<colon] }
        guard !authority.isEmpty else { return nil }
        return (String(authority), path)
    }

    /// An IPv4 address as `inet_aton` reads it: one to four parts, each decimal, octal (`0…`)
    /// or hex (`0x…`), the last filling the bytes the others leave.
    static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            var digits = Substring(part)
            var radix = 10
            if digits.lowercased().hasPrefix("0x") {
                radix = 16
                digits = digits.dropFirst(2)
            } else if digits.count > 1, digits.hasPrefix("0") {
                radix = 8
                digits = digits.dropFirst()
            }
            guard !digits.isEmpty, digits.count <= 12, let value = UInt64(digits, radix: radix) else { return nil }
            values.append(value)
        }
        var bytes: [UInt8] = []
        for value in values.dropLast() {
            guard value <= 255 else { return nil }
            bytes.append(UInt8(value))
        }
        let remaining = 4 - bytes.count
        guard let last = values.last, last < (UInt64(1) << (8 * UInt64(remaining))) else { return nil }
        for shift in stride(from: remaining - 1, through: 0, by: -1) { bytes.append(UInt8((last >> (8 * UInt64(shift))) & 0xff)) }
        return bytes
    }

    /// An IPv6 address as 16 bytes (`::` and a dotted IPv4 tail allowed; a `%zone` dropped).
    static func ipv6(_ text: String) -> [UInt8]? {
        let address = text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? text
        guard address.contains(":") else { return nil }
        var halves = [address]
        if let gap = address.firstRange(of: "::") {
            halves = [String(address[..<gap.lowerBound]), String(address[gap.upperBound...])]
            guard !halves[1].contains("::") else { return nil }
        }
        func groups(_ part: String) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var out: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains("."), let v4 = ipv4(String(piece)), piece.split(separator: ".").count == 4 {
                    out.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    out.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                    continue
                }
                guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                out.append(value)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }

    /// The IPv4 address an IPv6 one stands for (`::ffff:a.b.c.d`, `::a.b.c.d`), or EC2's own IPv6
    /// endpoints (`fd00:ec2::254` is the metadata service, `fd00:ec2::23` Pod Identity).
    static func embeddedIPv4OrEC2(_ bytes: [UInt8]) -> [UInt8]? {
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == bytes[11], bytes[10] == 0 || bytes[10] == 0xff { return Array(bytes[12...]) }
        if bytes[0..<4] == [0xfd, 0x00, 0x0e, 0xc2], bytes[4..<14].allSatisfy({ $0 == 0 }) {
            switch (UInt16(bytes[14]) << 8) | UInt16(bytes[15]) {
            case 0x254: return [169, 254, 169, 254]
            case 0x23: return [169, 254, 170, 23]
            default: return nil
            }
        }
        return nil
    }
}
