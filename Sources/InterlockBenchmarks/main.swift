// Release-build benchmarks. Run: swift run -c release InterlockBenchmarks policy
//
// `policy`: evaluates 1,000,000 pre-classified actions against Benchmarks/policy-50-rules.yaml
// (49 rules of its own on top of the built-in policy's 6, 3 environments with matchers, limits)
// and prints decisions per second and the latency distribution of single decisions.
import Foundation
import Histogram
import InterlockCore
import InterlockPolicy

struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
}

func policyBenchmark(count: Int) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let path = root.appendingPathComponent("Benchmarks/policy-50-rules.yaml").path
    guard let text = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
        throw BenchmarkFailure(description: "cannot read \(path)")
    }
    let policy = try PolicyLoader.load(text: text, file: path).0
    let evaluator = PolicyEvaluator(policy: policy)

    // A pool of distinct pre-classified actions, cycled through: a realistic mix of families,
    // effects, targets and environment facts.
    var rng = SystemRandomNumberGenerator()
    let operations = [
        ("shell:ls", Effect.read), ("shell:cat", .read), ("shell:rm", .destructive), ("shell:chmod", .destructive),
        ("aws:ec2:DescribeInstances", .read), ("aws:ec2:TerminateInstances", .destructive), ("aws:s3:PutObject", .write),
        ("aws:iam:AttachRolePolicy", .destructive), ("aws:rds:DeleteDBInstance", .destructive), ("sql:select", .read),
        ("sql:drop_table", .destructive), ("sql:insert", .write), ("git:status", .read), ("git:push_force", .destructive),
        ("kubectl:get", .read), ("kubectl:delete", .destructive), ("terraform:plan", .read), ("terraform:destroy", .destructive),
        ("mcp:sqlite:read_query", .read), ("mcp:github:create_issue", .unknown), ("file:write", .write),
    ]
    let targets = ["/srv/app/tmp", "/home/dev/project/build", "i-0abc", "users", "main", "namespace/payments", "/etc/nginx/nginx.conf", "bucket/logs"]
    let envFacts: [EnvironmentFacts] = [
        EnvironmentFacts([.awsAccount: ["111111111111"], .awsRegion: ["eu-west-1"]]),
        EnvironmentFacts([.kubeContext: ["staging-eu"]]),
        EnvironmentFacts([.databaseHost: ["db1.prod.internal"]]),
        EnvironmentFacts(),
    ]
    var pool: [(Action, Classification)] = []
    for i in 0..<4096 {
        let (op, effect) = operations.randomElement(using: &rng)!
        let target = targets.randomElement(using: &rng)!
        var categories: Set<Category> = []
        if Int.random(in: 0..<20, using: &rng) == 0 { categories.insert(.teardown) }
        if Int.random(in: 0..<10, using: &rng) == 0 { categories.insert(.permissionChange) }
        let facts = Classification(
            findings: [Finding(operation: op, effect: effect, targets: [target], categories: categories, reason: "bench")],
            environmentFacts: envFacts.randomElement(using: &rng)!)
        let action = Action(
            principal: Principal(agent: ["claude-code", "kiro", "night-ops"].randomElement(using: &rng)!, task: i % 3 == 0 ? "BILL-\(i)" : nil),
            channel: .hook, environment: [nil, "production", "development"].randomElement(using: &rng)!,
            workingDirectory: ["/home/dev/project", "/srv/app"].randomElement(using: &rng)!,
            input: .shell(ShellInput(command: "bench \(i)")))
        pool.append((action, facts))
    }

    // Warm up.
    var sink = 0
    for i in 0..<100_000 { sink &+= evaluator.evaluate(pool[i & 4095].0, facts: pool[i & 4095].1).tier.rank }

    // Throughput: no per-decision clock reads.
    let clock = ContinuousClock()
    let start = clock.now
    for i in 0..<count { sink &+= evaluator.evaluate(pool[i & 4095].0, facts: pool[i & 4095].1).tier.rank }
    let elapsed = start.duration(to: clock.now)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18

    // Latency: each decision timed on its own.
    var histogram = Histogram<UInt64>(highestTrackableValue: 1_000_000_000, numberOfSignificantValueDigits: .three)
    for i in 0..<count {
        let t0 = clock.now
        sink &+= evaluator.evaluate(pool[i & 4095].0, facts: pool[i & 4095].1).tier.rank
        let d = t0.duration(to: clock.now)
        _ = histogram.record(UInt64(d.components.attoseconds / 1_000_000_000) + UInt64(d.components.seconds) * 1_000_000_000)
    }
    func micros(_ p: Double) -> String { String(format: "%.2f µs", Double(histogram.valueAtPercentile(p)) / 1000) }
    print("policy: \(policy.rules.count) rules, \(policy.environments.count) environments, \(policy.limits.count) limits")
    print("decisions: \(count) in \(String(format: "%.3f", seconds)) s = \(Int(Double(count) / seconds)) decisions/s (one core)")
    print("latency per decision: p50 \(micros(50)), p99 \(micros(99)), p99.9 \(micros(99.9)), max \(micros(100))")
    if sink == 42 { print("") }  // keeps the work observable to the optimiser
}

let arguments = CommandLine.arguments.dropFirst()
do {
    switch arguments.first {
    case "policy", nil:
        try policyBenchmark(count: arguments.dropFirst().first.flatMap(Int.init) ?? 1_000_000)
    default:
        print("usage: InterlockBenchmarks policy [count]")
        exit(3)
    }
} catch {
    print("benchmark failed: \(error)")
    exit(1)
}
