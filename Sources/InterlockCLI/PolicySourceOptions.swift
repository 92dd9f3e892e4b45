import ArgumentParser
import Foundation
import InterlockDoors
import InterlockPolicy

/// `--policy FILE`, else `INTERLOCK_POLICY`, else the built-in policy.
struct PolicySourceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Policy file (default: $INTERLOCK_POLICY, else the built-in policy).", valueName: "file"))
    var policy: String?

    var source: PolicyOrigin { PolicyOrigin(path: policy) }
    var resolvedPath: String? { source.resolvedPath }
    func load() throws -> Policy { try source.load() }
    func loadWithSource() throws -> (policy: Policy, text: String, source: String) { try source.loadWithSource() }
}
