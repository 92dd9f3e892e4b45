import InterlockCore
import Yams

/// YAML (and JSON, which YAML reads too) as `JSONValue` documents: what kubectl accepts for
/// manifests and patches, and the AWS CLI for `--cli-input-yaml`.
enum YAMLDocuments {
    /// The documents of `text`, or nil when it is not YAML or is too large to examine.
    ///
    /// An alias repeats its anchor's whole tree, so a few lines can stand for billions of nodes
    /// ("billion laughs"); the conversion stops at `nodeBudget` nodes across all documents and
    /// the text then counts as unreadable.
    static func parse(_ text: String, nodeBudget: Int = 100_000) -> [JSONValue]? {
        // Most patches and request files are JSON, which the JSON parser reads many times faster.
        if let first = text.utf8.first(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\r") }),
           first == UInt8(ascii: "{") || first == UInt8(ascii: "["), let value = try? JSONValue.parse(text) {
            return [value]
        }
        var budget = nodeBudget
        do {
            // The basic resolver and an empty constructor: scalars are typed below, and the default
            // tables (regular expressions) cost more to set up than a manifest costs to read.
            var documents: [JSONValue] = []
            for node in try Yams.compose_all(yaml: text, .basic, Constructor([:], [:], [:]), .utf8) {
                guard let value = convert(node, budget: &budget, depth: 0) else { return nil }
                documents.append(value)
            }
            return documents
        } catch {
            return nil
        }
    }

    /// Whether a YAML text holds nothing but blank lines, comments and document markers.
    static func isBlank(_ text: String) -> Bool {
        text.split(whereSeparator: \.isNewline).allSatisfy { line in
            let content = line.drop { $0 == " " || $0 == "\t" }
            return content.isEmpty || content.hasPrefix("#") || content == "---" || content == "..."
        }
    }

    private static func convert(_ node: Node, budget: inout Int, depth: Int) -> JSONValue? {
        budget -= 1
        guard budget >= 0, depth < 64 else { return nil }
        switch node {
        case .scalar(let scalar):
            guard scalar.style == .plain else { return .string(scalar.string) }
            let text = scalar.string
            if let integer = Int64(text) { return .int(integer) }
            switch text {
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            case "", "~", "null", "Null", "NULL": return .null
            default: return .string(text)
            }
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key, let converted = convert(value, budget: &budget, depth: depth + 1) else { return nil }
                object[keyScalar.string] = converted
            }
            return .object(object)
        case .sequence(let sequence):
            var array: [JSONValue] = []
            for element in sequence {
                guard let converted = convert(element, budget: &budget, depth: depth + 1) else { return nil }
                array.append(converted)
            }
            return .array(array)
        case .alias:
            return nil
        }
    }
}
