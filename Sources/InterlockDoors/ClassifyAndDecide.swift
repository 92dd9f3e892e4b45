import InterlockClassifiers
import InterlockCore
import InterlockPolicy

/// Classifies and decides, the way every edge does: classify, merge stated facts (stricter only),
/// evaluate.
package func classifyAndDecide(_ action: Action, statedFacts: Classification?, policy: Policy, guarded: GuardedPaths = GuardedPaths()) -> (Classification, PolicyEvaluator.Explanation) {
    var facts = ClassifierSet.standard(fileSystem: DiskFileSystem(), mcpTrust: policy.mcpTrust, guarded: guarded).classify(action)
    if let statedFacts { facts = facts.merging(statedFacts) }
    let explanation = PolicyEvaluator(policy: policy).explain(action, facts: facts)
    return (facts, explanation)
}
