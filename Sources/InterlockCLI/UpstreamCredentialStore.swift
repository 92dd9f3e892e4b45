import AsyncHTTPClient
import Foundation
import InterlockAWS
import InterlockDoors
import NIOCore
import NIOHTTP1
import Synchronization

/// The upstream credentials of each configured account, read once at start (static keys and
/// profiles, so that a missing secret stops the proxy before any agent connects) or fetched from
/// STS and renewed before they expire (assumed roles).
final class UpstreamCredentialStore: Sendable {
    private let fixed: [String: UpstreamCredentials]
    private let assumed = Mutex<[String: UpstreamCredentials]>([:])
    /// Renew assumed-role credentials this long before AWS says they expire.
    static let renewalMarginSeconds: Int64 = 300

    init(configuration: AWSProxyConfiguration) throws {
        var fixed: [String: UpstreamCredentials] = [:]
        for upstream in configuration.upstreams.values {
            if case .assumeRole(_, _, _, _, let source) = upstream.credentials {
                fixed[upstream.name + "#source"] = try Self.resolve(source, upstream: upstream.name)
            } else {
                fixed[upstream.name] = try Self.resolve(upstream.credentials, upstream: upstream.name)
            }
        }
        self.fixed = fixed
    }

    static func resolve(_ source: AWSProxyConfiguration.CredentialSource, upstream: String) throws -> UpstreamCredentials {
        switch source {
        case .keys(let key, let secret, let token):
            return UpstreamCredentials(accessKeyID: key, secretAccessKey: try read(secret, upstream: upstream),
                                       sessionToken: try token.map { try read($0, upstream: upstream) })
        case .profile(let name):
            return try profile(name, upstream: upstream)
        case .assumeRole:
            throw InvalidInput("upstream `\(upstream)`: an assumed role's source must be keys or a profile, not another role")
        }
    }

    static func read(_ location: AWSProxyConfiguration.SecretLocation, upstream: String) throws -> String {
        switch location {
        case .environment(let name):
            guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
                throw InvalidInput("upstream `\(upstream)`: environment variable \(name) is not set")
            }
            return value
        case .file(let path):
            guard let value = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw InvalidInput("upstream `\(upstream)`: cannot read the secret file \(path)")
            }
            return value.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// A profile of the shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`).
    static func profile(_ name: String, upstream: String) throws -> UpstreamCredentials {
        let environment = ProcessInfo.processInfo.environment
        let path = environment["AWS_SHARED_CREDENTIALS_FILE"] ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.aws/credentials")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw InvalidInput("upstream `\(upstream)`: cannot read the AWS credentials file \(path) for profile `\(name)`")
        }
        var section: String?
        var values: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard section == name, let equals = line.firstIndex(of: "=") else { continue }
            values[line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        guard let key = values["aws_access_key_id"], let secret = values["aws_secret_access_key"] else {
            throw InvalidInput("upstream `\(upstream)`: profile `\(name)` in \(path) has no aws_access_key_id and aws_secret_access_key")
        }
        return UpstreamCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: values["aws_session_token"])
    }

    /// The upstream's credentials if they need no call to obtain: static keys, a profile, or an
    /// assumed role's that are not yet due for renewal.
    func credentialsAtHand(for upstream: AWSProxyConfiguration.Upstream) -> UpstreamCredentials? {
        if let found = fixed[upstream.name] { return found }
        let now = Int64(Date().timeIntervalSince1970)
        if let cached = assumed.withLock({ $0[upstream.name] }), let expiry = cached.expiresAtSeconds, expiry - Self.renewalMarginSeconds > now {
            return cached
        }
        return nil
    }

    func credentials(for upstream: AWSProxyConfiguration.Upstream, region: String, client: HTTPClient) async throws -> UpstreamCredentials {
        if let atHand = credentialsAtHand(for: upstream) { return atHand }
        guard case .assumeRole(let arn, let session, let duration, let externalID, _) = upstream.credentials,
              let source = fixed[upstream.name + "#source"] else {
            throw AWSProxyFailure("upstream `\(upstream.name)` has no credentials")
        }
        let now = Int64(Date().timeIntervalSince1970)
        // Two requests may both renew at expiry; both get valid credentials and the later one is kept.
        let fresh = try await assumeRole(arn: arn, session: session, duration: duration, externalID: externalID, source: source,
                                         upstream: upstream, region: region, client: client, now: now)
        assumed.withLock { $0[upstream.name] = fresh }
        return fresh
    }

    func assumeRole(arn: String, session: String, duration: Int, externalID: String?, source: UpstreamCredentials,
                    upstream: AWSProxyConfiguration.Upstream, region: String, client: HTTPClient, now: Int64) async throws -> UpstreamCredentials {
        var form = "Action=AssumeRole&Version=2011-06-15&RoleArn=\(SigV4.uriEncode(Array(arn.utf8), keepSlash: false))"
            + "&RoleSessionName=\(SigV4.uriEncode(Array(session.utf8), keepSlash: false))&DurationSeconds=\(duration)"
        if let externalID { form += "&ExternalId=\(SigV4.uriEncode(Array(externalID.utf8), keepSlash: false))" }
        let outgoing = AWSProxyCore.signed(
            method: "POST", path: "/", rawQuery: "", headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            payload: Array(form.utf8), service: "sts", region: region, endpoint: upstream.endpoint ?? "https://sts.\(region).amazonaws.com",
            credentials: source, now: now)
        var call = HTTPClientRequest(url: outgoing.url)
        call.method = .POST
        for header in outgoing.headers { call.headers.add(name: header.name, value: header.value) }
        call.body = .bytes(ByteBuffer(bytes: outgoing.body))
        let answer = try await client.execute(call, timeout: .seconds(30))
        let text = String(buffer: try await answer.body.collect(upTo: 1 << 20))
        guard answer.status.code == 200, let key = Self.element("AccessKeyId", in: text), let secret = Self.element("SecretAccessKey", in: text) else {
            throw AWSProxyFailure("STS AssumeRole for \(arn) failed (HTTP \(answer.status.code)): \(text.prefix(300))")
        }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let expiry = Self.element("Expiration", in: text).flatMap { ISO8601DateFormatter().date(from: $0) ?? fractional.date(from: $0) }
        return UpstreamCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: Self.element("SessionToken", in: text),
                                   expiresAtSeconds: expiry.map { Int64($0.timeIntervalSince1970) } ?? now + Int64(duration))
    }

    static func element(_ name: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(name)>"), let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex) else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }
}

struct AWSProxyFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
