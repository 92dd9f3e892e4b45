import InterlockCore

/// What a Terraform/OpenTofu plan (`terraform show -json PLANFILE`, format 1.x) will do.
public struct TerraformPlanAnalysis: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable, CaseIterable, Comparable {
        case noOp = "no-op", read, create, update, replace, delete

        public static func < (lhs: Action, rhs: Action) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    public struct Change: Sendable, Hashable {
        public var address: String
        public var type: String
        public var action: Action
        /// The attributes whose change forces a replacement (`replace_paths`).
        public var forcedBy: [String]
        /// Terraform's reason (`replace_because_cannot_update`, `delete_because_no_resource_config` ...).
        public var reason: String?
        /// Databases, buckets, volumes, tables, file systems, queues, DNS zones, keys: their data
        /// does not come back when the resource is recreated.
        public var stateful: Bool
    }

    public var formatVersion: String
    public var counts: [Action: Int]
    /// Every resource the plan deletes, replaces, updates or creates, in plan order.
    public var changes: [Change]

    public var destroyed: [Change] { changes.filter { $0.action == .delete || $0.action == .replace } }

    /// Resource types whose destruction loses data.
    public static let statefulTypes: Set<String> = [
        "aws_db_instance", "aws_rds_cluster", "aws_rds_cluster_instance", "aws_s3_bucket", "aws_ebs_volume", "aws_dynamodb_table",
        "aws_efs_file_system", "aws_sqs_queue", "aws_route53_zone", "aws_kms_key", "aws_elasticache_cluster", "aws_elasticache_replication_group",
        "aws_redshift_cluster", "aws_docdb_cluster", "aws_neptune_cluster", "aws_opensearch_domain", "aws_elasticsearch_domain",
        "aws_kinesis_stream", "aws_msk_cluster", "aws_backup_vault", "aws_secretsmanager_secret", "aws_ecr_repository", "aws_cloudwatch_log_group",
        "aws_fsx_lustre_file_system", "aws_fsx_windows_file_system", "aws_timestreamwrite_table", "aws_qldb_ledger", "aws_memorydb_cluster",
        "google_sql_database_instance", "google_sql_database", "google_storage_bucket", "google_compute_disk", "google_bigquery_dataset",
        "google_bigquery_table", "google_spanner_instance", "google_spanner_database", "google_redis_instance", "google_filestore_instance",
        "google_kms_crypto_key", "google_pubsub_topic", "google_dns_managed_zone",
        "azurerm_storage_account", "azurerm_storage_container", "azurerm_mssql_database", "azurerm_postgresql_flexible_server",
        "azurerm_mysql_flexible_server", "azurerm_cosmosdb_account", "azurerm_managed_disk", "azurerm_key_vault", "azurerm_redis_cache",
        "azurerm_dns_zone", "azurerm_servicebus_queue",
        "kubernetes_persistent_volume", "kubernetes_persistent_volume_claim", "kubernetes_persistent_volume_claim_v1", "kubernetes_namespace",
        "kubernetes_namespace_v1", "kubernetes_stateful_set", "kubernetes_stateful_set_v1",
    ]

    public struct FormatError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Reads a plan. An unsupported major format version, or anything that is not a plan, is an error.
    public init(plan: JSONValue) throws(FormatError) {
        guard let object = plan.objectValue else { throw FormatError(message: "a plan is a JSON object; this is \(plan.typeName)") }
        guard let version = object["format_version"]?.stringValue else {
            throw FormatError(message: "no `format_version`: this is not the output of `terraform show -json PLANFILE`")
        }
        guard version.hasPrefix("1.") || version.hasPrefix("0.") else {
            throw FormatError(message: "plan format \(version) is not supported (1.x is)")
        }
        guard let resourceChanges = object["resource_changes"]?.arrayValue ?? (object["planned_values"] != nil ? [] : nil) else {
            throw FormatError(message: "no `resource_changes`: a state file, not a plan?")
        }
        formatVersion = version
        counts = [:]
        changes = []
        changes.reserveCapacity(resourceChanges.count)
        for item in resourceChanges {
            guard let address = item["address"]?.stringValue, let actions = item["change"]?["actions"]?.arrayValue?.compactMap(\.stringValue) else {
                throw FormatError(message: "a resource change without `address` or `change.actions`")
            }
            if item["mode"]?.stringValue == "data" {
                counts[.read, default: 0] += 1
                continue
            }
            let action: Action
            switch actions {
            case ["no-op"]: action = .noOp
            case ["read"]: action = .read
            case ["create"]: action = .create
            case ["update"]: action = .update
            case ["delete"]: action = .delete
            case ["delete", "create"], ["create", "delete"]: action = .replace
            default: throw FormatError(message: "`\(address)`: unknown actions \(actions)")
            }
            counts[action, default: 0] += 1
            guard action != .noOp && action != .read else { continue }
            let type = item["type"]?.stringValue ?? ""
            var forcedBy: [String] = []
            for path in item["change"]?["replace_paths"]?.arrayValue ?? [] {
                let steps = path.arrayValue?.map { step -> String in
                    if let text = step.stringValue { return text }
                    if let number = step.doubleValue { return "[\(Int(number))]" }
                    return "?"
                } ?? []
                forcedBy.append(steps.joined(separator: ".").replacing(".[", with: "["))
            }
            changes.append(Change(
                address: address, type: type, action: action, forcedBy: forcedBy,
                reason: item["action_reason"]?.stringValue, stateful: Self.statefulTypes.contains(type)))
        }
    }

    /// Facts for the policy: one finding per kind of change, with addresses as targets.
    public var findings: [Finding] {
        var out: [Finding] = []
        let deleted = changes.filter { $0.action == .delete }
        let replaced = changes.filter { $0.action == .replace }
        let changed = changes.count
        if !deleted.isEmpty {
            var categories: Set<Category> = []
            if deleted.contains(where: \.stateful) { categories.insert(.dataLoss) }
            // Deleting most of what the plan touches, or a network or cluster, takes an environment down.
            if deleted.count >= 10 && deleted.count * 2 >= changed || deleted.contains(where: { Self.foundationTypes.contains($0.type) }) {
                categories.insert(.teardown)
            }
            out.append(Finding(
                operation: "terraform:delete", effect: .destructive, targets: deleted.map(\.address), categories: categories,
                reason: "the plan deletes \(deleted.count) resource\(deleted.count == 1 ? "" : "s")\(statefulSummary(deleted))"))
        }
        if !replaced.isEmpty {
            let forced = replaced.flatMap { change in change.forcedBy.map { "\(change.address).\($0)" } }
            out.append(Finding(
                operation: "terraform:replace", effect: .destructive, targets: replaced.map(\.address),
                categories: replaced.contains(where: \.stateful) ? [.dataLoss] : [],
                reason: "the plan destroys and recreates \(replaced.count) resource\(replaced.count == 1 ? "" : "s")\(statefulSummary(replaced))\(forced.isEmpty ? "" : "; forced by " + forced.prefix(5).joined(separator: ", "))"))
        }
        let updated = changes.filter { $0.action == .update }
        if !updated.isEmpty {
            out.append(Finding(operation: "terraform:update", effect: .write, targets: updated.map(\.address), reason: "the plan updates \(updated.count) resource\(updated.count == 1 ? "" : "s") in place"))
        }
        let created = changes.filter { $0.action == .create }
        if !created.isEmpty {
            out.append(Finding(operation: "terraform:create", effect: .write, targets: created.map(\.address), reason: "the plan creates \(created.count) resource\(created.count == 1 ? "" : "s")"))
        }
        if out.isEmpty {
            out.append(Finding(operation: "terraform:no_changes", effect: .read, reason: "the plan changes nothing"))
        }
        return out
    }

    private func statefulSummary(_ list: [Change]) -> String {
        let stateful = list.filter(\.stateful)
        guard !stateful.isEmpty else { return "" }
        return ", \(stateful.count) of them holding data (\(stateful.prefix(3).map(\.address).joined(separator: ", "))\(stateful.count > 3 ? ", …" : ""))"
    }

    /// Types whose deletion removes the ground other resources stand on.
    static let foundationTypes: Set<String> = [
        "aws_vpc", "aws_eks_cluster", "aws_ecs_cluster", "aws_rds_cluster", "google_container_cluster", "google_compute_network",
        "azurerm_kubernetes_cluster", "azurerm_virtual_network", "azurerm_resource_group", "kubernetes_namespace", "kubernetes_namespace_v1",
    ]

    /// A summary a reviewer reads in ten seconds.
    public var summary: String {
        var lines: [String] = []
        let order: [Action] = [.delete, .replace, .update, .create, .read, .noOp]
        lines.append("plan: " + order.map { "\(counts[$0, default: 0]) \($0 == .noOp ? "unchanged" : $0.rawValue)" }.joined(separator: ", "))
        let destroyed = self.destroyed
        if destroyed.isEmpty {
            lines.append("nothing is deleted or replaced")
        } else {
            lines.append("deleted or replaced:")
            for change in destroyed.prefix(25) {
                var line = "  \(change.action == .delete ? "delete " : "replace") \(change.address)"
                if change.stateful { line += "  [holds data]" }
                if !change.forcedBy.isEmpty { line += "  forced by: \(change.forcedBy.joined(separator: ", "))" }
                lines.append(line)
            }
            if destroyed.count > 25 { lines.append("  … and \(destroyed.count - 25) more") }
        }
        return lines.joined(separator: "\n")
    }
}

/// Classifies the `plan` action input.
public struct TerraformPlanClassifier: ActionClassifier {
    public init() {}

    public func classify(_ action: InterlockCore.Action) -> Classification? {
        guard case .plan(let input) = action.input else { return nil }
        do {
            let analysis = try TerraformPlanAnalysis(plan: input.plan)
            return Classification(findings: analysis.findings)
        } catch {
            return .unknown(operation: "terraform:unreadable_plan", reason: "the plan cannot be read (\(error.message)); its effect is unknown")
        }
    }
}
