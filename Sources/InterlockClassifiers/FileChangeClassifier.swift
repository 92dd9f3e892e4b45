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
        case .write:
            finding = Finding(operation: "file:write", effect: .write, targets: [change.path], reason: "writes `\(change.path)`")
        }
        var facts = Classification(findings: [finding])
        if let secret = Self.secretReason(change.path) {
            facts.add(Finding(operation: "file:secret", effect: finding.effect, targets: [change.path], reason: secret))
        }
        return facts
    }

    static func secretReason(_ path: String) -> String? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name == ".env" || name.hasPrefix(".env.") { return "`\(name)` usually holds secrets" }
        if ["id_rsa", "id_ed25519", "id_ecdsa", "credentials", ".netrc", ".pgpass"].contains(name) { return "`\(name)` holds credentials" }
        if name.hasSuffix(".pem") || name.hasSuffix(".key") { return "`\(name)` looks like a private key" }
        return nil
    }
}
