/// A repository's `config` file, read for the settings that change what a command does:
/// sections (`[remote "origin"]`, the old `[remote.origin]`), keys (case-insensitive) and values
/// (quotes removed, `#`/`;` comments outside them dropped, a key alone meaning true).
enum GitConfiguration {
    /// Each setting in order: the full key (`remote.origin.mirror`, section and key lower case,
    /// the subsection as written) and its value (nil for a key alone).
    static func settings(_ text: String) -> [(key: String, value: String?)] {
        var section = ""
        var out: [(key: String, value: String?)] = []
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            var line = Substring(trimmed(rawLine))
            guard let first = line.first, first != "#", first != ";" else { continue }
            if first == "[" {
                guard let close = line.lastIndex(of: "]") else { continue }
                let header = line[line.index(after: line.startIndex)..<close]
                if let quote = header.firstIndex(of: "\"") {
                    // `[remote "origin"]`: the subsection between the quotes, as written.
                    let name = header[..<quote].filter { $0 != " " && $0 != "\t" }.lowercased()
                    let subsection = header[header.index(after: quote)...].prefix { $0 != "\"" }
                    section = name + "." + subsection
                } else {
                    // `[remote.origin]`: the old form, whose subsection is lower-cased.
                    section = header.lowercased()
                }
                line = line[line.index(after: close)...]
                line = line.drop { $0 == " " || $0 == "\t" }
                if line.isEmpty { continue }
            }
            let keyEnd = line.firstIndex { $0 == "=" || $0 == " " || $0 == "\t" || $0 == "#" || $0 == ";" } ?? line.endIndex
            let key = line[..<keyEnd].lowercased()
            guard !key.isEmpty, !section.isEmpty else { continue }
            let rest = line[keyEnd...].drop { $0 == " " || $0 == "\t" }
            guard rest.first == "=" else {
                out.append((section + "." + key, nil))
                continue
            }
            out.append((section + "." + key, value(rest.dropFirst())))
        }
        return out
    }

    /// A value: quotes removed, a comment outside them dropped, spaces around it trimmed.
    static func value(_ text: Substring) -> String {
        var out = ""
        var quoted = false
        var escaped = false
        for character in text {
            if escaped {
                out.append(character == "n" ? "\n" : character == "t" ? "\t" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if !quoted, character == "#" || character == ";" {
                break
            } else {
                out.append(character)
            }
        }
        return trimmed(out)
    }

    /// Git's booleans: a key alone, `true`/`yes`/`on`, or a non-zero number.
    static func isTrue(_ value: String?) -> Bool {
        guard let value else { return true }
        let lower = value.lowercased()
        if ["true", "yes", "on"].contains(lower) { return true }
        return Int(lower).map { $0 != 0 } ?? false
    }

    static func trimmed(_ text: some StringProtocol) -> String {
        text.trimmingEnds { $0 == " " || $0 == "\t" }
    }

    /// The push settings of every remote the text configures.
    static func pushConfiguration(_ text: String) -> GitCommand.PushConfiguration {
        var configuration = GitCommand.PushConfiguration()
        for (key, value) in settings(text) where key.hasPrefix("remote.") {
            let rest = key.dropFirst("remote.".count)
            guard let dot = rest.lastIndex(of: ".") else { continue }
            configuration.add(remote: String(rest[..<dot]), key: String(rest[rest.index(after: dot)...]), value: value)
        }
        return configuration
    }
}
