import InterlockGateway
import Prometheus

/// The gateway's Prometheus metrics, served at `/metrics`.
public final class GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let allow: Counter
    private let deny: Counter
    private let pending: Counter
    let decisionLatency: DurationHistogram
    let queueDepth: Gauge
    let webhookDelivered: Counter
    let webhookFailed: Counter
    let webhookDropped: Counter

    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        func counter(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Counter {
            registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "interlock", metricName: name, helpText: help), labels: labels)
        }
        let decisions = "decisions_total"
        let decisionsHelp = "Decisions answered, by outcome."
        allow = counter(decisions, decisionsHelp, [("outcome", "allow")])
        deny = counter(decisions, decisionsHelp, [("outcome", "deny")])
        pending = counter(decisions, decisionsHelp, [("outcome", "pending")])
        decisionLatency = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "interlock", metricName: "decision_duration", unitName: "seconds",
                                             helpText: "Time from a decision request's body being read to its answer, audit commit included."),
            labels: [],
            buckets: [.microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
                      .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(100), .seconds(1)])
        queueDepth = registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "interlock", metricName: "approval_queue_depth",
                                                                         helpText: "Approval requests pending."))
        let webhooks = "webhook_deliveries_total"
        let webhooksHelp = "Webhook notifications, by result."
        webhookDelivered = counter(webhooks, webhooksHelp, [("result", "delivered")])
        webhookFailed = counter(webhooks, webhooksHelp, [("result", "failed")])
        webhookDropped = counter(webhooks, webhooksHelp, [("result", "dropped")])
    }

    func decisions(_ outcome: GatewayDecision.Outcome) -> Counter {
        switch outcome {
        case .allow: allow
        case .deny: deny
        case .pending: pending
        }
    }
}
