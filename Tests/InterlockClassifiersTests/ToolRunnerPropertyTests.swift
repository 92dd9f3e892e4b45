import InterlockClassifiers
import InterlockCore
import PropertyBased
import Testing

/// Properties of the classifiers added for tools that run through other tools and read documents.
@Suite("Runners, manifests and names: properties")
struct ToolRunnerPropertyTests {
    static let migrationCommands = [
        "prisma migrate reset --force", "prisma migrate status", "prisma db push --accept-data-loss", "prisma migrate deploy",
        "alembic downgrade base", "alembic upgrade head", "alembic history", "knex migrate:rollback --all", "knex migrate:latest",
        "sequelize db:drop", "typeorm schema:drop", "typeorm migration:run", "rails db:drop", "rails db:migrate", "rails db:migrate:status",
        "rake db:schema:load", "drizzle-kit push --force", "drizzle-kit generate",
    ]

    /// The runners that start a project's tools; each takes the tool's command line as it is.
    static let runners = ["npx", "npx --yes", "bunx", "pnpm", "pnpm exec", "yarn", "yarn exec", "npm exec --", "bundle exec", "poetry run", "uv run", "pipenv run", "pdm run"]

    /// Reference: a runner does not change what the tool does. Ruby tools (rails, rake) go through
    /// `bundle exec`, the JavaScript ones through the Node runners, Python ones through Python's.
    static func runs(_ runner: String, _ command: String) -> Bool {
        let tool = command.split(separator: " ").first.map(String.init) ?? ""
        switch runner {
        case "bundle exec": return ["rails", "rake"].contains(tool)
        case "poetry run", "uv run", "pipenv run", "pdm run": return tool == "alembic"
        default: return !["rails", "rake", "alembic"].contains(tool)
        }
    }

    @Test("property: a runner in front of a migration tool changes nothing about the verdict")
    func runnersAreTransparent() async {
        let classifier = ShellClassifier()
        await propertyCheck(count: 300, input: Gen.element(of: Self.migrationCommands).map { $0! }, Gen.element(of: Self.runners).map { $0! }) { command, runner in
            guard Self.runs(runner, command) else { return }
            let alone = classifier.classify(commandLine: command)
            let run = classifier.classify(commandLine: runner + " " + command)
            #expect(run.effect == alone.effect, "\(runner) \(command)")
            #expect(run.operations == alone.operations, "\(runner) \(command)")
        }
    }

    /// Reference for a manifest of objects: destructive when any object is an RBAC kind or a
    /// workload with replicas 0, else a write; the targets are the objects, in order.
    static func reference(_ objects: [(kind: String, name: String, replicas: Int?)]) -> (Effect, [String]) {
        let rbac = ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"]
        let workloads = ["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"]
        let destroys = objects.contains { rbac.contains($0.kind) || workloads.contains($0.kind) && $0.replicas == 0 }
        return (destroys ? .destructive : .write, objects.map { "\($0.kind.lowercased())/\($0.name)" })
    }

    @Test("property: a manifest's verdict and targets agree with the reference, in YAML and in JSON")
    func manifestsAgreeWithTheReference() async {
        let kinds = ["ConfigMap", "Service", "Deployment", "StatefulSet", "Role", "ClusterRoleBinding", "Secret", "ReplicaSet"]
        let object = zip(Gen.element(of: kinds).map { $0! }, Gen.int(in: 0...99), Gen.int(in: -1...3))
        await propertyCheck(count: 300, input: object.array(of: 1...5), Gen.bool) { picked, asJSON in
            let objects = picked.enumerated().map { index, item in
                (kind: item.0, name: "o\(index)-\(item.1)", replicas: item.2 < 0 ? nil : Optional(item.2))
            }
            let text: String
            if asJSON {
                let items = objects.map { o -> String in
                    let spec = o.replicas.map { #", "spec": {"replicas": \#($0)}"# } ?? ""
                    return #"{"kind": "\#(o.kind)", "metadata": {"name": "\#(o.name)"}\#(spec)}"#
                }
                text = #"{"kind": "List", "items": [\#(items.joined(separator: ", "))]}"#
            } else {
                text = objects.map { o in
                    "kind: \(o.kind)\nmetadata:\n  name: \(o.name)\n" + (o.replicas.map { "spec:\n  replicas: \($0)\n" } ?? "")
                }.joined(separator: "---\n")
            }
            let invocation = InfrastructureInvocation(tool: "kubectl", arguments: ["apply", "-f", "m"], displays: ["apply", "-f", "m"], files: ["m": text])
            let facts = Classification(findings: InfrastructureClassifier().classify(invocation))
            let (effect, targets) = Self.reference(objects)
            #expect(facts.effect == effect, "\(text)")
            #expect(facts.findings.last?.targets == targets, "\(text)")
        }
    }
}
