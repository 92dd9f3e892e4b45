import ArgumentParser
import Foundation
import InterlockApprovals
import InterlockAudit
import InterlockClassifiers
import InterlockCore
import InterlockDoors
import InterlockGateway
import InterlockPolicy
import InterlockStore

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}


struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Decide one action by policy and print the decision.",
        discussion: """
            A what-if unless --record is given: then the decision is appended to the audit log before it \
            is printed, and if it cannot be recorded nothing is allowed (exit 1). No approval request is \
            filed. Exit codes: 0 allowed (autonomous or supervised), 2 blocked, 4 approval required, \
            3 invalid input or policy, 1 failure.
            """)

    @OptionGroup var action: ActionOptions
    @OptionGroup var policySource: PolicySourceOptions
    @OptionGroup var home: HomeOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(help: "Record the decision (redacted) in the audit log of the Interlock home.")
    var record = false

    func run() throws {
        let (policy, policyText, policySourceName) = try policySource.loadWithSource()
        let (action, stated) = try action.makeAction()
        let (facts, explanation) = classifyAndDecide(action, statedFacts: stated, policy: policy, guarded: guardedPaths(home: home.home, policy: policySource.source))
        var decision = explanation.decision
        if record {
            // No decision without its audit record: if this fails, the error (exit 1) is the answer.
            var killed: KillSwitchStore.Engagement?
            do {
                let log = try home.openLog()
                let policyHash = AuditRecord.policyHash(policyText)
                try log.recordPolicyLoad(hash: policyHash, source: policySourceName, principal: "agent:" + action.principal.agent)
                // A door that records is a real door: an engaged kill switch refuses whatever the policy says.
                killed = try KillSwitchStore(audit: log).engagement(
                    agent: action.principal.agent, environments: [decision.environment] + (action.environment.map { [$0] } ?? []))
                if killed == nil, let grant = try GrantStore(audit: log).use(for: action, facts: facts, decision: decision, now: AuditLog.nowMicros()) {
                    decision = grant.apply(to: decision)
                }
                try log.appendNow([AuditRecord.decision(
                    action: action, facts: facts, decision: decision, outcome: killed == nil ? AuditRecord.outcome(decision.tier) : "deny",
                    policyHash: policyHash, timeMicros: AuditLog.nowMicros(), detail: killed?.message)])
            } catch let error as OperationalFailure {
                throw error
            } catch {
                throw OperationalFailure("the decision could not be recorded, so it is not given: \(error)")
            }
            if let killed {
                print(killed.message)
                throw ExitStatus.blocked
            }
        }
        var shown = explanation
        shown.decision = decision
        switch format {
        case .text: print(DecisionReport.text(action: action, facts: facts, decision: decision))
        case .json: print(DecisionReport.json(action: action, facts: facts, explanation: shown, includeTrace: false).jsonText(pretty: true))
        }
        throw DecisionReport.exitCode(decision.tier)
    }
}

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Terraform and OpenTofu plans.",
        subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Summarise a plan (`terraform show -json PLANFILE`) and decide it by policy.",
            discussion: "Exit codes as for `check`: 0 allowed, 2 blocked, 4 approval required, 3 invalid plan or policy, 1 failure.")

        @Argument(help: ArgumentHelp("The plan JSON; `-` reads stdin.", valueName: "plan.json"))
        var planFile: String

        @OptionGroup var policySource: PolicySourceOptions

        @Option(help: "The environment the plan applies to (or INTERLOCK_ENV).")
        var env: String?

        @Option(help: "The agent principal (default: cli).")
        var agent: String?

        @Option(help: "Output format: text or json.")
        var format: OutputFormat = .text

        func run() throws {
            let policy = try policySource.load()
            var options = try ActionOptions.parse(["--plan", planFile] + (env.map { ["--env", $0] } ?? []) + (agent.map { ["--agent", $0] } ?? []))
            options.cwd = options.cwd ?? FileManager.default.currentDirectoryPath
            let (action, stated) = try options.makeAction()
            guard case .plan(let input) = action.input else { throw InvalidInput("not a plan") }
            let analysis = try TerraformPlanAnalysis(plan: input.plan)
            let (facts, explanation) = classifyAndDecide(action, statedFacts: stated, policy: policy, guarded: guardedPaths(home: nil, policy: policySource.source))
            switch format {
            case .text:
                print(analysis.summary)
                print("")
                print(DecisionReport.text(action: action, facts: facts, decision: explanation.decision))
            case .json:
                print(DecisionReport.json(action: action, facts: facts, explanation: explanation, includeTrace: false).jsonText(pretty: true))
            }
            throw DecisionReport.exitCode(explanation.decision.tier)
        }
    }
}

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show why an action gets its decision: environments, every rule, limits and tiers.",
        discussion: "Takes the same options as `check`. Exits 0 unless the input or policy is invalid (3).")

    @OptionGroup var action: ActionOptions
    @OptionGroup var policySource: PolicySourceOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let policy = try policySource.load()
        let (action, stated) = try action.makeAction()
        let (facts, explanation) = classifyAndDecide(action, statedFacts: stated, policy: policy, guarded: guardedPaths(home: nil, policy: policySource.source))
        switch format {
        case .text:
            print(DecisionReport.text(action: action, facts: facts, decision: explanation.decision))
            print("\nevaluation:")
            for line in explanation.trace { print("  " + line) }
        case .json:
            print(DecisionReport.json(action: action, facts: facts, explanation: explanation, includeTrace: true).jsonText(pretty: true))
        }
    }
}

enum DecisionReport {
    static func exitCode(_ tier: Tier) -> ExitCode {
        switch tier {
        case .autonomous, .supervised: ExitStatus.allow
        case .gated: ExitStatus.approvalRequired
        case .blocked: ExitStatus.blocked
        }
    }

    static func outcome(_ tier: Tier) -> String {
        switch tier {
        case .autonomous, .supervised: "allow"
        case .gated: "approval_required"
        case .blocked: "deny"
        }
    }

    static func text(action: Action, facts: Classification, decision: Decision) -> String {
        var lines: [String] = []
        lines.append("decision:    \(decision.tier) (\(outcome(decision.tier)))")
        lines.append("environment: \(decision.environment)")
        lines.append("decided by:  \(decision.decidedBy)")
        lines.append("message:     \(decision.message)")
        if let a = decision.approval {
            let roles = a.roles.isEmpty ? "any human" : a.roles.joined(separator: " or ")
            lines.append("approval:    \(a.approvers) distinct approver\(a.approvers == 1 ? "" : "s") (\(roles)), timeout \(formatDuration(a.timeoutSeconds))")
        }
        if !decision.missingContext.isEmpty {
            lines.append("missing:     \(decision.missingContext.map(\.rawValue).joined(separator: ", "))")
        }
        lines.append("effect:      \(facts.effect)")
        lines.append("operations:  \(facts.operations.joined(separator: ", "))")
        if !facts.targets.isEmpty || !facts.targetsComplete {
            lines.append("targets:     \(facts.targets.joined(separator: ", "))\(facts.targetsComplete ? "" : " (and unknown others)")")
        }
        lines.append("blast radius: \(facts.blastRadius)")
        if !facts.categories.isEmpty {
            lines.append("categories:  \(facts.categories.sorted().map(\.rawValue).joined(separator: ", "))")
        }
        lines.append("digest:      \(action.digest)")
        lines.append("reasons:")
        for reason in decision.reasons { lines.append("  - \(reason.description)") }
        return lines.joined(separator: "\n")
    }

    static func json(action: Action, facts: Classification, explanation: PolicyEvaluator.Explanation, includeTrace: Bool) -> JSONValue {
        let d = explanation.decision
        var o: [String: JSONValue] = [
            "outcome": .string(outcome(d.tier)),
            "decision": .string(d.tier.rawValue),
            "environment": .string(d.environment),
            "decided_by": .string(d.decidedBy.identifier),
            "message": .string(d.message),
            "reasons": .array(d.reasons.map { .string($0.description) }),
            "matched_rules": .array(d.matchedRules.map(JSONValue.string)),
            "missing_context": .array(d.missingContext.map { .string($0.rawValue) }),
            "digest": .string(action.digest.description),
            "environments": .array(explanation.environments.map { .object(["name": .string($0.name), "reason": .string($0.reason.description)]) }),
            "facts": factsJSON(facts),
        ]
        if let a = d.approval {
            o["approval"] = .object([
                "approvers": .int(Int64(a.approvers)),
                "roles": .array(a.roles.map(JSONValue.string)),
                "timeout_seconds": .int(Int64(a.timeoutSeconds)),
                "require_context": .array(a.requiredContext.map { .string($0.rawValue) }),
            ])
        }
        if includeTrace { o["trace"] = .array(explanation.trace.map(JSONValue.string)) }
        return .object(o)
    }

    static func factsJSON(_ f: Classification) -> JSONValue { GatewayJSON.facts(f) }
}
