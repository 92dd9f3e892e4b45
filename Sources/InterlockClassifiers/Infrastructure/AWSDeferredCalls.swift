import InterlockCore

/// Calls that arrange for AWS to act later, where Interlock will not see it happen: a schedule's
/// or an EventBridge rule's targets, an alarm's actions, a State Manager association, a table's
/// time to live. An agent that may only create a schedule may still delete a database an hour
/// from now — EventBridge Scheduler's universal targets call any API, with a role the schedule
/// names — so what a call arranges is decided now, as if it ran now.
extension AWSOperation {
    struct Arranged {
        var effect: Effect
        var categories: Set<Category>
        var reason: String
        /// The calls a schedule makes, classified as calls made now.
        var calls: [Finding] = []
    }

    static func arrangedLater(service: String, key: String, operation: String, parameters: JSONValue) -> Arranged? {
        switch (service, key) {
        case ("scheduler", "createschedule"), ("scheduler", "updateschedule"):
            return scheduleTarget(operation: operation, parameters: parameters)
        case ("events", "puttargets"):
            guard let targets = parameter(parameters, "Targets")?.arrayValue, !targets.isEmpty else {
                return Arranged(effect: .unknown, categories: [.opaqueExecution],
                                reason: "`PutTargets` with targets that cannot be read here: a rule's target runs whenever the rule matches or its schedule comes")
            }
            var arranged = Arranged(effect: .write, categories: [], reason: "")
            var names: [String] = []
            for target in targets {
                let arn = parameter(target, "Arn")?.stringValue
                let effect = arn.map(targetEffect) ?? (.unknown, "a target that cannot be read here")
                if effect.0 != .write { arranged.categories.insert(.opaqueExecution) }
                arranged.effect = Effect.worst([arranged.effect, effect.0])
                names.append(arn.map { "`\($0)` (\(effect.1))" } ?? effect.1)
            }
            arranged.reason = "`PutTargets` makes the rule's events or schedule reach \(names.joined(separator: ", ")), later, unseen by Interlock"
            return arranged
        case ("cloudwatch", "putmetricalarm"), ("cloudwatch", "putcompositealarm"):
            // One action given alone (or a value known only at run time, `*`) is not in a list.
            let actions = [parameter(parameters, "AlarmActions"), parameter(parameters, "OKActions"), parameter(parameters, "InsufficientDataActions")]
                .flatMap { value in value.map { ($0.arrayValue ?? [$0]).map { $0.stringValue ?? "?" } } ?? [] }
            guard !actions.isEmpty else { return nil }
            var arranged = Arranged(effect: .write, categories: [], reason: "")
            var named: [String] = []
            for action in actions {
                let (effect, categories, what) = alarmAction(action)
                arranged.effect = Effect.worst([arranged.effect, effect])
                arranged.categories.formUnion(categories)
                if effect != .write { named.append("`\(action)` (\(what))") }
            }
            guard arranged.effect != .write else { return nil }
            arranged.reason = "`\(operation)` arms actions that run when the alarm changes state, unseen by Interlock: \(named.joined(separator: ", "))"
            return arranged
        case ("dynamodb", "updatetimetolive"):
            switch booleanValue(parameter(parameters, "TimeToLiveSpecification").flatMap { parameter($0, "Enabled") }) {
            case true?:
                let attribute = parameter(parameters, "TimeToLiveSpecification").flatMap { parameter($0, "AttributeName")?.stringValue } ?? "?"
                return Arranged(effect: .destructive, categories: [.dataLoss],
                                reason: "`UpdateTimeToLive` makes DynamoDB delete every item whose `\(attribute)` holds a time that has passed, from then on")
            case false?:
                return nil
            case nil:
                return Arranged(effect: .unknown, categories: [],
                                reason: "`UpdateTimeToLive` with a specification that cannot be read here, which may make DynamoDB delete items")
            }
        case ("ssm", "createassociation"), ("ssm", "updateassociation"):
            if let commands = shellCommands(parameters, document: "Name") {
                let calls = classifiedCommands(commands)
                return Arranged(effect: Effect.worst([.write] + calls.map(\.effect)), categories: calls.reduce(into: []) { $0.formUnion($1.categories) },
                                reason: "`\(operation)` makes State Manager run `AWS-RunShellScript` on the instances it targets, on its schedule; what it does is what its commands do",
                                calls: calls)
            }
            return Arranged(effect: .unknown, categories: [.opaqueExecution],
                            reason: "`\(operation)` makes State Manager run a document on the instances it targets, on its schedule, unseen by Interlock")
        case ("ssm", "registertaskwithmaintenancewindow"), ("ssm", "updatemaintenancewindowtask"):
            return Arranged(effect: .unknown, categories: [.opaqueExecution],
                            reason: "`\(operation)` makes a maintenance window run a task (a command, an automation, a function or a state machine) when the window opens, unseen by Interlock")
        default:
            return nil
        }
    }

    /// A schedule's target: a universal target is an API call, decided as that call; a
    /// templated one sends to a queue or a stream, or runs code defined elsewhere.
    static func scheduleTarget(operation: String, parameters: JSONValue) -> Arranged {
        guard let target = parameter(parameters, "Target"), let arn = parameter(target, "Arn")?.stringValue else {
            return Arranged(effect: .unknown, categories: [.opaqueExecution],
                            reason: "`\(operation)` with a target that cannot be read here: the schedule makes EventBridge Scheduler act later, unseen by Interlock")
        }
        guard let (service, action) = universalTarget(arn) else {
            let (effect, what) = targetEffect(arn)
            return Arranged(effect: effect, categories: effect == .write ? [] : [.opaqueExecution],
                            reason: "`\(operation)` makes EventBridge Scheduler reach `\(arn)` (\(what)) on its schedule, unseen by Interlock")
        }
        // The call's parameters are the target's `Input`, a JSON text (or, from a tool that
        // parsed it already, the object).
        let input: JSONValue
        switch parameter(target, "Input") {
        case nil: input = .object([:])
        case .string(let text)?:
            guard let parsed = try? JSONValue.parse(text), parsed.objectValue != nil else {
                return Arranged(effect: .unknown, categories: [],
                                reason: "`\(operation)` makes EventBridge Scheduler call `\(service):\(action)` with an input that cannot be read here")
            }
            input = parsed
        case let value?:
            input = value
        }
        let calls = classify(service: service, operation: action, parameters: input)
        return Arranged(effect: Effect.worst([.write] + calls.map(\.effect)), categories: calls.reduce(into: []) { $0.formUnion($1.categories) },
                        reason: "`\(operation)` makes EventBridge Scheduler call `\(service):\(action)` on its schedule, with the role the schedule names: Interlock will not see that call when it is made, so it is decided now",
                        calls: calls)
    }

    /// `arn:aws:scheduler:::aws-sdk:rds:deleteDBInstance` → (`rds`, `DeleteDBInstance`): the
    /// service as the SDKs name it, and the action in camel case.
    static func universalTarget(_ arn: String) -> (service: String, action: String)? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 8, parts[0] == "arn", parts[2] == "scheduler", parts[5] == "aws-sdk",
              !parts[6].isEmpty, let first = parts[7].first else { return nil }
        let service = parts[6] == "sfn" ? "states" : String(parts[6])
        return (service, first.uppercased() + parts[7].dropFirst())
    }

    /// What reaching an ARN does, by its service: queues, topics and streams receive a message
    /// (a write); functions, containers, state machines, builds, pipelines, jobs and Run Command
    /// run code defined elsewhere; anything else is not known here.
    static func targetEffect(_ arn: String) -> (Effect, String) {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 6, parts[0] == "arn" else { return (.unknown, "not an ARN this reads") }
        switch parts[2] {
        case "sqs", "sns", "kinesis", "firehose", "logs":
            return (.write, "a queue, topic, stream or log group that receives a message")
        case "events" where parts[5].hasPrefix("event-bus/"):
            return (.write, "an event bus that receives the event")
        case "lambda", "ecs", "states", "codebuild", "codepipeline", "batch", "sagemaker", "ssm", "glue", "inspector", "redshift":
            return (.unknown, "it runs code or commands defined elsewhere")
        default:
            return (.unknown, "a target whose effect is not known here")
        }
    }

    /// An alarm action: EC2's stop, terminate and reboot (`arn:aws:automate:REGION:ec2:terminate`
    /// and the older `…:action/actions/AWS_EC2.InstanceId.Terminate/1.0`), a function, or a
    /// notification, scaling policy or incident, which change nothing by themselves.
    static func alarmAction(_ arn: String) -> (Effect, Set<Category>, String) {
        let lower = arn.lowercased()
        let parts = lower.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 6, parts[0] == "arn" else { return (.unknown, [], "not an ARN this reads") }
        let ec2Verb: Substring? = switch parts[2] {
        case "automate" where parts.count == 6 && parts[4] == "ec2": parts[5]
        case "swf" where parts[5].hasPrefix("action/actions/aws_ec2.instanceid."):
            parts[5].dropFirst("action/actions/aws_ec2.instanceid.".count).prefix { $0 != "/" }
        default: nil
        }
        switch ec2Verb {
        case "terminate"?: return (.destructive, [.teardown], "terminates the instance")
        case "stop"?: return (.destructive, [], "stops the instance")
        case "reboot"?: return (.destructive, [], "reboots the instance")
        case "recover"?: return (.write, [], "recovers the instance")
        case .some: return (.unknown, [], "an EC2 action this does not know")
        case nil: break
        }
        switch parts[2] {
        case "sns", "autoscaling", "ssm", "ssm-incidents", "application-autoscaling":
            return (.write, [], "a notification, scaling policy or incident")
        case "lambda":
            return (.unknown, [.opaqueExecution], "runs the function's code")
        default:
            return (.unknown, [], "an action whose effect is not known here")
        }
    }

    /// Shell command lines run on instances, each classified as the shell classifier classifies
    /// a line run elsewhere.
    static func classifiedCommands(_ commands: [String]) -> [Finding] {
        var findings: [Finding] = []
        let shell = ShellClassifier()
        for command in commands {
            for found in shell.classify(commandLineElsewhere: command).findings where !findings.contains(found) { findings.append(found) }
        }
        return findings
    }
}
