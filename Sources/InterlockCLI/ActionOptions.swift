import ArgumentParser
import Foundation
import InterlockClassifiers
import InterlockCore
import InterlockDoors

/// How `check` and `explain` are told about one action: a flag per input kind, or a JSON action
/// document (docs/action-format.md) from a file or stdin.
struct ActionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A shell command line.", valueName: "command"))
    var shell: String?

    @Option(help: ArgumentHelp("SQL text.", valueName: "sql"))
    var sql: String?

    @Option(help: ArgumentHelp("SQL dialect: postgresql, mysql or sqlite.", valueName: "dialect"))
    var dialect: String?

    @Option(name: .customLong("database-host"), help: ArgumentHelp("The database host the SQL goes to.", valueName: "host"))
    var databaseHost: String?

    @Option(help: ArgumentHelp("An AWS API call as service:Operation, e.g. ec2:TerminateInstances.", valueName: "service:operation"))
    var aws: String?

    @Option(name: .customLong("param"), help: ArgumentHelp("An AWS parameter, KEY=VALUE (repeatable; KEY=JSON for structures).", valueName: "key=value"))
    var parameters: [String] = []

    @Option(help: ArgumentHelp("AWS region.", valueName: "region"))
    var region: String?

    @Option(help: ArgumentHelp("AWS account id.", valueName: "account"))
    var account: String?

    @Option(help: ArgumentHelp("A tool call as [server/]tool.", valueName: "tool"))
    var tool: String?

    @Option(help: ArgumentHelp("The tool call's arguments as a JSON object.", valueName: "json"))
    var arguments: String?

    @Option(name: .customLong("file-write"), help: ArgumentHelp("A file written by an editor tool.", valueName: "path"))
    var fileWrite: String?

    @Option(name: .customLong("file-delete"), help: ArgumentHelp("A file deleted by an editor tool.", valueName: "path"))
    var fileDelete: String?

    @Option(help: ArgumentHelp("A Terraform/OpenTofu plan as `terraform show -json PLANFILE` prints it; `-` reads stdin.", valueName: "file"))
    var plan: String?

    @Option(help: ArgumentHelp("A JSON action document; `-` reads stdin.", valueName: "file"))
    var input: String?

    @Option(help: ArgumentHelp("Stated facts as JSON; they can only make the decision stricter.", valueName: "json"))
    var facts: String?

    @Option(help: ArgumentHelp("The agent principal (default: cli).", valueName: "name"))
    var agent: String?

    @Option(name: .customLong("launched-by"), help: ArgumentHelp("The human who launched the agent.", valueName: "name"))
    var launchedBy: String?

    @Option(help: ArgumentHelp("The task id.", valueName: "id"))
    var task: String?

    @Option(help: ArgumentHelp("The channel: hook, mcp, aws_api, http_api or cli (default: cli).", valueName: "channel"))
    var channel: String?

    @Option(help: ArgumentHelp("The environment, named explicitly (default: $INTERLOCK_ENV).", valueName: "name"))
    var env: String?

    @Option(help: ArgumentHelp("The working directory the action runs in (default: the current one).", valueName: "dir"))
    var cwd: String?

    @Option(help: ArgumentHelp("The host the action runs on.", valueName: "name"))
    var host: String?

    @Option(help: ArgumentHelp("Why the agent wants to do this.", valueName: "text"))
    var why: String?

    @Option(help: ArgumentHelp("How to undo it.", valueName: "text"))
    var rollback: String?

    @Option(name: .customLong("alternative"), help: ArgumentHelp("An alternative the agent considered (repeatable).", valueName: "text"))
    var alternatives: [String] = []

    @Option(help: ArgumentHelp("The expected impact.", valueName: "text"))
    var impact: String?

    /// The action, and any facts the document or `--facts` states.
    func makeAction() throws -> (Action, Classification?) {
        let sources = [shell != nil, sql != nil, aws != nil, tool != nil, fileWrite != nil, fileDelete != nil, plan != nil, input != nil].filter { $0 }.count
        guard sources == 1 else {
            throw InvalidInput(
                sources == 0
                    ? "no action given: use one of --shell, --sql, --aws, --tool, --file-write, --file-delete, --plan or --input"
                    : "more than one action given: use only one of --shell, --sql, --aws, --tool, --file-write, --file-delete, --plan, --input")
        }
        let environment = ProcessInfo.processInfo.environment
        var statedFacts: Classification?
        var action: Action
        if let input {
            let text = try readText(input)
            let json: JSONValue
            do {
                json = try JSONValue.parse(text)
            } catch {
                throw InvalidInput("\(input == "-" ? "stdin" : input): not valid JSON")
            }
            do {
                action = try ActionDocument.decode(json, defaultPrincipal: Principal(agent: agent ?? "cli"), defaultChannel: .cli)
                statedFacts = try ActionDocument.facts(json)
            } catch let error as ActionDocumentError {
                throw InvalidInput("\(input == "-" ? "stdin" : input): \(error)")
            }
        } else {
            action = Action(principal: Principal(agent: agent ?? "cli"), channel: .cli, input: try flagInput())
        }
        if let launchedBy { action.principal.launchedBy = launchedBy }
        if let task { action.principal.task = task }
        if let agent { action.principal.agent = agent }
        if let channel {
            guard let c = Channel(rawValue: channel) else {
                throw InvalidInput("unknown channel `\(channel)`; expected one of \(Channel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            action.channel = c
        }
        if let env = env ?? environment["INTERLOCK_ENV"].flatMap({ $0.isEmpty ? nil : $0 }) { action.environment = env }
        if let cwd { action.workingDirectory = cwd } else if action.workingDirectory == nil { action.workingDirectory = FileManager.default.currentDirectoryPath }
        if let host { action.host = host }
        if let why { action.context.why = why }
        if let rollback { action.context.rollback = rollback }
        if let impact { action.context.impact = impact }
        if !alternatives.isEmpty { action.context.alternatives = alternatives }
        if let facts {
            do {
                let stated = try ActionDocument.decodeFacts(JSONValue.parse(facts), path: "--facts")
                statedFacts = statedFacts.map { $0.merging(stated) } ?? stated
            } catch let error as ActionDocumentError {
                throw InvalidInput(error.description)
            } catch {
                throw InvalidInput("--facts: not valid JSON")
            }
        }
        return (action, statedFacts)
    }

    private func flagInput() throws -> ActionInput {
        if let shell { return .shell(ShellInput(command: shell)) }
        if let sql { return .sql(SQLInput(text: sql, dialect: dialect, databaseHost: databaseHost)) }
        if let aws {
            let parts = aws.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw InvalidInput("--aws `\(aws)`: expected service:Operation, e.g. ec2:TerminateInstances")
            }
            var params: [String: JSONValue] = [:]
            for p in parameters {
                guard let eq = p.firstIndex(of: "="), eq != p.startIndex else {
                    throw InvalidInput("--param `\(p)`: expected KEY=VALUE")
                }
                let value = String(p[p.index(after: eq)...])
                params[String(p[..<eq])] = (try? JSONValue.parse(value)).flatMap { v -> JSONValue? in
                    if case .string = v { return v }
                    return (value.first == "{" || value.first == "[") ? v : nil
                } ?? .string(value)
            }
            return .aws(AWSRequest(service: parts[0], operation: parts[1], parameters: .object(params), region: region, account: account))
        }
        if let tool {
            var args: JSONValue = .object([:])
            if let arguments {
                guard let parsed = try? JSONValue.parse(arguments), case .object = parsed else {
                    throw InvalidInput("--arguments: expected a JSON object")
                }
                args = parsed
            }
            let parts = tool.split(separator: "/", maxSplits: 1).map(String.init)
            return .tool(parts.count == 2 ? ToolCall(server: parts[0], tool: parts[1], arguments: args) : ToolCall(tool: tool, arguments: args))
        }
        if let fileWrite { return .file(FileChange(path: fileWrite, kind: .write)) }
        if let fileDelete { return .file(FileChange(path: fileDelete, kind: .delete)) }
        if let plan {
            let text = try readText(plan)
            guard let json = try? JSONValue.parse(text), case .object = json else {
                throw InvalidInput("\(plan == "-" ? "stdin" : plan): not a JSON object; give the output of `terraform show -json PLANFILE`")
            }
            do {
                _ = try TerraformPlanAnalysis(plan: json)
            } catch {
                throw InvalidInput("\(plan == "-" ? "stdin" : plan): \(error.message)")
            }
            return .plan(InfrastructurePlan(tool: "terraform", plan: json))
        }
        throw InvalidInput("no action given")
    }
}
