import Crypto
import InterlockCore

/// Builds audit entries from what the edges know, redacting every piece of free text on the way.
/// Nothing reaches an `AuditEntry` except through here or through `redactedEntry`, so no caller
/// can forget redaction.
public enum AuditRecord {
    /// The entry for one decision. `outcome` is what the door answered (`allow`, `supervised`,
    /// `pending`, `deny`, or `error` when the decision could not be made and the door refused).
    public static func decision(
        action: Action, facts: Classification?, decision: Decision?, outcome: String,
        policyHash: [UInt8]?, timeMicros: Int64, detail: String? = nil, digest: ActionDigest? = nil
    ) -> AuditEntry {
        var redactions: [AuditEntry.Redaction] = []
        let document = redactJSON(ActionDocument.encode(action), path: "action", redactions: &redactions)
        var entry = AuditEntry(
            timeMicros: timeMicros, kind: .decision, principal: "agent:" + action.principal.agent,
            launchedBy: action.principal.launchedBy, channel: action.channel.rawValue,
            environment: decision?.environment ?? action.environment,
            actionDigest: (digest ?? ActionDigest(action)).bytes, action: document.jsonText(),
            outcome: outcome, policyHash: policyHash, detail: detail)
        if let facts {
            entry.effect = facts.effect.rawValue
            entry.operations = facts.operations
            entry.targets = facts.targets
            entry.blastRadius = facts.blastRadius.description
            entry.categories = facts.categories.map(\.rawValue).sorted()
            entry.findings = facts.findings.map(\.reason)
            entry.costMicroUSD = AuditEntry.microUSD(facts.estimatedCostUSD)
        }
        if let decision {
            entry.rule = decision.decidedBy.identifier
            entry.reasons = [decision.message] + decision.reasons.map(\.description)
        }
        entry.redactions = redactions
        return redactedEntry(entry)
    }

    /// SHA-256 of the policy text in force, as entries record it.
    public static func policyHash(_ text: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(text.utf8)))
    }

    /// What a door answered, as decision entries record it: `allow` (autonomous), `supervised`,
    /// `approval-required` (gated, no queue at this door) and `deny` (blocked).
    public static func outcome(_ tier: Tier) -> String {
        switch tier {
        case .autonomous: "allow"
        case .supervised: "supervised"
        case .gated: "approval-required"
        case .blocked: "deny"
        }
    }

    /// Redacts the free-text fields of an entry, appending to the redactions it already records.
    /// The log runs every entry through this before storing it, whoever built it; text already
    /// redacted passes unchanged. Principals and approvers are identities, which an audit record
    /// exists to keep, and are left as they are.
    public static func redactedEntry(_ entry: AuditEntry) -> AuditEntry {
        // Already redacted and unchanged since: a decision entry is redacted when it is built and
        // again when the log stores it, and the second pass would find nothing.
        if let seal = entry.redactionSeal.fingerprint, seal == textFingerprint(entry) { return entry }
        var entry = entry
        var redactions = entry.redactions
        // Field names are built only when something was found: most text has no secret in it.
        func text(_ value: String?, _ field: @autoclosure () -> String) -> String? {
            guard let value else { return nil }
            let (clean, kinds) = Redactor.redact(value)
            if !kinds.isEmpty {
                let name = field()
                for kind in kinds { redactions.append(.init(field: name, kind: kind.rawValue)) }
            }
            return clean
        }
        func list(_ values: [String], _ field: String) -> [String] {
            var out = values
            for i in out.indices { out[i] = text(out[i], "\(field)[\(i)]")! }
            return out
        }
        entry.action = text(entry.action, "action")
        entry.targets = list(entry.targets, "targets")
        entry.findings = list(entry.findings, "findings")
        entry.reasons = list(entry.reasons, "reasons")
        entry.operations = list(entry.operations, "operations")
        entry.subject = text(entry.subject, "subject")
        entry.detail = text(entry.detail, "detail")
        entry.redactions = redactions
        entry.redactionSeal.fingerprint = textFingerprint(entry)
        return entry
    }

    /// A fingerprint of every field redaction looks at. Collisions would need a deliberate attack
    /// on Swift's per-process random hash seed, from code that already holds the secret.
    private static func textFingerprint(_ entry: AuditEntry) -> Int {
        var hasher = Hasher()
        hasher.combine(entry.action)
        hasher.combine(entry.targets)
        hasher.combine(entry.findings)
        hasher.combine(entry.reasons)
        hasher.combine(entry.operations)
        hasher.combine(entry.subject)
        hasher.combine(entry.detail)
        return hasher.finalize()
    }

    /// Redacts a JSON value: a string under a secret's name (`"password"`, `"client_secret"`) goes
    /// whole, whatever it looks like; every other string is scanned.
    public static func redactJSON(_ value: JSONValue, path: String, redactions: inout [AuditEntry.Redaction]) -> JSONValue {
        // Most documents hold no secret: find that out without building paths or copies, and
        // walk them the careful way (sorted keys, so the redactions come in a fixed order) only
        // when something is there.
        guard containsSecret(value) else { return value }
        return redactJSONInOrder(value, path: path, redactions: &redactions)
    }

    /// Whether `redactJSON` would change anything.
    static func containsSecret(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let s):
            return Redactor.findsSecret(s)
        case .array(let items):
            return items.contains { containsSecret($0) }
        case .object(let object):
            return object.contains { key, child in (child.isScalarSecret && Redactor.sensitiveName(key) != nil) || containsSecret(child) }
        default:
            return false
        }
    }

    private static func redactJSONInOrder(_ value: JSONValue, path: String, redactions: inout [AuditEntry.Redaction]) -> JSONValue {
        switch value {
        case .string(let s):
            let (clean, kinds) = Redactor.redact(s)
            for kind in kinds { redactions.append(.init(field: path, kind: kind.rawValue)) }
            return .string(clean)
        case .array(let items):
            return .array(items.enumerated().map { redactJSONInOrder($1, path: "\(path)[\($0)]", redactions: &redactions) })
        case .object(let object):
            var out: [String: JSONValue] = [:]
            for key in object.keys.sorted() {
                let child = object[key]!
                let childPath = path + "." + key
                if let kind = Redactor.sensitiveName(key), child.isScalarSecret {
                    redactions.append(.init(field: childPath, kind: kind.rawValue))
                    out[key] = .string(Redactor.marker(kind))
                } else {
                    out[key] = redactJSONInOrder(child, path: childPath, redactions: &redactions)
                }
            }
            return .object(out)
        default:
            return value
        }
    }
}

private extension JSONValue {
    /// A value a secret can be: text or a number (PINs). Not null, not a structure.
    var isScalarSecret: Bool {
        switch self {
        case .string(let s): !s.isEmpty
        case .int, .double: true
        default: false
        }
    }
}
