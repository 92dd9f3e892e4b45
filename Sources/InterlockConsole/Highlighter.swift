import InterlockCore

/// Colours a command line, SQL text or AWS call for reading: keywords, strings, numbers, options,
/// comments and redaction markers. Output is HTML-escaped text with `<span class>` around tokens;
/// the input is never interpreted, only split on the characters that start tokens.
public enum Highlighter {
    static let sqlKeywords: Set<String> = [
        "select", "from", "where", "insert", "into", "values", "update", "set", "delete", "drop", "table", "truncate", "alter", "create",
        "index", "database", "schema", "grant", "revoke", "and", "or", "not", "null", "join", "on", "cascade", "begin", "commit",
        "rollback", "returning", "limit", "order", "by", "group", "having", "if", "exists", "view", "user", "role", "with", "as",
    ]

    public static func html(_ text: String, kind: String) -> String {
        var out = ""
        var index = text.startIndex
        var atCommandStart = true
        func emit(_ token: Substring, _ css: String?) {
            let escaped = escape(token)
            out += css.map { "<span class=\"\($0)\">\(escaped)</span>" } ?? escaped
        }
        while index < text.endIndex {
            let character = text[index]
            if character == "[", text[index...].hasPrefix("[REDACTED:"), let close = text[index...].firstIndex(of: "]") {
                emit(text[index...close], "red")
                index = text.index(after: close)
                continue
            }
            if character == "'" || character == "\"" || character == "`" {
                var end = text.index(after: index)
                while end < text.endIndex, text[end] != character {
                    if text[end] == "\\", text.index(after: end) < text.endIndex { end = text.index(after: end) }
                    end = text.index(after: end)
                }
                if end < text.endIndex { end = text.index(after: end) }
                emit(text[index..<end], "str")
                index = end
                atCommandStart = false
                continue
            }
            if (kind == "sql" && text[index...].hasPrefix("--")) || (kind == "shell" && character == "#" && (index == text.startIndex || text[text.index(before: index)].isWhitespace)) {
                let end = text[index...].firstIndex(of: "\n") ?? text.endIndex
                emit(text[index..<end], "cmt")
                index = end
                continue
            }
            if character.isLetter || character.isNumber || character == "-" || character == "_" || character == "." || character == "/" || character == ":" {
                var end = index
                while end < text.endIndex, !(text[end].isWhitespace || "'\"`;|&()<>=,".contains(text[end])) { end = text.index(after: end) }
                let word = text[index..<end]
                let css: String?
                switch kind {
                case "sql":
                    css = sqlKeywords.contains(word.lowercased()) ? "kw" : word.allSatisfy(\.isNumber) ? "num" : nil
                case "shell":
                    css = atCommandStart ? "cmd" : word.hasPrefix("-") ? "opt" : nil
                default:
                    css = word.first?.isUppercase == true && word.contains(where: \.isLowercase) ? "kw" : nil
                }
                emit(word, css)
                atCommandStart = false
                index = end
                continue
            }
            if kind == "shell", ";|&(\n".contains(character) { atCommandStart = true }
            emit(text[index...index], nil)
            index = text.index(after: index)
        }
        return out
    }

    public static func escape(_ text: some StringProtocol) -> String { MarkupEscaping.escape(text) }
}
