import InterlockCore

/// One vocabulary for what a deletion takes with it, shared by the doors that only see a tool's
/// words (cloud CLIs whose command trees are not modelled, MCP tools named for what they do), so
/// that deleting a cluster is `teardown` and deleting a database `data_loss` whichever way the
/// agent asks — as `aws eks delete-cluster` and `rds:DeleteDBInstance` are.
enum DeletedThings {
    /// Verbs that delete what they name (not those that stop, detach or disable it).
    static let deletionVerbs: Set<String> = [
        "delete", "destroy", "remove", "rm", "del", "terminate", "purge", "deprovision", "uninstall", "wipe", "drop", "teardown", "nuke", "erase",
    ]

    /// What holds a whole environment: a project, resource group, namespace, cluster, app, stack,
    /// network, workspace.
    static let teardownNouns: Set<String> = [
        "project", "projects", "group", "groups", "namespace", "namespaces", "cluster", "clusters", "aks", "nodegroup", "nodegroups",
        "node-pools", "nodepool", "nodepools", "app", "apps", "webapp", "functionapp", "containerapp", "application", "applications",
        "environment", "environments", "env", "envs", "stack", "stacks", "service", "services", "svc", "site", "sites", "network",
        "networks", "vpc", "vpcs", "workspace", "workspaces",
        // A database or schema dropped is an environment's data torn down: SQL's `DROP DATABASE`
        // and `dropdb` say so too.
        "database", "databases", "db", "dbs", "schema", "schemas",
    ]

    /// What holds data that a deletion loses: databases, disks, buckets, secrets, machines.
    static let dataLossNouns: Set<String> = [
        "sql", "database", "databases", "db", "dbs", "schema", "schemas", "postgres", "mysql", "redis", "cosmosdb", "spanner", "bigtable", "firestore",
        "filestore", "d1", "r2", "kv", "pg", "addons", "disk", "disks", "volume", "volumes", "pvc", "snapshot", "snapshots", "backup",
        "backups", "bucket", "buckets", "storage", "table", "tables", "dataset", "datasets", "collection", "collections", "index",
        "indexes", "indices", "secret", "secrets", "keyvault", "keys", "topics", "queue", "queues", "instance", "instances", "vm", "vms",
        "server", "servers", "droplet", "droplets", "statefulset", "statefulsets", "persistentvolume", "persistentvolumes",
        "persistentvolumeclaim", "persistentvolumeclaims", "customresourcedefinition", "customresourcedefinitions", "repository",
        "repositories", "repo", "repos", "keyspace", "keyspaces", "stream", "streams", "vhost", "vhosts", "vol", "pool", "pools",
    ]

    /// The categories of a deletion of `object` (`clusters` in `gcloud container clusters
    /// delete`), qualified by the nouns that lead to it (`container`; `sql` in `gcloud sql
    /// instances delete`). Only the object itself makes a teardown — `az group deployment delete`
    /// deletes a deployment's record, not the group — while any of them makes data loss: that
    /// asks for more approvers, where a teardown is refused.
    static func categories(object: String?, qualifiers: some Sequence<String>) -> Set<Category> {
        var categories: Set<Category> = []
        if let object {
            if teardownNouns.contains(object) { categories.insert(.teardown) }
            if dataLossNouns.contains(object) { categories.insert(.dataLoss) }
        }
        if qualifiers.contains(where: dataLossNouns.contains) { categories.insert(.dataLoss) }
        return categories
    }
}
