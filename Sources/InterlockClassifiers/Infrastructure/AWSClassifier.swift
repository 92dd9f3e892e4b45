import InterlockCore

/// Classifies AWS API calls: the `aws` action input (what the AWS proxy hands over) and the Kiro
/// AWS tool's input (`service_name`, `operation_name`, `parameters`, `region`, `profile_name`).
public struct AWSClassifier: ActionClassifier {
    public init() {}

    public func classify(_ action: Action) -> Classification? {
        switch action.input {
        case .aws(let request):
            var facts = Classification(findings: AWSOperation.classify(service: request.service, operation: request.operation, parameters: request.parameters))
            facts.estimatedCostUSD = Self.cost(facts, AWSCost.firstDayUSD(service: request.service, operation: request.operation, parameters: request.parameters))
            for account in AWSOperation.accounts(in: request.parameters) { facts.environmentFacts.add(.awsAccount, account) }
            return facts
        case .tool(let call):
            guard let service = call.arguments["service_name"]?.stringValue, let operation = call.arguments["operation_name"]?.stringValue else { return nil }
            let parameters = call.arguments["parameters"] ?? .object([:])
            var facts = Classification(findings: AWSOperation.classify(service: service, operation: operation, parameters: parameters))
            facts.estimatedCostUSD = Self.cost(facts, AWSCost.firstDayUSD(service: service, operation: operation, parameters: parameters))
            if let region = call.arguments["region"]?.stringValue { facts.environmentFacts.add(.awsRegion, region) }
            for account in AWSOperation.accounts(in: call.arguments["parameters"] ?? .null) { facts.environmentFacts.add(.awsAccount, account) }
            return facts
        default:
            return nil
        }
    }

    /// A dry run launches nothing.
    static func cost(_ facts: Classification, _ estimate: Double?) -> Double? {
        facts.effect == .read ? nil : estimate
    }
}
