import FoundationEssentials
import InterlockCore

extension AuditEntry {
    /// The entry for people and log shippers (`audit show`, `audit tail`, the export bundle). Not
    /// the hashed form: that is `AuditEntryCodec.encode`, and the bundle carries both so a reader
    /// can check that this view says what the hashed bytes say.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "index": .int(Int64(bitPattern: index)),
            "time": .string(Self.timestamp(micros: timeMicros)),
            "kind": .string(kind.rawValue),
            "principal": .string(principal),
        ]
        func put(_ key: String, _ value: String?) { if let value { object[key] = .string(value) } }
        func put(_ key: String, _ values: [String]) { if !values.isEmpty { object[key] = .array(values.map(JSONValue.string)) } }
        put("launched_by", launchedBy)
        put("channel", channel)
        put("environment", environment)
        put("action_digest", actionDigest.map { "sha256:" + Hex.encode($0) })
        if let action { object["action"] = (try? JSONValue.parse(action)) ?? .string(action) }
        if !redactions.isEmpty {
            object["redactions"] = .array(redactions.map { .object(["field": .string($0.field), "kind": .string($0.kind)]) })
        }
        put("effect", effect)
        put("operations", operations)
        put("targets", targets)
        put("blast_radius", blastRadius)
        put("categories", categories)
        put("findings", findings)
        put("outcome", outcome)
        put("rule", rule)
        put("reasons", reasons)
        put("approvers", approvers)
        put("policy_hash", policyHash.map { "sha256:" + Hex.encode($0) })
        put("subject", subject)
        put("detail", detail)
        if let costMicroUSD { object["cost_usd"] = .double(Double(costMicroUSD) / 1_000_000) }
        return .object(object)
    }

    /// RFC 3339 UTC with microseconds: `2026-11-22T10:04:05.123456Z`.
    public static func timestamp(micros: Int64) -> String {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)).\(pad(Int(fraction), 6))Z"
    }
}
