import Foundation
@testable import InterlockClassifiers
import InterlockCore
import PropertyBased
import Testing

/// Requests to metadata and credentials endpoints, in every spelling of their addresses.
@Suite struct CredentialEndpointsTests {
    @Test func credentialPathsOnMetadataHostsAreCredentialReads() {
        for url in [
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/admin",
            "169.254.169.254/latest/meta-data/iam/security-credentials/",
            "http://2852039166/latest/meta-data/iam/security-credentials/",
            "http://0xA9FEA9FE/latest/user-data",
            "http://0251.0376.0251.0376/latest/meta-data/identity-credentials/ec2/security-credentials/ec2-instance",
            "http://169.254.43518/latest/meta-data/iam/%73ecurity-credentials/",
            "http://[fd00:ec2::254]/latest/meta-data/iam/security-credentials/",
            "http://[::ffff:169.254.169.254]/latest/user-data",
            "http://[::ffff:a9fe:a9fe]:80/latest/user-data",
            "http://user@169.254.169.254:80/latest/meta-data/iam/security-credentials/r",
            "http://metadata.google.internal./computeMetadata/v1/instance/service-accounts/default/token",
            "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/",
            "http://instance-data/latest/meta-data/iam/security-credentials/",
            "http://169.254.169.254/latest/meta-data/iam/../iam/info",
            // The container credential endpoints serve nothing else.
            "http://169.254.170.2/v2/credentials/4f1f…",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
        ] {
            #expect(CredentialEndpoints.reason(url) != nil, "\(url)")
        }
        // A path known only at run time may be the credentials.
        #expect(CredentialEndpoints.reason("http://169.254.169.254/latest/meta-data/$P", pathKnown: false) != nil)
        #expect(CredentialEndpoints.reason("http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", pathKnown: false) != nil)
    }

    @Test func otherRequestsAreNot() {
        for url in [
            "http://169.254.169.254/latest/meta-data/instance-id",
            "http://169.254.169.254/latest/meta-data/placement/region",
            "https://example.com/latest/meta-data/iam/security-credentials/",
            "http://169.254.169.253/latest/meta-data/iam/security-credentials/",
            "ftp://169.254.169.254/latest/user-data",
            "http://metadata.example.com/token",
            "http://[fd00:ec2::253]/latest/user-data",
            "example.com/?next=http://169.254.169.254/latest/user-data",
        ] {
            #expect(CredentialEndpoints.reason(url) == nil, "\(url)")
        }
    }

    @Test func theDoorsReportThem() {
        let shell = ShellClassifier().classify(commandLine: "curl -s http://169.254.169.254/latest/meta-data/iam/security-credentials/prod-role")
        #expect(shell.categories.contains(.credentialIssue))
        #expect(ShellClassifier().classify(commandLine: "wget -qO- http://0xa9fea9fe/latest/user-data").categories.contains(.credentialIssue))
        #expect(ShellClassifier().classify(commandLine: "curl \"http://169.254.170.2${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI}\"").categories.contains(.credentialIssue))
        #expect(ShellClassifier().classify(commandLine: "curl http://169.254.169.254/latest/meta-data/instance-id").categories.isEmpty)
        // Code that names the URL fetches it, whatever library it calls.
        let python = "python3 -c \"import urllib.request; print(urllib.request.urlopen('http://169.254.169.254/latest/meta-data/iam/security-credentials/r').read())\""
        #expect(ShellClassifier().classify(commandLine: python).categories.contains(.credentialIssue))
        #expect(ShellClassifier().classify(commandLine: "node -e \"fetch('http://169.254.170.2/v2/credentials/x')\"").categories.contains(.credentialIssue))
        let fetch = Action(principal: Principal(agent: "t"), channel: .hook, input: .tool(ToolCall(
            server: "claude", tool: "WebFetch", arguments: .object(["url": .string("http://[::ffff:169.254.169.254]/latest/user-data"), "prompt": .string("x")]))))
        #expect(MCPToolClassifier().classify(fetch)?.categories.contains(.credentialIssue) == true)
    }

    // MARK: Addresses as the C library reads them

    /// Host strings in the forms `inet_aton` reads (one to four parts, each decimal, octal or
    /// hex), some of them broken (a part too large, an octal 8, an empty part, a fifth part).
    static let ipv4Text = zip(Gen.int(in: 0...255).array(of: 4...4), Gen.int(in: 1...4), Gen.int(in: 0...3).array(of: 4...4), Gen.int(in: 0...14)).map {
        bytes, parts, radices, breakage -> String in
        var values = Array(bytes.prefix(parts - 1).map(UInt64.init))
        values.append(bytes.suffix(4 - parts + 1).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        var texts = values.enumerated().map { index, value -> String in
            switch radices[index] {
            case 1: return "0" + String(value, radix: 8)
            case 2: return "0x" + String(value, radix: 16)
            case 3: return "0X" + String(value, radix: 16, uppercase: true)
            default: return String(value)
            }
        }
        switch breakage {
        case 0: texts[0] = "0" + texts[0] + "8"
        case 1: texts[texts.count - 1] += "00000000"
        case 2: texts.append("")
        case 3: texts.insert("1", at: 0); texts.insert("2", at: 0)
        case 4: texts[0] = "0x"
        case 5: texts[0] = "256"
        default: break
        }
        return texts.joined(separator: ".")
    }

    /// IPv6 addresses with runs of zero groups (some compressed with `::`) and some with a dotted
    /// IPv4 tail, from the four addresses that matter and random ones.
    static let ipv6Text = zip(Gen.int(in: 0...5), Gen.int(in: 0...65535).array(of: 8...8), Gen.int(in: 0...8), Gen.int(in: 0...2)).map {
        base, random, zeroFrom, style -> String in
        var groups: [Int]
        switch base {
        case 0: groups = [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254]
        case 1: groups = [0, 0, 0, 0, 0, 0xffff, 0xa9fe, 0xa9fe]
        case 2: groups = [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x23]
        default: groups = random
        }
        if base >= 3, zeroFrom < 8 { for index in zeroFrom..<min(8, zeroFrom + 3) { groups[index] = 0 } }
        var texts = groups.map { String($0, radix: 16) }
        if style == 1 { texts = groups.map { String(repeating: "0", count: 4 - String($0, radix: 16).count) + String($0, radix: 16) } }
        var text = texts.joined(separator: ":")
        if style == 2, let run = text.firstRange(of: ":0:0:") { text.replaceSubrange(run, with: "::") }
        if base == 1, style != 1 { text = "::ffff:169.254.169.254" }
        return text
    }

    /// What Python's `socket.inet_aton` (the C library's) and `inet_pton(AF_INET6)` make of each
    /// text: the address in hex, or nil when they refuse it.
    static func oracle(_ texts: [String], family: String) throws -> [String?] {
        let script = """
        import socket, sys
        for line in sys.stdin.read().split("\\n")[:-1]:
            try:
                print((socket.inet_aton(line) if "\(family)" == "4" else socket.inet_pton(socket.AF_INET6, line)).hex())
            except (OSError, ValueError):
                print("-")
        """
        let data = try OracleProgram.output(["python3", "-c", script], input: texts.map { $0 + "\n" }.joined())
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        try #require(lines.count == texts.count)
        return lines.map { $0 == "-" ? nil : $0 }
    }

    static func hex(_ bytes: [UInt8]?) -> String? { bytes.map { $0.map { String(format: "%02x", $0) }.joined() } }

    @Test("property: IPv4 hosts are read as the C library reads them", .enabled(if: InterpreterOracle.available("python3")))
    func ipv4AgreesWithInetAton() async throws {
        await propertyCheck(count: 6, input: Self.ipv4Text.array(of: 150...150)) { texts in
            let expected = try! Self.oracle(texts, family: "4")
            for (text, address) in zip(texts, expected) {
                #expect(Self.hex(CredentialEndpoints.ipv4(text)) == address, "\(text)")
            }
        }
    }

    /// Every address `inet_pton` reads is read the same; a few it refuses (an octal part in the
    /// IPv4 tail) are read too, which only ever makes more hosts a metadata service.
    @Test("property: IPv6 hosts are read as the C library reads them", .enabled(if: InterpreterOracle.available("python3")))
    func ipv6AgreesWithInetPton() async throws {
        await propertyCheck(count: 6, input: Self.ipv6Text.array(of: 150...150)) { texts in
            let expected = try! Self.oracle(texts, family: "6")
            for (text, address) in zip(texts, expected) where address != nil {
                #expect(Self.hex(CredentialEndpoints.ipv6(text)) == address, "\(text)")
            }
        }
    }
}
