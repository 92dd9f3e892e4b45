import InterlockCore

/// Classifies edits made through an editor tool (Claude Code's Write/Edit, Kiro's write).
///
/// Writing or editing a file is a write; deleting it, or an edit that removes text and puts nothing
/// in its place, destroys content. Paths that commonly hold secrets or credentials are flagged so
/// a policy can single them out.
public struct FileChangeClassifier: ActionClassifier {
    public init() {}

    public func classify(_ action: Action) -> Classification? {
        guard case .file(let change) = action.input else { return nil }
        var categories: Set<Category> = []
        let finding: Finding
        switch change.kind {
        case .delete:
            categories.insert(.dataLoss)
            finding = Finding(operation: "file:delete", effect: .destructive, targets: [change.path], categories: categories, reason: "deletes the file `\(change.path)`")
        case .edit where (change.content ?? "").isEmpty && !(change.replacedText ?? "").isEmpty:
            finding = Finding(operation: "file:edit", effect: .destructive, targets: [change.path], reason: "removes text from `\(change.path)` and puts nothing in its place")
        case .edit:
            finding = Finding(operation: "file:edit", effect: .write, targets: [change.path], reason: "edits `\(change.path)`")
        case .write where (change.content ?? "nonempty").isEmpty:
            categories.insert(.dataLoss)
            finding = Finding(operation: "file:write", effect: .destructive, targets: [change.path], categories: categories,
                              reason: "writes an empty `\(change.path)`, erasing whatever it held")
        case .write:
            finding = Finding(operation: "file:write", effect: .write, targets: [change.path], reason: "writes `\(change.path)`")
        }
        var facts = Classification(findings: [finding])
        if let secret = Self.secretReason(change.path) {
            facts.add(Finding(operation: "file:secret", effect: finding.effect, targets: [change.path], reason: secret))
        }
        if change.kind != .delete, let planted = CodeThatRunsLater.finding(forWriteTo: change.path, operation: "file:runs_later") {
            facts.add(planted)
        }
        if let config = Self.productionConfigReason(change.path) {
            facts.add(Finding(operation: "file:production_config", effect: finding.effect, targets: [change.path], reason: config))
        }
        return facts
    }

    static let configExtensions: Set<String> = ["yaml", "yml", "json", "toml", "ini", "conf", "cfg", "properties", "tf", "tfvars", "hcl", "env", "xml"]

    /// A configuration file whose path names production (`deploy/prod/values.yaml`,
    /// `config/production.json`, `terraform/prd.tfvars`), or one under `/etc`.
    static func productionConfigReason(_ path: String) -> String? {
        let components = path.pieces(between: "/").map { $0.lowercased() }
        guard let name = components.last else { return nil }
        let ext = name.pieces(between: ".").count > 1 ? String(name.pieces(between: ".").last!) : ""
        if path.hasPrefix("/etc/") { return "`\(path)` is system configuration" }
        guard configExtensions.contains(ext) || name.hasPrefix(".env") else { return nil }
        let words = components.flatMap { $0.split(whereSeparator: { !$0.isLetter && !$0.isNumber }) }
        if words.contains(where: { ["prod", "production", "prd", "live"].contains($0) }) {
            return "`\(path)` is configuration for production"
        }
        return nil
    }

    static func secretReason(_ path: String) -> String? {
        let name = path.pieces(between: "/").last.map(String.init) ?? path
        if name == ".env" || name.hasPrefix(".env.") { return "`\(name)` usually holds secrets" }
        if ["id_rsa", "id_ed25519", "id_ecdsa", "credentials", ".netrc", ".pgpass"].contains(name) { return "`\(name)` holds credentials" }
        if name.hasSuffix(".pem") || name.hasSuffix(".key") { return "`\(name)` looks like a private key" }
        return nil
    }
}
