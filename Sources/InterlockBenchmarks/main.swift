// Release-build benchmarks. Run: swift run -c release InterlockBenchmarks policy|classifiers
//
// `policy`: evaluates 1,000,000 pre-classified actions against Benchmarks/policy-50-rules.yaml
// (49 rules of its own on top of the built-in policy's 8, 3 environments with matchers, limits)
// and prints decisions per second and the latency distribution of single decisions.
import Foundation
import Histogram
import InterlockClassifiers
import InterlockCore
import InterlockPolicy
import InterlockStore
import InterlockSyntax

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
    // effects, targets and environment facts, the same on every run (seeded).
    var rng = SplitMix64(seed: 7)
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

    // Two arrays rather than one of pairs: reading a pair out of an array copies both halves.
    let actions = pool.map(\.0)
    let classifications = pool.map(\.1)

    // Warm up.
    var sink = 0
    for i in 0..<100_000 { sink &+= evaluator.evaluate(actions[i & 4095], facts: classifications[i & 4095]).tier.rank }

    // Throughput: no per-decision clock reads.
    let clock = ContinuousClock()
    let start = clock.now
    for i in 0..<count { sink &+= evaluator.evaluate(actions[i & 4095], facts: classifications[i & 4095]).tier.rank }
    let elapsed = start.duration(to: clock.now)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18

    // Latency: each decision timed on its own.
    var histogram = Histogram<UInt64>(highestTrackableValue: 1_000_000_000, numberOfSignificantValueDigits: .three)
    for i in 0..<count {
        let t0 = clock.now
        sink &+= evaluator.evaluate(actions[i & 4095], facts: classifications[i & 4095]).tier.rank
        let d = t0.duration(to: clock.now)
        _ = histogram.record(UInt64(d.components.attoseconds / 1_000_000_000) + UInt64(d.components.seconds) * 1_000_000_000)
    }
    func micros(_ p: Double) -> String { String(format: "%.2f µs", Double(histogram.valueAtPercentile(p)) / 1000) }
    print("policy: \(policy.rules.count) rules, \(policy.environments.count) environments, \(policy.limits.count) limits")
    print("decisions: \(count) in \(String(format: "%.3f", seconds)) s = \(Int(Double(count) / seconds)) decisions/s (one core)")
    print("latency per decision: p50 \(micros(50)), p99 \(micros(99)), p99.9 \(micros(99.9)), max \(micros(100))")
    if sink == 42 { print("") }  // keeps the work observable to the optimiser
}

/// A fast seeded generator: the system one makes a system call per number.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Reads one string field and the optional dialect from each line of a corpus file.
func corpusLines(_ name: String, key: String) throws -> [(String, SQLDialect?)] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let url = root.appendingPathComponent("Tests/InterlockClassifiersTests/Corpus/\(name)")
    let text = try String(contentsOf: url, encoding: .utf8)
    return try text.split(separator: "\n").map { line in
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let value = object[key] as? String else {
            throw BenchmarkFailure(description: "bad line in \(name): \(line)")
        }
        return (value, (object["dialect"] as? String).flatMap(SQLDialect.init(name:)))
    }
}

/// `classifiers`: shell command lines and SQL statements per second over the corpora, and the
/// slowest classification of adversarial inputs of up to 4 KiB. With INTERLOCK_BENCH_PER_LINE=1
/// it also prints the cost distribution of the shell corpus' lines, the dearest and the cheapest;
/// with INTERLOCK_BENCH_WORST_SHELL=FILE it writes the slowest adversarial shell input to FILE.
func classifierBenchmark(rounds: Int) throws {
    let shellLines = try corpusLines("shell.jsonl", key: "input").map(\.0)
    let sqlTexts = try corpusLines("sql.jsonl", key: "sql")
    let fileSystem = FixedFileSystem(files: ["/home/dev/project/cleanup.sh": "rm -rf /var/lib/app/*\n"], directories: ["/home/dev/project", "/tmp", "/srv"])
    let shell = ShellClassifier(fileSystem: fileSystem)
    let clock = ContinuousClock()
    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
    var sink = 0

    for line in shellLines { sink &+= shell.classify(commandLine: line, workingDirectory: "/home/dev/project").findings.count }
    var start = clock.now
    for _ in 0..<rounds {
        for line in shellLines { sink &+= shell.classify(commandLine: line, workingDirectory: "/home/dev/project").findings.count }
    }
    let shellSeconds = seconds(start.duration(to: clock.now))
    let shellCount = rounds * shellLines.count
    start = clock.now
    for _ in 0..<rounds {
        for line in shellLines { sink &+= ((try? ShellParser.parse(line))?.pipelines.count ?? 0) }
    }
    let parseSeconds = seconds(start.duration(to: clock.now))
    print("shell: \(shellCount) command lines (\(shellLines.count) corpus lines × \(rounds)) in \(String(format: "%.3f", shellSeconds)) s = \(Int(Double(shellCount) / shellSeconds)) lines/s (one core); parsing alone \(Int(Double(shellCount) / parseSeconds)) lines/s")

    // For profiling the shell classifier alone.
    if ProcessInfo.processInfo.environment["INTERLOCK_BENCH_SHELL_ONLY"] != nil { return }

    let statementsPerText = try sqlTexts.map { text, dialect in try SQLStatement.parse(text, dialect: dialect ?? .postgresql).count }
    let statements = statementsPerText.reduce(0, +)
    start = clock.now
    for _ in 0..<rounds {
        for (text, dialect) in sqlTexts { sink &+= SQLClassifier.findings(for: text, dialect: dialect).findings.count }
    }
    let sqlSeconds = seconds(start.duration(to: clock.now))
    print("sql: \(rounds * statements) statements (\(sqlTexts.count) texts × \(rounds)) in \(String(format: "%.3f", sqlSeconds)) s = \(Int(Double(rounds * statements) / sqlSeconds)) statements/s (one core)")

    // Adversarial inputs of up to 4 KiB: deep nesting, long chains, quoting storms, random bytes.
    var rng = SplitMix64(seed: 2026)
    var adversarial: [String] = [
        String(repeating: "(", count: 4096), String(repeating: "$(", count: 2048), String(repeating: "((", count: 2048),
        String(repeating: "$((", count: 1365), String(repeating: "`", count: 4096), String(repeating: "'a' \"b\" ", count: 500),
        String(repeating: "ls | ", count: 800) + "ls", String(repeating: "sh -c 'sh -c ", count: 300), String(repeating: "${x:-", count: 800),
        String(repeating: "a && ", count: 800) + "b", String(repeating: "f() { f; }; ", count: 300) + "f", String(repeating: "<<E\n", count: 1000),
        String(repeating: "if a; then ", count: 400), String(repeating: "x=$(y); ", count: 500), String(repeating: "eval ", count: 800) + "rm -rf /",
        String(repeating: "/* ", count: 1365), String(repeating: "$$", count: 2048), String(repeating: "'", count: 4095),
        String(repeating: "$[$((", count: 819), String(repeating: "(($[(($", count: 585),
        // Loops that change what the shell remembers are walked twice; nested, each level would double.
        String(repeating: "for i in 1 2; do x=$i; ", count: 170) + String(repeating: "done; ", count: 170),
        String(repeating: "while true; do x=$x.; if a; then y=1; else y=2; fi; done; ", count: 70),
        String(repeating: "a && b=1 || c=2; ", count: 240),
    ]
    let alphabet = Array("abc rm-f$()`'\"\\;|&<>{}[]*?#=\n\t!~")
    for _ in 0..<2000 {
        adversarial.append(String((0..<Int.random(in: 1...4096, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }))
    }
    for _ in 0..<200 {
        var text = ""
        while text.utf8.count < 3800 { text += shellLines.randomElement(using: &rng)! + "; " }
        adversarial.append(text)
    }
    // Each input is timed three times and its fastest run kept: the work is deterministic, and
    // the slower runs measure this virtual machine's interruptions, not the classifier.
    func fastest(_ body: () -> Int) -> Double {
        var best = Double.infinity
        for _ in 0..<3 {
            let t0 = clock.now
            sink &+= body()
            best = min(best, seconds(t0.duration(to: clock.now)))
        }
        return best
    }
    var worstShell: (Double, String) = (0, "")
    var worstSQL: (Double, String, SQLDialect) = (0, "", .postgresql)
    var worstTotal: (Double, String) = (0, "")
    for text in adversarial {
        let shellTime = fastest { shell.classify(commandLine: text, workingDirectory: "/home/dev/project").findings.count }
        var total = shellTime
        if shellTime > worstShell.0 { worstShell = (shellTime, text) }
        for dialect in SQLDialect.allCases {
            let sqlTime = fastest { SQLClassifier.findings(for: text, dialect: dialect).findings.count }
            total += sqlTime
            if sqlTime > worstSQL.0 { worstSQL = (sqlTime, text, dialect) }
        }
        if total > worstTotal.0 { worstTotal = (total, text) }
    }
    func describe(_ text: String) -> String { "\(text.utf8.count) bytes, starting \(String(text.prefix(24)).debugDescription)" }
    print("adversarial: \(adversarial.count) inputs of up to 4 KiB, each classified as shell and as SQL in every dialect, fastest of 3 runs:")
    print("  slowest shell classification \(String(format: "%.1f", worstShell.0 * 1e6)) µs (\(describe(worstShell.1)))")
    // INTERLOCK_BENCH_WORST_SHELL=FILE keeps the slowest shell input, to profile it alone.
    if let path = ProcessInfo.processInfo.environment["INTERLOCK_BENCH_WORST_SHELL"] {
        try? worstShell.1.write(toFile: path, atomically: true, encoding: .utf8)
    }
    print("  slowest SQL classification \(String(format: "%.1f", worstSQL.0 * 1e6)) µs (\(worstSQL.2), \(describe(worstSQL.1)))")
    print("  slowest shell + 3 SQL dialects together \(String(format: "%.1f", worstTotal.0 * 1e6)) µs (\(describe(worstTotal.1)))")
    if ProcessInfo.processInfo.environment["INTERLOCK_BENCH_PER_LINE"] == "1" {
        var costs: [(Double, String)] = []
        for line in shellLines {
            let t0 = clock.now
            for _ in 0..<200 { sink &+= shell.classify(commandLine: line, workingDirectory: "/home/dev/project").findings.count }
            costs.append((seconds(t0.duration(to: clock.now)) / 200, line))
        }
        let total = costs.map(\.0).reduce(0, +)
        let sorted = costs.sorted(by: { $0.0 > $1.0 })
        for q in [0, 10, 25, 50, 75, 90] { print("p\(100 - q): \(String(format: "%.2f", sorted[sorted.count * q / 100].0 * 1e6)) µs") }
        for (cost, line) in sorted.prefix(15) + sorted.suffix(10) { print(String(format: "%.2f µs %.1f%% ", cost * 1e6, cost / total * 100) + String(line.prefix(110)).debugDescription) }
    }
    if sink == 42 { print("") }
}

/// `plan`: a 2,000-resource plan (`terraform show -json` format) read from text and analysed.
func planBenchmark(runs: Int) throws {
    let types = ["aws_instance", "aws_db_instance", "aws_s3_bucket", "aws_iam_role", "aws_subnet", "aws_security_group", "aws_ebs_volume", "aws_lambda_function"]
    let actions = [["delete"], ["update"], ["create"], ["delete", "create"], ["no-op"]]
    var changes: [String] = []
    for i in 0..<2000 {
        let type = types[i % types.count]
        let action = actions[i % actions.count]
        let replace = action.count == 2 ? #", "replace_paths": [["engine_version"], ["tags", "Name"]]"# : ""
        let actionList = action.map { "\"" + $0 + "\"" }.joined(separator: ", ")
        changes.append(#"{"address": "module.m\#(i / 100).\#(type).r\#(i)", "mode": "managed", "type": "\#(type)", "name": "r\#(i)", "provider_name": "registry.terraform.io/hashicorp/aws", "change": {"actions": [\#(actionList)], "before": {"id": "id-\#(i)", "tags": {"Team": "a"}}, "after": {"id": "id-\#(i)", "tags": {"Team": "b"}}, "after_unknown": {}\#(replace)}, "action_reason": "replace_because_cannot_update"}"#)
    }
    let text = #"{"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": ["# + changes.joined(separator: ",\n") + "]}"
    let data = Data(text.utf8)
    let clock = ContinuousClock()
    var times: [Double] = []
    var sink = 0
    for _ in 0..<runs {
        let t0 = clock.now
        let json = try JSONValue.parse(data)
        let analysis = try TerraformPlanAnalysis(plan: json)
        sink &+= analysis.findings.count + analysis.summary.utf8.count
        let d = t0.duration(to: clock.now)
        times.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
    }
    times.sort()
    print("plan: 2,000 resources, \(data.count / 1024) KiB of JSON, parsed and analysed \(runs) times: median \(String(format: "%.1f", times[runs / 2])) ms, max \(String(format: "%.1f", times.last!)) ms")
    if sink == 42 { print("") }
}

let arguments = CommandLine.arguments.dropFirst()
do {
    switch arguments.first {
    case "policy", nil:
        try policyBenchmark(count: arguments.dropFirst().first.flatMap(Int.init) ?? 1_000_000)
    case "one":
        // Times one input as a shell command line and as SQL in each dialect:
        // `InterlockBenchmarks one 'text' [repeats]`, for chasing a slow input (under a profiler,
        // INTERLOCK_BENCH_SHELL_ONLY=1 leaves SQL out).
        let text = arguments.dropFirst().first ?? ""
        let clock = ContinuousClock()
        let shell = ShellClassifier()
        let repeats = Int(arguments.dropFirst(2).first ?? "3") ?? 3
        for _ in 0..<repeats { _ = shell.classify(commandLine: text) }
        let t0 = clock.now
        _ = try? ShellParser.parse(text)
        let t1 = clock.now
        let facts = shell.classify(commandLine: text)
        let t2 = clock.now
        print("shell: parse \(t0.duration(to: t1)), classify \(t1.duration(to: t2)), \(facts.findings.count) findings, effect \(facts.effect)")
        if repeats >= 1000 {
            // The mean over the repeats: single runs of a line of a few microseconds are noise.
            var sink = 0
            let t3 = clock.now
            for _ in 0..<repeats { sink &+= (try? ShellParser.parse(text))?.pipelines.count ?? 0 }
            let t4 = clock.now
            for _ in 0..<repeats { sink &+= shell.classify(commandLine: text).findings.count }
            let t5 = clock.now
            let perRun = { (d: Duration) in String(format: "%.2f µs", (Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12) / Double(repeats)) }
            print("shell, mean of \(repeats): parse \(perRun(t3.duration(to: t4))), parse and classify \(perRun(t4.duration(to: t5)))" + (sink == 42 ? " " : ""))
        }
        for dialect in SQLDialect.allCases where ProcessInfo.processInfo.environment["INTERLOCK_BENCH_SHELL_ONLY"] == nil {
            for _ in 0..<repeats { _ = SQLClassifier.findings(for: text, dialect: dialect) }
            let t3 = clock.now
            let count = (try? SQLStatement.parse(text, dialect: dialect).count) ?? -1
            let t4 = clock.now
            let sql = SQLClassifier.findings(for: text, dialect: dialect)
            let t5 = clock.now
            print("sql \(dialect): parse \(t3.duration(to: t4)) (\(count) statements), classify \(t4.duration(to: t5)), \(sql.findings.count) findings")
        }
    case "plan":
        try planBenchmark(runs: arguments.dropFirst().first.flatMap(Int.init) ?? 50)
    case "classifiers":
        try classifierBenchmark(rounds: arguments.dropFirst().first.flatMap(Int.init) ?? 200)
    case "audit-append":
        let rest = Array(arguments.dropFirst())
        let home = rest.count > 2 ? InterlockHome(directory: URL(fileURLWithPath: rest[2])) : temporaryHome()
        try await auditAppendBenchmark(
            count: rest.first.flatMap(Int.init) ?? 200_000, clients: rest.dropFirst().first.flatMap(Int.init) ?? 256,
            home: home, report: ProcessInfo.processInfo.environment["INTERLOCK_BENCH_REPORT"] == "1")
        if rest.count <= 2 { try? FileManager.default.removeItem(at: home.directory) }
    case "gateway-decide":
        try await gatewayDecideBenchmark(count: arguments.dropFirst().first.flatMap(Int.init) ?? 5_000)
    case "aws-proxy":
        try awsProxyBenchmark(count: arguments.dropFirst().first.flatMap(Int.init) ?? 100_000)
    case "audit-verify":
        let rest = Array(arguments.dropFirst())
        try auditVerifyBenchmark(count: rest.first.flatMap(Int.init) ?? 1_000_000,
                                 keepHome: rest.count > 1 ? InterlockHome(directory: URL(fileURLWithPath: rest[1])) : nil)
    default:
        print("usage: InterlockBenchmarks policy [count] | classifiers [rounds] | plan [runs] | audit-append [count] [clients] [home] | audit-verify [entries] [home] | aws-proxy [calls] | gateway-decide [count]")
        exit(3)
    }
} catch {
    print("benchmark failed: \(error)")
    exit(1)
}
