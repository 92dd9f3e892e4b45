import InterlockApprovals
import InterlockAudit
import InterlockCore
import InterlockPolicy
import InterlockStore

/// The JSON shapes of the decision API (docs/openapi.yaml). Kept in one place so that the server,
/// the CLI and the tests agree on them.
public enum GatewayJSON {
    public static func facts(_ f: Classification) -> JSONValue {
        var o: [String: JSONValue] = [
            "effect": .string(f.effect.rawValue),
            "operations": .array(f.operations.map(JSONValue.string)),
            "targets": .array(f.targets.map(JSONValue.string)),
            "targets_complete": .bool(f.targetsComplete),
            "categories": .array(f.categories.sorted().map { .string($0.rawValue) }),
            "findings": .array(
                f.findings.map {
                    .object([
                        "operation": .string($0.operation), "effect": .string($0.effect.rawValue),
                        "targets": .array($0.targets.map(JSONValue.string)), "reason": .string($0.reason),
                    ])
                }),
        ]
        switch f.blastRadius {
        case .count(let n): o["blast_radius"] = .int(Int64(n))
        case .unknown: o["blast_radius"] = .string("unknown")
        }
        if let cost = f.estimatedCostUSD { o["estimated_cost_usd"] = .number(cost) }
        if !f.environmentFacts.isEmpty {
            var env: [String: JSONValue] = [:]
            for (k, v) in f.environmentFacts.values { env[k.rawValue] = .array(v.map(JSONValue.string)) }
            o["environment_facts"] = .object(env)
        }
        return .object(o)
    }

    /// The answer to a submitted action.
    public static func decision(_ d: GatewayDecision, now: Int64) -> JSONValue {
        var o = verdictFields(d, now: now)
        o["decided_by"] = .string(d.decision.decidedBy.identifier)
        o["matched_rules"] = .array(d.decision.matchedRules.map(JSONValue.string))
        o["reasons"] = .array(d.decision.reasons.map { .string($0.description) })
        o["digest"] = .string(d.digest.description)
        o["facts"] = facts(d.facts)
        o["anomalies"] = .array(d.anomalies.map { .object(["kind": .string($0.kind.rawValue), "reason": .string($0.reason)]) })
        o["audit_index"] = .int(Int64(d.auditIndex))
        if let k = d.killSwitch {
            o["kill_switch"] = .object([
                "scope": .string(k.scope.description), "engaged_by": .string(k.engagedBy),
                "engaged_at": .string(AuditEntry.timestamp(micros: k.engagedAtMicros)),
            ])
        }
        if let g = d.grant { o["grant"] = .string(g.id) }
        return .object(o)
    }

    /// The part of the answer a door acts on (`Verdict(json:)` reads these): outcome, code,
    /// message, tier, environment, missing context, the approval request, hook settings. A door
    /// deciding in-process builds only this, not the facts and reasons it would not read.
    public static func verdictFields(_ d: GatewayDecision, now: Int64) -> [String: JSONValue] {
        var o: [String: JSONValue] = [
            "outcome": .string(d.outcome.rawValue),
            "code": .string(d.code.rawValue),
            "message": .string(d.message),
            "tier": .string(d.decision.tier.rawValue),
            "environment": .string(d.decision.environment),
        ]
        if !d.decision.missingContext.isEmpty {
            o["missing_context"] = .array(d.decision.missingContext.map { .string($0.rawValue) })
        }
        if let request = d.request {
            var summary = approvalSummary(request, now: now)
            if d.outcome == .pending {
                // Poll no faster than this; or long-poll GET /v1/approvals/{id}?wait=30s.
                summary["retry_after_seconds"] = .int(5)
            }
            o["approval"] = .object(summary)
        }
        if d.hookSettings != HookSettings() {
            o["hooks"] = .object(["supervised": .string(d.hookSettings.supervised.rawValue), "gated": .string(d.hookSettings.gated.rawValue)])
        }
        return o
    }

    static func approvalSummary(_ r: ApprovalRequest, now: Int64) -> [String: JSONValue] {
        [
            "id": .string(r.id),
            "state": .string(r.state(at: now).rawValue),
            "approvers_required": .int(Int64(r.requirement.approvers)),
            "approvals": .int(Int64(r.approvals.count)),
            "roles": .array(r.requirement.roles.map(JSONValue.string)),
            "expires_at": .string(AuditEntry.timestamp(micros: r.expiresAtMicros)),
        ]
    }

    /// One approval request with everything a reviewer needs.
    public static func approval(_ r: ApprovalRequest, now: Int64) -> JSONValue {
        var o = approvalSummary(r, now: now)
        o["digest"] = .string(r.actionDigest.description)
        o["agent"] = .string(r.requester)
        o["launched_by"] = r.launchedBy.map(JSONValue.string) ?? .null
        o["environment"] = .string(r.environment)
        o["rule"] = .string(r.rule)
        o["requirement"] = .string(r.requirement.summary)
        o["timeout_seconds"] = .int(Int64(r.requirement.timeoutSeconds))
        o["created_at"] = .string(AuditEntry.timestamp(micros: r.createdAtMicros))
        o["votes"] = .array(r.approvals.map { vote in
            .object([
                "human": .string(vote.human), "roles": .array(vote.roles.sorted().map(JSONValue.string)),
                "at": .string(AuditEntry.timestamp(micros: vote.atMicros)), "comment": vote.comment.map(JSONValue.string) ?? .null,
            ])
        })
        if let approved = r.approvedAtMicros { o["approved_at"] = .string(AuditEntry.timestamp(micros: approved)) }
        if let consumed = r.consumedAtMicros { o["consumed_at"] = .string(AuditEntry.timestamp(micros: consumed)) }
        if let rejection = r.rejection {
            o["rejection"] = .object([
                "human": .string(rejection.human), "at": .string(AuditEntry.timestamp(micros: rejection.atMicros)),
                "comment": rejection.comment.map(JSONValue.string) ?? .null,
            ])
        }
        o["context"] = r.context ?? .null
        return .object(o)
    }

    public static func engagement(_ e: KillSwitchStore.Engagement) -> JSONValue {
        .object([
            "scope": scope(e.scope), "engaged_by": .string(e.engagedBy),
            "engaged_at": .string(AuditEntry.timestamp(micros: e.engagedAtMicros)),
            "reason": e.reason.map(JSONValue.string) ?? .null, "message": .string(e.message),
        ])
    }

    public static func scope(_ s: KillSwitchStore.Scope) -> JSONValue {
        switch s {
        case .everything: .object(["kind": .string("all")])
        case .agent(let a): .object(["kind": .string("agent"), "name": .string(a)])
        case .environment(let e): .object(["kind": .string("environment"), "name": .string(e)])
        }
    }

    public static func grant(_ g: Grant) -> JSONValue {
        .object([
            "id": .string(g.id), "agent": .string(g.agent), "environment": .string(g.environment),
            "operations": .array(g.operations.map(JSONValue.string)), "targets": .array(g.targets.map(JSONValue.string)),
            "tier": .string(g.tier.rawValue), "granted_by": .string(g.grantedBy), "reason": g.reason.map(JSONValue.string) ?? .null,
            "created_at": .string(AuditEntry.timestamp(micros: g.createdAtMicros)),
            "expires_at": .string(AuditEntry.timestamp(micros: g.expiresAtMicros)),
            "uses_left": g.usesLeft.map { .int(Int64($0)) } ?? .null,
        ])
    }

    /// A one-line, already-redacted description of an action input for a chat message.
    public static func describeInput(_ input: JSONValue) -> String {
        let line: String
        switch input["kind"]?.stringValue {
        case "shell": line = input["command"]?.stringValue ?? "a shell command"
        case "sql": line = input["text"]?.stringValue ?? "SQL"
        case "aws": line = "aws \(input["service"]?.stringValue ?? "?") \(input["operation"]?.stringValue ?? "?")"
        case "tool": line = "tool \(input["server"]?.stringValue ?? "")/\(input["tool"]?.stringValue ?? "?")"
        case "file": line = "write \(input["path"]?.stringValue ?? "a file")"
        case "plan": line = "a Terraform plan"
        default: line = "an action"
        }
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }
}
