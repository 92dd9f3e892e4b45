import Mustache

/// Renders the console's pages: a page template into the layout.
public struct ConsoleRenderer: Sendable {
    let library: MustacheLibrary

    public init() throws {
        var library = MustacheLibrary()
        for (name, text) in ConsoleTemplates.all { try library.register(text, named: name) }
        self.library = library
    }

    /// One template alone (a fragment, such as the queue's rows).
    public func fragment(_ template: String, _ data: [String: Any]) -> String {
        library.render(data, withTemplate: template) ?? ""
    }

    /// A whole page: `template` rendered with `data`, inside the layout with `chrome` (title,
    /// signed-in human, CSRF token, kill-switch banners, notice, which nav item is current).
    public func page(_ template: String, _ data: [String: Any], chrome: [String: Any]) -> String {
        var layout = chrome
        layout["body"] = fragment(template, data)
        return library.render(layout, withTemplate: "layout") ?? ""
    }
}

/// Security headers every console response carries: no inline script or style, nothing framed,
/// nothing cached, no referrer leaking request ids.
public enum ConsoleSecurity {
    public static let headers: [(String, String)] = [
        ("Content-Security-Policy",
         "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]

    /// The session cookie: not readable by scripts, never sent cross-site, `Secure` when the
    /// console is reached over TLS.
    public static func sessionCookie(_ value: String, secure: Bool, maxAgeSeconds: Int) -> String {
        "interlock_session=\(value); Path=/console; HttpOnly; SameSite=Strict; Max-Age=\(maxAgeSeconds)" + (secure ? "; Secure" : "")
    }

    public static func clearedSessionCookie(secure: Bool) -> String {
        "interlock_session=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0" + (secure ? "; Secure" : "")
    }

    /// Compares two tokens without an early exit.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The session id from a `Cookie` header.
    public static func sessionID(cookieHeader: String?) -> String? {
        guard let cookieHeader else { return nil }
        for part in cookieHeader.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: " ") == "interlock_session" {
                let value = String(pair[1])
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }
}

/// `application/x-www-form-urlencoded` bodies.
public enum FormData {
    public static func decode(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decodeComponent(String(parts[0]))
            if out[name] == nil { out[name] = parts.count > 1 ? decodeComponent(String(parts[1])) : "" }
        }
        return out
    }

    static func decodeComponent(_ text: String) -> String {
        var bytes: [UInt8] = []
        var rest = Array(text.utf8)[...]
        while let byte = rest.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), rest.count >= 2, let value = UInt8(String(decoding: rest.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                rest = rest.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    func trimmingCharacters(in characters: String) -> String {
        String(drop { characters.contains($0) }.reversed().drop { characters.contains($0) }.reversed())
    }
}
