import InterlockCore
import InterlockPolicy

/// A decision as the gateway's API states it (`POST /v1/actions`, docs/openapi.yaml). Every door
/// reads decisions in this one shape, whether the gateway runs in-process (standalone) or remote,
/// so that both paths answer the host in exactly the same words.
public struct Verdict: Sendable, Hashable {
    public enum Outcome: String, Sendable {
        case allow, deny, pending
    }

    public var outcome: Outcome
    /// The gateway's reason code: allowed, supervised, granted, approved, pending_approval,
    /// blocked, anomaly, kill_switch, missing_context, rejected.
    public var code: String
    public var message: String
    public var tier: String?
    public var environment: String?
    public var approvalID: String?
    public var approversRequired: Int?
    public var approvalsSoFar: Int?
    /// How the policy wants hooks to present the decision (`hooks:` in the policy).
    public var hooks: HookSettings
    /// Context fields the policy requires and the action did not state (code `missing_context`).
    public var missingContext: [String] = []

    public init(outcome: Outcome, code: String, message: String, tier: String? = nil, environment: String? = nil,
                approvalID: String? = nil, approversRequired: Int? = nil, approvalsSoFar: Int? = nil, hooks: HookSettings = HookSettings()) {
        self.outcome = outcome
        self.code = code
        self.message = message
        self.tier = tier
        self.environment = environment
        self.approvalID = approvalID
        self.approversRequired = approversRequired
        self.approvalsSoFar = approvalsSoFar
        self.hooks = hooks
    }

    /// Reads the API's decision object. Anything unexpected is an error, which a door turns into
    /// a refusal.
    public init(json: JSONValue) throws {
        guard let outcomeText = json["outcome"]?.stringValue, let outcome = Outcome(rawValue: outcomeText) else {
            throw VerdictError("the decision has no valid `outcome`")
        }
        self.outcome = outcome
        self.code = json["code"]?.stringValue ?? (outcome == .allow ? "allowed" : "blocked")
        self.message = json["message"]?.stringValue ?? "Interlock refused this action."
        self.tier = json["tier"]?.stringValue
        self.environment = json["environment"]?.stringValue
        self.approvalID = json["approval"]?["id"]?.stringValue
        self.approversRequired = json["approval"]?["approvers_required"]?.intValue.map(Int.init)
        self.approvalsSoFar = json["approval"]?["approvals"]?.intValue.map(Int.init)
        self.missingContext = json["missing_context"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var hooks = HookSettings()
        if let s = json["hooks"]?["supervised"]?.stringValue { hooks.supervised = HookSettings.Supervised(rawValue: s) ?? .ask }
        // An answer this hook does not know is read as the stricter one.
        if let g = json["hooks"]?["gated"]?.stringValue { hooks.gated = HookSettings.Gated(rawValue: g) ?? .deny }
        self.hooks = hooks
    }

    /// The kill switch stops the agent, not only this action.
    public var isKillSwitch: Bool { code == "kill_switch" }
    public var isSupervised: Bool { outcome == .allow && tier == "supervised" }
}

public struct VerdictError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Who a hook or proxy acts for: configured by whoever installed it, never by the agent.
public struct DoorIdentity: Sendable, Hashable {
    public var agent: String
    public var launchedBy: String?
    public var task: String?
    /// The environment named explicitly (`--env`, `INTERLOCK_ENV`); nil lets the policy resolve it.
    public var environment: String?
    public var host: String?

    public init(agent: String, launchedBy: String? = nil, task: String? = nil, environment: String? = nil, host: String? = nil) {
        self.agent = agent
        self.launchedBy = launchedBy
        self.task = task
        self.environment = environment
        self.host = host
    }

    func principal(session: String?) -> Principal {
        Principal(agent: agent, launchedBy: launchedBy, session: session, task: task)
    }
}

/// A hook's input that cannot be understood; the hook refuses the call and says where.
public struct HookInputError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// What a hook process does: its exit status and what it prints.
public struct HookAnswer: Sendable, Hashable {
    public var exitCode: Int32
    public var stdout: String?
    public var stderr: String?

    public init(exitCode: Int32, stdout: String? = nil, stderr: String? = nil) {
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
    }

    /// The one way any hook fails: exit 2, which every supported host treats as "blocked", with a
    /// one-line reason on stderr. Exit 1 would let Claude Code and Kiro run the call.
    public static func failClosed(_ reason: String) -> HookAnswer {
        let line = reason.split(whereSeparator: \.isNewline).first.map(String.init) ?? reason
        return HookAnswer(exitCode: 2, stderr: "Interlock refused this call: \(line)\n")
    }
}

enum HookJSON {
    static func requireObject(_ json: JSONValue, _ what: String) throws -> [String: JSONValue] {
        guard let o = json.objectValue else { throw HookInputError("\(what) must be a JSON object, not \(json.typeName)") }
        return o
    }

    static func requireString(_ object: [String: JSONValue], _ key: String, in what: String) throws -> String {
        guard let value = object[key] else { throw HookInputError("`\(what).\(key)` is missing") }
        guard let s = value.stringValue else { throw HookInputError("`\(what).\(key)` must be a string, not \(value.typeName)") }
        return s
    }

    static func optionalString(_ object: [String: JSONValue], _ key: String, in what: String) throws -> String? {
        guard let value = object[key], value != .null else { return nil }
        guard let s = value.stringValue else { throw HookInputError("`\(what).\(key)` must be a string, not \(value.typeName)") }
        return s
    }
}

/// Hosts give the model one free-text field per call (Claude Code's Bash `description`, Kiro's
/// `summary`). Agents state their context there with labels, so that a policy requiring a rollback
/// plan can be satisfied through a hook:
/// `Why: clear the stuck queue. Rollback: restore from snapshot s-1. Alternatives: wait; restart. Impact: 5 min of lag`.
/// Text before any label is the why.
public enum StatedContext {
    /// Longest first, so that `rollback plan:` wins over `rollback:`.
    static let labels: [(String, ContextField)] = [
        ("why:", .why), ("reason:", .why), ("rollback:", .rollback), ("rollback plan:", .rollback), ("undo:", .rollback),
        ("alternatives:", .alternatives), ("alternatives considered:", .alternatives), ("impact:", .impact), ("expected impact:", .impact),
    ].sorted { $0.0.count > $1.0.count }

    public static func parse(_ text: String) -> AgentContext {
        var parts: [ContextField: String] = [:]
        var current: ContextField = .why
        var buffer = ""
        let lower = Array(text.lowercased())
        let chars = Array(text)
        var i = 0
        func flush() {
            let value = buffer.trimmingSpaces
            if !value.isEmpty { parts[current] = parts[current].map { $0 + " " + value } ?? value }
            buffer = ""
        }
        while i < chars.count {
            // A label starts the text or follows a sentence end, a newline or a space.
            let atBoundary = i == 0 || chars[i - 1].isWhitespace
            if atBoundary, let (label, field) = labels.first(where: { lower[i...].starts(with: $0.0) }) {
                flush()
                current = field
                i += label.count
                continue
            }
            buffer.append(chars[i])
            i += 1
        }
        flush()
        var context = AgentContext(why: parts[.why], rollback: parts[.rollback], impact: parts[.impact])
        if let alternatives = parts[.alternatives] {
            context.alternatives = alternatives.split(separator: ";").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        }
        return context
    }

    /// What a hook tells the model when the policy wants context the call did not state.
    public static func missingContextHint(_ verdict: Verdict, field: String) -> String {
        "Interlock: this action needs human approval, and the policy requires the request to state its context "
            + "(missing: \(verdict.missingContext.isEmpty ? "why, rollback" : verdict.missingContext.joined(separator: ", "))). Nothing was filed. Retry the same call with its \(field) written as "
            + "`Why: … Rollback: … Alternatives: …; … Impact: …`; a reviewer reads it."
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace || l == "." && s.count == 1 { s = s.dropLast() }
        return String(s)
    }

}
