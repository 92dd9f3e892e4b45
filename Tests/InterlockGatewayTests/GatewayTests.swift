import Foundation
import InterlockApprovals
import InterlockAudit
import InterlockClassifiers
import InterlockCore
import InterlockGateway
import InterlockPolicy
import InterlockStore
import Testing

/// The decision service against a real store in a temporary directory: limits, anomaly rules,
/// grants, and what survives a restart.
struct GatewayFixture {
    let directory: URL
    let policyText: String

    init(policy: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("interlock-gw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        policyText = policy
    }

    /// A gateway on the fixture's home; a second call is a restart, or, while the first is still
    /// open, another process on the same store.
    func open(refreshMilliseconds: Int64? = nil, fileSystem: (any FileSystemView)? = nil) throws -> Gateway {
        let (policy, _) = try PolicyLoader.load(text: policyText, file: "test.yaml")
        let log = try AuditLog(home: InterlockHome(directory: directory))
        var configuration = Gateway.Configuration(policy: policy, policyText: policyText, policySource: "test.yaml")
        if let refreshMilliseconds { configuration.refreshMilliseconds = refreshMilliseconds }
        if let fileSystem { configuration.fileSystem = fileSystem }
        return try Gateway(log: log, configuration: configuration)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

func shell(_ command: String, agent: String = "bot", environment: String = "production", rollback: Bool = true) -> Action {
    Action(principal: Principal(agent: agent, launchedBy: "lena"), channel: .httpAPI, environment: environment,
           input: .shell(ShellInput(command: command)),
           context: AgentContext(why: "test", rollback: rollback ? "restore from snapshot" : nil))
}

func aws(_ operation: String, _ parameters: [String: JSONValue], agent: String = "bot") -> Action {
    let parts = operation.split(separator: ":").map(String.init)
    return Action(principal: Principal(agent: agent, launchedBy: "lena"), channel: .awsAPI, environment: "production",
                  input: .aws(AWSRequest(service: parts[0], operation: parts[1], parameters: .object(parameters))),
                  context: AgentContext(why: "test", rollback: "recreate"))
}

/// Every rule below is off unless a test's policy turns it on, so each test sees one rule.
func policy(tiers: String = "{read: autonomous, write: autonomous, destructive: autonomous, unknown: gated}",
            anomalies: String = "{first_time: false, delete_recreate_window: off, destructive_burst: 0, after_kill_release: off}",
            limits: String = "[]") -> String {
    """
    version: 1
    approval: {approvers: 1}
    environments:
      production:
        tiers: \(tiers)
    anomalies: \(anomalies)
    limits: \(limits)
    """
}

@Suite("Gateway: limits from the policy, counted from recent activity")
struct GatewayLimitTests {
    @Test("writes per minute: the third write in a minute is escalated to gated, naming the limit; a restart remembers")
    func writesPerMinute() async throws {
        let fixture = try GatewayFixture(policy: policy(limits: "[{id: writes, writes_per_minute: 2, on_exceed: gated}]"))
        defer { fixture.remove() }
        var gateway = try fixture.open()
        #expect(try await gateway.decide(shell("touch /srv/a")).outcome == .allow)
        #expect(try await gateway.decide(shell("touch /srv/b")).outcome == .allow)
        // Reads do not count.
        #expect(try await gateway.decide(shell("ls /srv")).outcome == .allow)
        gateway = try fixture.open()
        let third = try await gateway.decide(shell("touch /srv/c"))
        #expect(third.outcome == .pending)
        #expect(third.decision.decidedBy == .limit("writes"))
        #expect(third.message.contains("writes"))
        // Another agent has its own budget.
        #expect(try await gateway.decide(shell("touch /srv/c", agent: "other")).outcome == .allow)
    }

    @Test("destructive per hour can block outright; refused actions do not use up the budget")
    func destructivePerHour() async throws {
        let fixture = try GatewayFixture(policy: policy(limits: "[{id: deletes, destructive_per_hour: 1, on_exceed: blocked}]"))
        defer { fixture.remove() }
        let gateway = try fixture.open()
        #expect(try await gateway.decide(shell("rm /srv/a")).outcome == .allow)
        let second = try await gateway.decide(shell("rm /srv/b"))
        #expect(second.outcome == .deny)
        #expect(second.code == .blocked)
        #expect(try await gateway.decide(shell("rm /srv/c")).decision.decidedBy == .limit("deletes"))
    }

    @Test("blast radius: an action touching more resources than the cap is gated")
    func blastRadius() async throws {
        let fixture = try GatewayFixture(policy: policy(limits: "[{id: radius, max_resources: 2, on_exceed: gated}]"))
        defer { fixture.remove() }
        let gateway = try fixture.open()
        #expect(try await gateway.decide(shell("touch /srv/a /srv/b")).outcome == .allow)
        let wide = try await gateway.decide(shell("touch /srv/a /srv/b /srv/c"))
        #expect(wide.outcome == .pending)
        #expect(wide.decision.decidedBy == .limit("radius"))
    }

    @Test("cost per day: stated costs add up per agent until the budget is spent")
    func costPerDay() async throws {
        let fixture = try GatewayFixture(policy: policy(limits: "[{id: budget, max_cost_per_day_usd: 100, on_exceed: gated}]"))
        defer { fixture.remove() }
        let gateway = try fixture.open()
        let cost = try #require(try ActionDocument.decodeFacts(.object(["effect": .string("write"), "cost_usd": .int(60)]), path: "facts"))
        #expect(try await gateway.decide(shell("touch /srv/a"), stated: cost).outcome == .allow)
        let over = try await gateway.decide(shell("touch /srv/b"), stated: cost)
        #expect(over.outcome == .pending)
        #expect(over.decision.decidedBy == .limit("budget"))
    }

    @Test("estimated costs: launching instances is priced by the classifier, counts against the day's budget, and a restart remembers it")
    func estimatedCost() async throws {
        let fixture = try GatewayFixture(policy: policy(limits: "[{id: budget, max_cost_per_day_usd: 100, on_exceed: gated}]"))
        defer { fixture.remove() }
        var gateway = try fixture.open()
        // 3 × m5.large for a day: $6.912.
        let small = try await gateway.decide(aws("ec2:RunInstances", ["InstanceType": .string("m5.large"), "MaxCount": .string("3")]))
        #expect(small.outcome == .allow)
        #expect(abs((small.facts.estimatedCostUSD ?? 0) - 6.912) < 0.0001)
        let large = try await gateway.decide(aws("ec2:RunInstances", ["InstanceType": .string("p4d.24xlarge"), "MaxCount": .int(1)]))
        #expect(large.outcome == .pending)
        #expect(large.decision.decidedBy == .limit("budget"))
        // 13 more small launches fit ($96.77 in all); after a restart the fourteenth does not.
        for _ in 0..<13 {
            #expect(try await gateway.decide(aws("ec2:RunInstances", ["InstanceType": .string("m5.large"), "MaxCount": .string("3")])).outcome == .allow)
        }
        gateway = try fixture.open()
        let over = try await gateway.decide(aws("ec2:RunInstances", ["InstanceType": .string("m5.large"), "MaxCount": .string("3")]))
        #expect(over.decision.decidedBy == .limit("budget"), "\(over.message)")
    }

    @Test("cost per task: each task has its own budget, actions naming no task share one, and a restart remembers the spend")
    func costPerTask() async throws {
        let fixture = try GatewayFixture(policy: policy(limits: "[{id: task-budget, max_cost_per_task_usd: 100, on_exceed: blocked}]"))
        defer { fixture.remove() }
        func spend(_ task: String?, _ path: String) -> Action {
            var action = shell("touch \(path)")
            action.principal.task = task
            return action
        }
        let cost = try #require(try ActionDocument.decodeFacts(.object(["effect": .string("write"), "cost_usd": .double(60.5)]), path: "facts"))
        var gateway = try fixture.open()
        #expect(try await gateway.decide(spend("JIRA-1", "/srv/a"), stated: cost).outcome == .allow)
        #expect(try await gateway.decide(spend("JIRA-2", "/srv/b"), stated: cost).outcome == .allow)
        #expect(try await gateway.decide(spend(nil, "/srv/c"), stated: cost).outcome == .allow)
        // A refused action spends nothing: the budget is still 60.5 spent, not 121.
        #expect(try await gateway.decide(spend(nil, "/srv/d"), stated: cost).outcome == .deny)
        gateway = try fixture.open()
        let over = try await gateway.decide(spend("JIRA-1", "/srv/e"), stated: cost)
        #expect(over.outcome == .deny)
        #expect(over.decision.decidedBy == .limit("task-budget"))
        #expect(over.message.contains("this task's cost would reach $121.0 (limit $100.0 per task)"))
        let untasked = try await gateway.decide(spend(nil, "/srv/f"), stated: cost)
        #expect(untasked.decision.decidedBy == .limit("task-budget"))
        // Within budget still: a cheap action on the same task, and a fresh task.
        let cheap = try #require(try ActionDocument.decodeFacts(.object(["effect": .string("write"), "cost_usd": .int(39)]), path: "facts"))
        #expect(try await gateway.decide(spend("JIRA-1", "/srv/g"), stated: cheap).outcome == .allow)
        #expect(try await gateway.decide(spend("JIRA-3", "/srv/h"), stated: cost).outcome == .allow)
        // Another agent's task of the same name has its own budget.
        var other = spend("JIRA-1", "/srv/i")
        other.principal.agent = "other"
        #expect(try await gateway.decide(other, stated: cost).outcome == .allow)
    }
}

@Suite("Gateway: a start replays only the log after the last activity snapshot")
struct GatewaySnapshotTests {
    @Test("past 64 new entries a start saves a snapshot; later starts keep the limits and the destroyed targets it holds, plus what came after")
    func snapshotAcrossRestarts() async throws {
        let fixture = try GatewayFixture(policy: policy(
            anomalies: "{first_time: false, delete_recreate_window: 1h, destructive_burst: 0, after_kill_release: off}",
            limits: "[{id: writes, writes_per_minute: 70, on_exceed: gated}]"))
        defer { fixture.remove() }
        var gateway = try fixture.open()
        #expect(try await gateway.decide(shell("rm -rf /srv/stack")).outcome == .allow)
        for i in 0..<66 { #expect(try await gateway.decide(shell("touch /srv/f\(i)")).outcome == .allow) }
        let store = ActivityStore(audit: gateway.log)
        #expect(try store.activitySnapshot() == nil)
        gateway = try fixture.open()
        let saved = try #require(try store.activitySnapshot())
        #expect(saved.logSize == (try gateway.log.size))
        // The next start replays nothing and saves nothing new.
        gateway = try fixture.open()
        #expect(try store.activitySnapshot()?.logSize == saved.logSize)
        for i in 66..<70 { #expect(try await gateway.decide(shell("touch /srv/f\(i)")).outcome == .allow) }
        gateway = try fixture.open()
        let over = try await gateway.decide(shell("touch /srv/f70"))
        #expect(over.decision.decidedBy == .limit("writes"))
        let recreate = try await gateway.decide(shell("mkdir /srv/stack"))
        #expect(recreate.anomalies.map(\.kind) == [.deleteRecreate])
    }
}

@Suite("Gateway: decisions other processes record on the same store count too")
struct GatewaySharedStoreTests {
    @Test("a rate limit cannot be spread over doors: writes another process allowed count here, its own are not counted twice, and a destroyed target is known")
    func rateAcrossProcesses() async throws {
        let fixture = try GatewayFixture(policy: policy(
            anomalies: "{first_time: false, delete_recreate_window: 1h, destructive_burst: 0, after_kill_release: off}",
            limits: "[{id: writes, writes_per_minute: 4, on_exceed: gated}]"))
        defer { fixture.remove() }
        // Two processes on one store, each reading the other's decisions before every decision.
        let server = try fixture.open(refreshMilliseconds: 0)
        let hook = try fixture.open(refreshMilliseconds: 0)
        #expect(try await server.decide(shell("touch /srv/a")).outcome == .allow)
        #expect(try await server.decide(shell("touch /srv/b")).outcome == .allow)
        #expect(try await hook.decide(shell("touch /srv/c")).outcome == .allow)
        #expect(try await hook.decide(shell("rm -rf /srv/stack")).outcome == .allow)
        // The fourth write: the server counts its own two once, and the hook's one.
        #expect(try await server.decide(shell("touch /srv/d")).outcome == .allow)
        let fifth = try await server.decide(shell("touch /srv/e"))
        #expect(fifth.decision.decidedBy == .limit("writes"), "\(fifth.message)")
        #expect(try await hook.decide(shell("touch /srv/f")).decision.decidedBy == .limit("writes"))
        let recreate = try await server.decide(shell("mkdir /srv/stack"))
        #expect(recreate.anomalies.map(\.kind) == [.deleteRecreate])
    }
}

/// A disk the test edits while the gateway reads it.
final class EditableFiles: FileSystemView, @unchecked Sendable {
    private let lock = NSLock()
    private var files: [String: String]
    private let directories: Set<String>

    init(_ files: [String: String], directories: Set<String>) {
        self.files = files
        self.directories = directories
    }

    func write(_ path: String, _ text: String) { lock.withLock { files[path] = text } }
    func kind(of path: String) -> PathKind? {
        lock.withLock { files[path] != nil ? .file : directories.contains(path) ? .directory : .missing }
    }
    func contents(of path: String) -> String? { lock.withLock { files[path] } }
    func entries(of directory: String) -> [String]? { nil }
}

@Suite("Gateway: an approval covers the files the facts were read from")
struct GatewayDocumentBindingTests {
    @Test("approve what you see: an edit to the Makefile after the approval makes a new request; unchanged, the approval is spent once")
    func editedFileIsANewRequest() async throws {
        let fixture = try GatewayFixture(policy: policy(tiers: "{read: autonomous, write: autonomous, destructive: gated, unknown: autonomous}"))
        defer { fixture.remove() }
        let disk = EditableFiles(["/srv/app/Makefile": "clean:\n\trm -rf dist\n"], directories: ["/srv", "/srv/app"])
        let gateway = try fixture.open(fileSystem: disk)
        var action = shell("make clean")
        action.workingDirectory = "/srv/app"
        let first = try await gateway.decide(action)
        #expect(first.outcome == .pending)
        #expect(first.facts.documents.keys.contains("/srv/app/Makefile"))
        let request = try #require(first.request)
        #expect(request.actionDigest != first.digest)
        #expect(request.context?["documents"]?["/srv/app/Makefile"]?.stringValue == first.facts.documents["/srv/app/Makefile"])
        _ = try gateway.approve(id: request.id, by: .human("alice", roles: []), comment: nil)
        // The recipe now deletes something else, still only gated: the approval does not cover it.
        disk.write("/srv/app/Makefile", "clean:\n\trm -rf /var/lib/postgresql\n")
        let edited = try await gateway.decide(action)
        #expect(edited.outcome == .pending)
        #expect(edited.request?.id != request.id)
        // Put back as approved, the approval is spent once.
        disk.write("/srv/app/Makefile", "clean:\n\trm -rf dist\n")
        let approved = try await gateway.decide(action)
        #expect(approved.outcome == .allow)
        #expect(approved.request?.id == request.id)
        #expect(try await gateway.decide(action).outcome == .pending)
        // An action read from no file binds to its own digest.
        let plain = try await gateway.decide(shell("rm -rf /srv/app/dist"))
        #expect(plain.request?.actionDigest == plain.digest)
    }
}

@Suite("Gateway: anomaly rules escalate and say why")
struct GatewayAnomalyTests {
    @Test("first time: an agent's first write in production waits for a human; once approved and run, it is known")
    func firstTime() async throws {
        let fixture = try GatewayFixture(policy: policy(anomalies: "{first_time: true, delete_recreate_window: off, destructive_burst: 0, after_kill_release: off}"))
        defer { fixture.remove() }
        let gateway = try fixture.open()
        #expect(try await gateway.decide(shell("ls /srv")).outcome == .allow)
        let first = try await gateway.decide(shell("touch /srv/a"))
        #expect(first.outcome == .pending)
        #expect(first.anomalies.map(\.kind) == [.firstTime])
        let id = try #require(first.request?.id)
        _ = try gateway.approve(id: id, by: .human("alice", roles: []), comment: nil)
        #expect(try await gateway.decide(shell("touch /srv/a")).outcome == .allow)
        let next = try await gateway.decide(shell("touch /srv/b"))
        #expect(next.outcome == .allow)
        #expect(next.anomalies.isEmpty)
        // Known across a restart.
        #expect(try await fixture.open().decide(shell("touch /srv/c")).outcome == .allow)
        // Another environment is new ground (only where the rule applies: here production).
        #expect(try await gateway.decide(shell("touch /srv/a", agent: "newcomer")).outcome == .pending)
    }

    @Test("delete then recreate: recreating a stack the agent just deleted is escalated, naming it")
    func deleteThenRecreate() async throws {
        let fixture = try GatewayFixture(policy: policy(anomalies: "{first_time: false, delete_recreate_window: 1h, destructive_burst: 0, after_kill_release: off}"))
        defer { fixture.remove() }
        let gateway = try fixture.open()
        #expect(try await gateway.decide(aws("cloudformation:DeleteStack", ["StackName": .string("prod-env")])).outcome == .allow)
        // A different stack is fine.
        #expect(try await gateway.decide(aws("cloudformation:CreateStack", ["StackName": .string("side-env")])).outcome == .allow)
        let recreate = try await gateway.decide(aws("cloudformation:CreateStack", ["StackName": .string("prod-env")]))
        #expect(recreate.outcome == .pending)
        #expect(recreate.anomalies.map(\.kind) == [.deleteRecreate])
        #expect(recreate.anomalies.first?.reason.contains("prod-env") == true)
        // The same through a shell: a file removed and written again.
        #expect(try await gateway.decide(shell("rm /srv/app/config.yaml")).outcome == .allow)
        #expect(try await gateway.decide(shell("touch /srv/app/config.yaml")).outcome == .pending)
        // However the object is spelled: deleted as `ns/web`, recreated as `namespace web`.
        #expect(try await gateway.decide(shell("kubectl delete ns/web")).outcome == .allow)
        let namespace = try await gateway.decide(shell("kubectl create namespace web"))
        #expect(namespace.anomalies.map(\.kind) == [.deleteRecreate], "\(namespace.message)")
    }

    @Test("a burst of destructive requests: past the count in the window, the next one is escalated")
    func burst() async throws {
        let fixture = try GatewayFixture(policy: policy(anomalies: "{first_time: false, delete_recreate_window: off, destructive_burst: 3, destructive_burst_window: 10m, after_kill_release: off}"))
        defer { fixture.remove() }
        let gateway = try fixture.open()
        for n in 0..<3 { #expect(try await gateway.decide(shell("rm /tmp/file-\(n)")).outcome == .allow) }
        let fourth = try await gateway.decide(shell("rm /tmp/file-3"))
        #expect(fourth.outcome == .pending)
        #expect(fourth.anomalies.map(\.kind) == [.destructiveBurst])
        // Writes are not destructive.
        #expect(try await gateway.decide(shell("touch /tmp/file-9")).outcome == .allow)
    }

    @Test("destructive within minutes of a kill switch release is escalated; reads are not")
    func afterKillRelease() async throws {
        let fixture = try GatewayFixture(policy: policy(anomalies: "{first_time: false, delete_recreate_window: off, destructive_burst: 0, after_kill_release: 15m}"))
        defer { fixture.remove() }
        let gateway = try fixture.open()
        #expect(try await gateway.decide(shell("rm /srv/a")).outcome == .allow)
        try gateway.engageKillSwitch(.agent("bot"), by: "human:alice", reason: "incident")
        let killed = try await gateway.decide(shell("ls /srv"))
        #expect(killed.code == .killSwitch)
        try gateway.releaseKillSwitch(.agent("bot"), by: "human:alice")
        #expect(try await gateway.decide(shell("ls /srv")).outcome == .allow)
        let after = try await gateway.decide(shell("rm /srv/b"))
        #expect(after.outcome == .pending)
        #expect(after.anomalies.map(\.kind) == [.afterKillRelease])
    }
}

@Suite("Gateway: grants, context requirements and failure")
struct GatewayGrantTests {
    @Test("a grant lowers exactly its scope; never a blocked rule; used up counts down")
    func grants() async throws {
        let fixture = try GatewayFixture(policy: """
            version: 1
            approval: {approvers: 1}
            environments:
              production:
                tiers: {read: autonomous, write: gated, destructive: gated, unknown: gated}
            rules:
              - id: never-root
                match: {targets: ["/"]}
                decision: blocked
            anomalies: {first_time: false, delete_recreate_window: off, destructive_burst: 0, after_kill_release: off}
            """)
        defer { fixture.remove() }
        let gateway = try fixture.open()
        let now = AuditLog.nowMicros()
        try gateway.createGrant(try Grant(id: "grt_test", agent: "bot", environment: "production", operations: ["shell:rm"],
                                          targets: ["/srv/app/tmp/**", "/"], grantedBy: "human:alice", createdAtMicros: now,
                                          expiresAtMicros: now + 3_600_000_000, usesLeft: 2))
        let granted = try await gateway.decide(shell("rm -rf /srv/app/tmp/cache"))
        #expect(granted.outcome == .allow)
        #expect(granted.code == .granted)
        // A grant to `supervised` is still supervised in the record: it stays on the reviewers' list.
        let recorded = try gateway.log.entries(from: granted.auditIndex, limit: 1).first?.entry
        #expect(recorded?.outcome == "supervised")
        #expect(try await gateway.decide(shell("rm -rf /srv/app/data")).outcome == .pending)
        #expect(try await gateway.decide(shell("rm -rf /")).outcome == .deny)
        #expect(try await gateway.decide(shell("rm -rf /srv/app/tmp/x")).outcome == .allow)
        // Two uses, used.
        #expect(try await gateway.decide(shell("rm -rf /srv/app/tmp/y")).outcome == .pending)
    }

    @Test("a policy that requires a rollback plan refuses a gated action without one, and files nothing")
    func requiredContext() async throws {
        let fixture = try GatewayFixture(policy: """
            version: 1
            approval: {approvers: 1, require_context: [rollback]}
            environments:
              production:
                tiers: {read: autonomous, write: autonomous, destructive: gated, unknown: gated}
            anomalies: {first_time: false, delete_recreate_window: off, destructive_burst: 0, after_kill_release: off}
            """)
        defer { fixture.remove() }
        let gateway = try fixture.open()
        let bare = try await gateway.decide(shell("rm /srv/a", rollback: false))
        #expect(bare.outcome == .deny)
        #expect(bare.code == .missingContext)
        #expect(bare.message.contains("rollback"))
        #expect(try gateway.approvals.list(now: AuditLog.nowMicros()).isEmpty)
        let stated = try await gateway.decide(shell("rm /srv/a"))
        #expect(stated.outcome == .pending)
        let flags = stated.request?.context?["flags"]?.arrayValue ?? []
        // Rollback stated, alternatives not: reviewers see the gap.
        #expect(flags == [.string("no alternatives stated")])
    }

    @Test("a rejected action asked again at once is refused with the reviewer's words, not filed again")
    func rejectionRemembered() async throws {
        let fixture = try GatewayFixture(policy: policy(tiers: "{read: autonomous, write: autonomous, destructive: gated, unknown: gated}"))
        defer { fixture.remove() }
        let gateway = try fixture.open()
        let filed = try await gateway.decide(shell("rm -rf /srv/db"))
        let id = try #require(filed.request?.id)
        _ = try gateway.reject(id: id, by: .human("alice", roles: []), comment: "use the migration tool")
        let again = try await gateway.decide(shell("rm -rf /srv/db"))
        #expect(again.outcome == .deny)
        #expect(again.code == .rejected)
        #expect(again.message.contains("use the migration tool"))
    }
}
