import InterlockCore

/// The policy that ships in the binary and applies when no policy file is given.
///
/// Safe with no configuration at all: an action whose environment cannot be resolved is treated as
/// production, where reads run, writes run and are recorded, and destructive, unknown and
/// permission-changing actions wait for two humans; tearing down production is blocked outright.
public enum BuiltinPolicy {
    public static let name = "builtin"

    public static let text = """
        # Interlock built-in policy. `interlock policy show` prints the policy in force.
        version: 1
        name: builtin
        # An action whose environment cannot be resolved is treated as production.
        default_environment: production

        # Who approves actions that a tier (rather than a rule) gates.
        approval:
          approvers: 1
          roles: [approver, senior, admin]
          timeout: 30m

        environments:
          production:
            match:
              - kube_context: ["*prod*", "*prd*"]
              - terraform_workspace: ["prod*", "prd*"]
              - database_host: ["*prod*", "*prd*"]
              - app_environment: ["prod*", "prd*", "*.prod*", "live"]
              - working_directory: ["**/prod", "**/prod/**", "**/production", "**/production/**"]
            tiers:
              read: autonomous
              write: supervised
              destructive: gated
              unknown: gated
            approval:
              approvers: 2
              roles: [senior, admin]
              timeout: 30m
          staging:
            match:
              - kube_context: ["*staging*", "*stg*"]
              - terraform_workspace: ["staging*", "stg*"]
              - database_host: ["*staging*", "*stg*"]
              - app_environment: ["staging*", "stg*", "*.staging*"]
            tiers:
              read: autonomous
              write: autonomous
              destructive: gated
              unknown: supervised
          development:
            match:
              - kube_context: ["kind-*", "minikube", "docker-desktop", "k3d-*"]
              - terraform_workspace: ["dev*", "sandbox*"]
            tiers:
              read: autonomous
              write: autonomous
              destructive: supervised
              unknown: supervised

        rules:
          - id: production-teardown
            description: Deleting or recreating a whole production environment (the December 2025 incident).
            match:
              environments: [production]
              categories: [teardown]
            decision: blocked
            message: >-
              Interlock: tearing down a production environment is blocked. Make the smallest change that
              fixes the problem; if the environment really must be rebuilt, a human operator does it.

          - id: production-data-loss
            description: Irreversible data loss in production needs two seniors and a rollback plan.
            match:
              environments: [production]
              categories: [data_loss]
            decision: gated
            message: "Interlock: this destroys production data and needs two senior approvals."
            approval:
              approvers: 2
              roles: [senior, admin]
              timeout: 30m
              require_context: [why, rollback]

          - id: permission-changes
            description: Changes to who may do what.
            match:
              environments: [production, staging]
              categories: [permission_change]
            decision: gated
            message: "Interlock: permission changes need human approval."

          - id: protection-off
            description: Turning off deletion protection, versioning or backups.
            match:
              environments: [production, staging]
              categories: [protection_off]
            decision: gated
            message: "Interlock: turning off a protection needs human approval."

          - id: history-rewrite
            description: Rewriting shared history (force pushes, remote branch deletion).
            match:
              environments: [production, staging]
              categories: [history_rewrite]
            decision: gated
            message: "Interlock: rewriting shared history needs human approval; push a new commit instead."

          - id: sensitive-files
            description: Editor-tool changes to files that hold credentials or production configuration.
            match:
              environments: [production, staging]
              operations: ["file:secret", "file:production_config"]
            decision: gated
            message: >-
              Interlock: this file holds credentials or production configuration, and changing it needs
              human approval.

          - id: hook-settings
            description: Changing the hook or MCP server settings through which an agent's host asks Interlock.
            match:
              categories: [hook_config]
            decision: gated
            message: >-
              Interlock: this changes the hook settings or MCP server configuration through which the
              agent's host asks Interlock before each tool call, and needs human approval in every
              environment.

          - id: production-credentials
            description: Production credentials handed to an agent (temporary keys, new access keys, registry and database passwords, secrets).
            match:
              environments: [production]
              categories: [credential_issue]
            decision: blocked
            message: >-
              Interlock: this would hand production credentials to the agent, which could then act
              without Interlock. Credentials for production never reach an agent; a human fetches
              them, or the agent acts through Interlock's proxies, which hold them.

          - id: credentials
            description: Credentials handed to an agent outside production.
            match:
              categories: [credential_issue]
            decision: gated
            message: >-
              Interlock: this hands credentials to the agent, which could then act without Interlock,
              and needs human approval.

          - id: opaque-execution
            description: Running code whose content cannot be read first (curl | sh, eval of decoded data).
            match:
              environments: [production]
              categories: [opaque_execution]
            decision: gated
            message: >-
              Interlock: this runs code that cannot be read before it runs. Save it to a file,
              so that it can be reviewed, and run the file.

        # The hosts' own tools other than shells and file edits, which hooks see when their matcher
        # is widened. Any tool not named is unknown.
        mcp:
          servers:
            claude:
              tools: {Read: read, Glob: read, Grep: read, LS: read, NotebookRead: read, WebSearch: read, WebFetch: read, TodoWrite: read}
            kiro:
              tools: {read: read, fs_read: read, introspect: read, todo_list: read}
            cursor:
              tools: {Read: read}

        limits:
          - id: production-blast-radius
            environments: [production]
            max_resources: 50
            on_exceed: blocked
          - id: production-rate
            environments: [production]
            writes_per_minute: 30
            destructive_per_hour: 10
            on_exceed: gated
          - id: production-cost
            environments: [production]
            max_cost_usd: 250
            max_cost_per_day_usd: 1000
            on_exceed: gated
        """

    /// The built-in policy, loaded. The test suite proves that it loads without errors.
    public static let policy: Policy = {
        do {
            return try PolicyLoader.load(text: text, file: "<builtin>").0
        } catch {
            // A broken built-in policy is a build defect caught by the tests; never continue with
            // anything weaker.
            fatalError("the built-in policy does not load: \(error)")
        }
    }()
}
