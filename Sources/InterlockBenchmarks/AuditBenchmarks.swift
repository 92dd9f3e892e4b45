import Foundation
import InterlockAudit
import InterlockClassifiers
import InterlockCore
import InterlockGateway
import InterlockPolicy
import InterlockStore

/// Decision entries like the gateway writes: a real action, classified and decided by the
/// built-in policy, redacted. About 600 bytes each.
func realisticEntries(_ count: Int) -> [AuditEntry] {
    let commands = [
        "rm -rf /srv/app/tmp/cache", "kubectl delete deployment web -n production", "git push --force origin main",
        "PGPASSWORD=hunter2 psql -h db.prod -c 'DELETE FROM sessions WHERE expires < now()'", "ls -la /var/log",
        "terraform destroy -auto-approve", "aws s3 rm s3://prod-assets --recursive", "cat README.md",
    ]
    let classifiers = ClassifierSet.standard(fileSystem: OpaqueFileSystem())
    let evaluator = PolicyEvaluator(policy: BuiltinPolicy.policy)
    let policyHash = AuditRecord.policyHash(BuiltinPolicy.text)
    let templates = commands.map { command -> AuditEntry in
        let action = Action(principal: Principal(agent: "claude-code", launchedBy: "alice", task: "T-42"), channel: .hook,
                            environment: "production", workingDirectory: "/srv/app", input: .shell(ShellInput(command: command)),
                            context: AgentContext(why: "clean up after the failed deploy", rollback: "redeploy from the last tag"))
        let facts = classifiers.classify(action)
        let decision = evaluator.evaluate(action, facts: facts)
        return AuditRecord.decision(action: action, facts: facts, decision: decision, outcome: AuditRecord.outcome(decision.tier),
                                    policyHash: policyHash, timeMicros: AuditLog.nowMicros())
    }
    return (0..<count).map { i in
        var entry = templates[i % templates.count]
        entry.timeMicros += Int64(i)
        return entry
    }
}

func temporaryHome() -> InterlockHome {
    InterlockHome(directory: FileManager.default.temporaryDirectory.appendingPathComponent("interlock-bench-\(UUID().uuidString)"))
}

/// `audit-append [count] [clients] [home]`: `clients` concurrent writers each append one entry at
/// a time and wait until it is durable, as gateway requests do; group commit batches them.
/// With `INTERLOCK_BENCH_REPORT=1` each writer prints `committed N` as its append returns (the
/// crash test reads that and kills the process mid-burst).
func auditAppendBenchmark(count: Int, clients: Int, home: InterlockHome, report: Bool) async throws {
    var options = AuditLog.Options()
    options.checkpointEvery = 10_000
    let log = try AuditLog(home: home, options: options)
    let entries = realisticEntries(count)
    let bytes = entries.prefix(100).reduce(0) { $0 + AuditEntryCodec.encode($1).count } / 100
    let clock = ContinuousClock()
    let start = clock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for client in 0..<clients {
            group.addTask {
                var i = client
                while i < count {
                    let index = try await log.append([entries[i]])
                    if report { FileHandle.standardOutput.write(Data("committed \(index[0])\n".utf8)) }
                    i += clients
                }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = start.duration(to: clock.now)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let size = try log.size
    if !report {
        print("audit append: \(count) entries (~\(bytes) bytes each) from \(clients) concurrent writers, synchronous=FULL: "
              + "\(Int(Double(count) / seconds)) durable appends/s (\(String(format: "%.2f", seconds)) s); log size \(size)")
    }
}

/// `audit-verify [entries] [home]`: fills a log with realistic entries in large transactions (up
/// to `entries`; a kept `home` is filled once), then times a full `verify()`: every leaf, every
/// stored node, every checkpoint signature.
func auditVerifyBenchmark(count: Int, keepHome: InterlockHome?) throws {
    let home = keepHome ?? temporaryHome()
    defer { if keepHome == nil { try? FileManager.default.removeItem(at: home.directory) } }
    var options = AuditLog.Options()
    options.checkpointEvery = 1000
    options.exportCheckpointFiles = false
    let log = try AuditLog(home: home, options: options)
    let templates = realisticEntries(1000)
    var written = Int(try log.size)
    while written < count {
        let batch = min(1000, count - written)
        try log.appendNow(Array(templates.prefix(batch)))
        written += batch
    }
    let clock = ContinuousClock()
    var best = Duration.seconds(1000)
    var report: AuditLogVerifier.Report?
    for _ in 0..<3 {
        let start = clock.now
        report = try log.verify()
        best = min(best, start.duration(to: clock.now))
    }
    guard let report, report.isValid else { throw BenchmarkFailure(description: "verification failed: \(String(describing: report?.problem))") }
    let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) / 1e18
    print("audit verify: \(report.size) entries, \(report.checkpointsChecked) checkpoints: \(String(format: "%.2f", seconds)) s (best of 3), "
          + "\(Int(Double(report.size) / seconds)) entries/s")
}

/// `gateway-decide [count]`: one caller's decisions, one after another, through an in-process
/// gateway on a fresh home with the built-in policy, as a hook or the AWS proxy makes them:
/// classify, decide, record durably. Prints the latency distribution per decision.
func gatewayDecideBenchmark(count: Int) async throws {
    let home = temporaryHome()
    defer { try? FileManager.default.removeItem(at: home.directory) }
    let log = try AuditLog(home: home)
    let gateway = try Gateway(log: log, configuration: Gateway.Configuration(policy: BuiltinPolicy.policy, policyText: BuiltinPolicy.text, policySource: "builtin"))
    let shell = ["ls -la /srv/app", "cat README.md", "git status"].map { command in
        Action(principal: Principal(agent: "claude-code", launchedBy: "alice", task: "T-42"), channel: .hook,
               environment: "development", workingDirectory: "/srv/app", input: .shell(ShellInput(command: command)))
    }
    // What the AWS proxy asks for a boto3 `ec2.describe_instances()` in production.
    let aws = [Action(principal: Principal(agent: "bench-agent", launchedBy: "bench"), channel: .awsAPI, environment: "production",
                      input: .aws(AWSRequest(service: "ec2", operation: "DescribeInstances", parameters: .object([:]),
                                             region: "us-east-1", account: "123456789012")))]
    let actions = ProcessInfo.processInfo.environment["INTERLOCK_BENCH_AWS"] == "1" ? aws : shell
    let clock = ContinuousClock()
    var micros: [Double] = []
    micros.reserveCapacity(count)
    let pauseMicros = UInt32(ProcessInfo.processInfo.environment["INTERLOCK_BENCH_PAUSE_US"] ?? "0") ?? 0
    for i in 0..<(count + 200) {
        if pauseMicros > 0 { usleep(pauseMicros) }
        let start = clock.now
        _ = try await gateway.decide(actions[i % actions.count])
        let elapsed = start.duration(to: clock.now)
        if i >= 200 { micros.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6) }
    }
    micros.sort()
    func at(_ q: Double) -> String { String(format: "%.0f", micros[min(micros.count - 1, Int(Double(micros.count) * q))]) }
    print("gateway decide, one caller, durable: \(count) decisions, p50 \(at(0.5)) µs, p90 \(at(0.9)) µs, p99 \(at(0.99)) µs")
}
