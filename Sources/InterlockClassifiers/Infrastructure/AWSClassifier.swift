import InterlockCore

/// Classifies AWS API calls: the `aws` action input (what the AWS proxy hands over) and the Kiro
/// AWS tool's input (`service_name`, `operation_name`, `parameters`, `region`, `profile_name`).
public struct AWSClassifier: ActionClassifier {
    public init() {}

    public func classify(_ action: Action) -> Classification? {
        switch action.input {
        case .aws(let request):
            return Classification(findings: AWSOperation.classify(service: request.service, operation: request.operation, parameters: request.parameters))
        case .tool(let call):
            guard let service = call.arguments["service_name"]?.stringValue, let operation = call.arguments["operation_name"]?.stringValue else { return nil }
            var facts = Classification(findings: AWSOperation.classify(
                service: service, operation: operation, parameters: call.arguments["parameters"] ?? .object([:])))
            if let region = call.arguments["region"]?.stringValue { facts.environmentFacts.add(.awsRegion, region) }
            return facts
        default:
            return nil
        }
    }
}
