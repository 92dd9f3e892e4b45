import InterlockCore
import Testing

@testable import InterlockPolicy

@Suite("Environment resolution")
struct EnvironmentResolutionTests {
    static let policy = """
        version: 1
        environments:
          production:
            match:
              - aws_account: "111111111111"
              - kube_context: ["prod-*"]
              - kube_context: "shared"
                kube_namespace: "payments"
            tiers: {read: autonomous, write: supervised, destructive: gated, unknown: gated}
          staging:
            match:
              - aws_account: "222222222222"
                aws_region: "eu-*"
              - working_directory: "/srv/staging/**"
              - host: "stg-*"
            tiers: {read: autonomous, write: autonomous, destructive: supervised, unknown: supervised}
        """

    let evaluator = PolicyEvaluator(policy: try! PolicyLoader.load(text: policy, file: "p.yaml").0)

    func resolve(env: String? = nil, cwd: String? = nil, host: String? = nil, facts: [EnvironmentFactKey: [String]] = [:]) -> [String] {
        let action = Action(principal: Principal(agent: "a"), channel: .cli, environment: env, workingDirectory: cwd, host: host, input: .shell(ShellInput(command: "x")))
        return evaluator.resolveEnvironments(action, facts: Classification(findings: [], environmentFacts: EnvironmentFacts(facts))).map(\.name)
    }

    @Test("an action whose environment cannot be resolved is production")
    func unknownIsProduction() {
        #expect(resolve() == ["production"])
        #expect(resolve(cwd: "/home/me/project") == ["production"])
        #expect(resolve(facts: [.awsAccount: ["333333333333"]]) == ["production"])
    }

    @Test("an explicitly named environment that the policy does not define is production")
    func unknownExplicit() {
        #expect(resolve(env: "qa") == ["production"])
    }

    @Test("matchers on facts: every condition of a matcher must hold")
    func matchers() {
        #expect(resolve(facts: [.awsAccount: ["111111111111"]]) == ["production"])
        #expect(resolve(facts: [.kubeContext: ["prod-eu"]]) == ["production"])
        #expect(resolve(facts: [.awsAccount: ["222222222222"], .awsRegion: ["eu-west-1"]]) == ["staging"])
        // Account without the region condition: staging does not match, so default production.
        #expect(resolve(facts: [.awsAccount: ["222222222222"], .awsRegion: ["us-east-1"]]) == ["production"])
        #expect(resolve(facts: [.kubeContext: ["shared"], .kubeNamespace: ["payments"]]) == ["production"])
        #expect(resolve(facts: [.kubeContext: ["shared"], .kubeNamespace: ["web"]]) == ["production"])
        #expect(resolve(cwd: "/srv/staging/app") == ["staging"])
        #expect(resolve(host: "stg-web-1") == ["staging"])
    }

    @Test("an explicit environment does not hide production facts: both count, the stricter decides")
    func explicitPlusFacts() {
        #expect(resolve(env: "staging", facts: [.kubeContext: ["prod-eu"]]) == ["staging", "production"])
        let action = Action(principal: Principal(agent: "a"), channel: .cli, environment: "staging", input: .shell(ShellInput(command: "x")))
        let facts = Classification(
            findings: [Finding(operation: "shell:kubectl", effect: .destructive, targets: ["pod/x"], reason: "r")],
            environmentFacts: EnvironmentFacts([.kubeContext: ["prod-eu"]]))
        let d = evaluator.evaluate(action, facts: facts)
        #expect(d.tier == .gated)
        #expect(d.environment == "production")
    }

    @Test("the default environment can be renamed by the policy")
    func customDefault() throws {
        let text = """
            version: 1
            default_environment: locked
            environments:
              locked:
                tiers: {read: gated, write: blocked, destructive: blocked, unknown: blocked}
            """
        let e = PolicyEvaluator(policy: try PolicyLoader.load(text: text, file: "p.yaml").0)
        let action = Action(principal: Principal(agent: "a"), channel: .cli, input: .shell(ShellInput(command: "x")))
        let d = e.evaluate(action, facts: Classification(findings: [Finding(operation: "shell:ls", effect: .read, reason: "r")]))
        #expect(d.environment == "locked")
        #expect(d.tier == .gated)
    }
}

@Suite("Environment resolution: the built-in policy and framework environments")
struct BuiltinAppEnvironmentTests {
    let evaluator = PolicyEvaluator(policy: try! PolicyLoader.load(text: BuiltinPolicy.text, file: "builtin").0)

    func resolve(_ values: [String], cwd: String? = nil, kube: String? = nil) -> [String] {
        let action = Action(principal: Principal(agent: "a"), channel: .cli, workingDirectory: cwd, input: .shell(ShellInput(command: "x")))
        var facts: [EnvironmentFactKey: [String]] = [.appEnvironment: values]
        if let kube { facts[.kubeContext] = [kube] }
        return evaluator.resolveEnvironments(action, facts: Classification(findings: [], environmentFacts: EnvironmentFacts(facts))).map(\.name).sorted()
    }

    /// `RAILS_ENV=staging`, `MIX_ENV=prod`, Django's `config.settings.production` raise; a
    /// development name is no evidence that production is out of reach, so it never lowers.
    @Test func appEnvironmentRaisesButNeverLowers() {
        #expect(resolve(["staging"]) == ["staging"])
        #expect(resolve(["prod"]) == ["production"])
        #expect(resolve(["config.settings.production"]) == ["production"])
        #expect(resolve(["development"]) == ["production"])
        #expect(resolve(["production"], kube: "kind-local") == ["development", "production"])
    }
}
