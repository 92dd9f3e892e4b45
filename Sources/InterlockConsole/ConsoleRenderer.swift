import InterlockCore
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
            if pair.count == 2, pair[0].drop { $0 == " " } == "interlock_session" {
                let value = String(pair[1])
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }
}

/// `application/x-www-form-urlencoded` bodies.
public enum FormData {
    /// Field name → value; the first of a repeated field wins.
    public static func decode(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for (name, value) in PercentEncoding.decodePairs(text, plusIsSpace: true) where out[name] == nil { out[name] = value }
        return out
    }
}
