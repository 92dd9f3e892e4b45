import Crypto
import Foundation
import GRDB
import InterlockApprovals
import InterlockAudit

/// Bearer tokens for the gateway: each belongs to one principal, an agent or a human with roles.
///
/// Only a SHA-256 of each token is stored: tokens are 256 random bits, so a fast hash is as good as
/// a slow one, and a stolen database yields no usable token. Lookup is by the hash, and the stored
/// hash is compared again in constant time. A token's secret is shown once, when it is created.
/// Creating and revoking tokens are audit events.
public final class TokenStore: Sendable {
    public struct Token: Sendable, Hashable {
        /// A short public id (`tok_…`) for listing and revoking; not a secret.
        public var id: String
        public var principal: Approver
        public var createdAtMicros: Int64
        public var revokedAtMicros: Int64?
        /// For agent tokens: the human who launches the agent (by default whoever created the
        /// token). Requests filed with this token can never be approved by that human.
        public var launchedBy: String?
        /// For AWS credentials: the access key id the agent signs with.
        public var awsAccessKeyID: String?
        /// When the token stops working, if it is temporary (microseconds since 1970).
        public var expiresAtMicros: Int64?
    }

    /// AWS-style credentials an agent signs its AWS calls with, for the AWS proxy.
    public struct AWSCredentials: Sendable, Hashable {
        public var token: Token
        public var accessKeyID: String
        public var secretAccessKey: String
        public var sessionToken: String?
        public var agent: String
    }

    private let pool: DatabasePool
    private let audit: AuditLog

    /// Tokens live in the same store as the audit log that records their creation and revocation.
    public init(audit: AuditLog) {
        self.pool = audit.pool
        self.audit = audit
    }

    /// Creates a token and returns it with its secret, which is not kept anywhere. An agent token
    /// acts for `launchedBy`, or else for the human who created it (`creator` is `human:NAME`).
    public func create(for principal: Approver, by creator: String, launchedBy: String? = nil) throws -> (token: Token, secret: String) {
        if case .human(let name, _) = principal, name.isEmpty { throw StoreError("a human token needs a name") }
        if case .agent(let name) = principal, name.isEmpty { throw StoreError("an agent token needs a name") }
        let secretBytes = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let secret = "il_" + Data(secretBytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let id = randomIdentifier(prefix: "tok_")
        let now = AuditLog.nowMicros()
        let (kind, name, roles) = Self.columns(principal)
        var launcher: String?
        if case .agent = principal { launcher = Self.launcher(launchedBy, creator: creator) }
        try pool.write { db in
            try db.execute(sql: "INSERT INTO token (id, secret_hash, kind, name, roles, created_at, launched_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [id, Data(Self.hash(secret)), kind, name, roles, now, launcher])
        }
        try audit.appendNow([AuditEntry(timeMicros: now, kind: .tokenCreated, principal: creator, subject: id,
                                        detail: "for \(principal)" + (roles.isEmpty ? "" : " with roles \(roles)")
                                            + (launcher.map { " launched by \($0)" } ?? ""))])
        return (Token(id: id, principal: principal, createdAtMicros: now, revokedAtMicros: nil, launchedBy: launcher), secret)
    }

    /// The principal a presented token belongs to, or nil (unknown, malformed or revoked).
    public func authenticate(_ presented: String) throws -> Token? {
        let hash = Self.hash(presented)
        return try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM token WHERE secret_hash = ? AND revoked_at IS NULL", arguments: [Data(hash)]) else {
                return nil
            }
            // The lookup matched on the hash already; compare once more without early exit, so that
            // nothing about the stored hash leaks through timing even if the index did.
            let stored = Array(row["secret_hash"] as Data)
            guard stored.count == hash.count, zip(stored, hash).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0 else { return nil }
            return try Self.token(row)
        }
    }

    /// Creates AWS-style credentials for an agent: an access key id (`AKIL…`, or `ASIL…` with a
    /// session token when they expire) and a secret. They are a token like any other: listed,
    /// revoked by id, and their creation is an audit event. They do not work as a bearer token.
    public func createAWSCredentials(agent: String, by creator: String, launchedBy: String? = nil,
                                     lifetimeSeconds: Int64? = nil) throws -> AWSCredentials {
        guard !agent.isEmpty else { throw StoreError("an agent token needs a name") }
        let temporary = lifetimeSeconds != nil
        let accessKeyID = (temporary ? "ASIL" : "AKIL") + Self.randomCharacters(16, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let secret = Self.randomCharacters(40, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let sessionToken = temporary ? Self.randomCharacters(64, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") : nil
        let id = randomIdentifier(prefix: "tok_")
        let now = AuditLog.nowMicros()
        let expires = lifetimeSeconds.map { now + $0 * 1_000_000 }
        let launcher = Self.launcher(launchedBy, creator: creator)
        // The bearer-token column holds the hash of a throwaway value: an AWS secret must never
        // work as a gateway token.
        let unusable = Data(Self.hash(Self.randomCharacters(43, from: "abcdefghijklmnopqrstuvwxyz0123456789")))
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO token (id, secret_hash, kind, name, roles, created_at, launched_by, aws_access_key_id, aws_secret_access_key,
                                   aws_session_token, expires_at)
                VALUES (?, ?, 'agent', ?, '', ?, ?, ?, ?, ?, ?)
                """, arguments: [id, unusable, agent, now, launcher, accessKeyID, secret, sessionToken, expires])
        }
        try audit.appendNow([AuditEntry(timeMicros: now, kind: .tokenCreated, principal: creator, subject: id,
                                        detail: "AWS credentials \(accessKeyID) for agent:\(agent)" + (launcher.map { " launched by \($0)" } ?? "")
                                            + (lifetimeSeconds.map { " expiring in \($0)s" } ?? ""))])
        let token = Token(id: id, principal: .agent(agent), createdAtMicros: now, revokedAtMicros: nil, launchedBy: launcher,
                          awsAccessKeyID: accessKeyID, expiresAtMicros: expires)
        return AWSCredentials(token: token, accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: sessionToken, agent: agent)
    }

    /// The live (unrevoked) AWS credentials with this access key id. Expiry is the verifier's to
    /// judge, so that it can answer `ExpiredToken`.
    public func awsCredentials(accessKeyID: String) throws -> AWSCredentials? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM token WHERE aws_access_key_id = ? AND revoked_at IS NULL",
                                             arguments: [accessKeyID]) else { return nil }
            let token = try Self.token(row)
            guard case .agent(let agent) = token.principal, let secret: String = row["aws_secret_access_key"] else { return nil }
            return AWSCredentials(token: token, accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: row["aws_session_token"], agent: agent)
        }
    }

    /// The human an agent token acts for: the one named, else the human who created it.
    static func launcher(_ named: String?, creator: String) -> String? {
        named ?? (creator.hasPrefix("human:") ? String(creator.dropFirst(6)) : nil)
    }

    static func randomCharacters(_ count: Int, from alphabet: String) -> String {
        let characters = Array(alphabet)
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in characters[Int(generator.next(upperBound: UInt64(characters.count)))] })
    }

    public func list() throws -> [Token] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM token ORDER BY created_at, id").map(Self.token) }
    }

    /// Revokes a token by id. Revoking twice is not an error; revoking an unknown id is.
    public func revoke(id: String, by revoker: String) throws {
        let now = AuditLog.nowMicros()
        let changed = try pool.write { db -> Int in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM token WHERE id = ?", arguments: [id]) != nil else { return -1 }
            try db.execute(sql: "UPDATE token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now, id])
            return db.changesCount
        }
        guard changed >= 0 else { throw StoreError("no token `\(id)`") }
        if changed == 1 {
            try audit.appendNow([AuditEntry(timeMicros: now, kind: .tokenRevoked, principal: revoker, subject: id)])
        }
    }

    static func hash(_ secret: String) -> [UInt8] { Array(SHA256.hash(data: Array(secret.utf8))) }

    private static func columns(_ principal: Approver) -> (kind: String, name: String, roles: String) {
        switch principal {
        case .agent(let name): ("agent", name, "")
        case .human(let name, let roles): ("human", name, roles.sorted().joined(separator: ","))
        }
    }

    private static func token(_ row: Row) throws -> Token {
        let name: String = row["name"]
        let kind: String = row["kind"]
        let roles = (row["roles"] as String).split(separator: ",").map(String.init)
        let principal: Approver
        switch kind {
        case "agent": principal = .agent(name)
        case "human": principal = .human(name, roles: Set(roles))
        default: throw StoreError("token row with unknown principal kind `\(kind)`")
        }
        return Token(id: row["id"], principal: principal, createdAtMicros: row["created_at"], revokedAtMicros: row["revoked_at"],
                     launchedBy: row["launched_by"], awsAccessKeyID: row["aws_access_key_id"], expiresAtMicros: row["expires_at"])
    }
}
