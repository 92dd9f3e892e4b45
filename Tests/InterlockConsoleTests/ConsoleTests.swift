import Testing

@testable import InterlockConsole

@Suite("Console pieces: escaping, highlighting, forms, cookies, templates")
struct ConsoleTests {
    @Test("highlighted text is escaped: markup in a command stays text", arguments: ["shell", "sql", "aws"])
    func highlightingEscapes(_ kind: String) {
        let html = Highlighter.html("echo '<script>alert(1)</script>' && rm -rf \"/tmp/<b>\" # <img src=x onerror=y>", kind: kind)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>"))
        #expect(html.contains("&lt;script&gt;"))
        // Only the highlighter's own spans remain as tags.
        let tags = html.split(separator: "<").dropFirst().map { $0.prefix { $0 != " " && $0 != ">" } }
        #expect(tags.allSatisfy { $0 == "span" || $0 == "/span" }, "\(tags)")
    }

    @Test("shell: commands, options, strings and comments are marked")
    func shellHighlighting() {
        let html = Highlighter.html("psql -h db.prod -c 'DROP TABLE users' | tee out # done", kind: "shell")
        #expect(html.contains("<span class=\"cmd\">psql</span>"))
        #expect(html.contains("<span class=\"opt\">-h</span>"))
        #expect(html.contains("<span class=\"str\">&#39;DROP TABLE users&#39;</span>"))
        #expect(html.contains("<span class=\"cmd\">tee</span>"))
        #expect(html.contains("<span class=\"cmt\"># done</span>"))
    }

    @Test("SQL keywords and redaction markers are marked")
    func sqlHighlighting() {
        let html = Highlighter.html("DROP TABLE users; -- [REDACTED:password]", kind: "sql")
        #expect(html.contains("<span class=\"kw\">DROP</span> <span class=\"kw\">TABLE</span> users"))
        #expect(html.contains("<span class=\"cmt\">-- [REDACTED:password]</span>"))
        #expect(Highlighter.html("x = [REDACTED:aws-secret-key]", kind: "shell").contains("<span class=\"red\">[REDACTED:aws-secret-key]</span>"))
    }

    @Test("form bodies decode + and %XX; the first of a repeated field wins")
    func forms() {
        let form = FormData.decode("token=il_a%2Bb&comment=looks+good%21&csrf=1&csrf=2&empty=&flag")
        #expect(form["token"] == "il_a+b")
        #expect(form["comment"] == "looks good!")
        #expect(form["csrf"] == "1")
        #expect(form["empty"] == "" && form["flag"] == "")
    }

    @Test("the session cookie: HttpOnly, SameSite=Strict, Secure only behind TLS; read back from a Cookie header")
    func cookies() {
        #expect(ConsoleSecurity.sessionCookie("abc", secure: false, maxAgeSeconds: 60) == "interlock_session=abc; Path=/console; HttpOnly; SameSite=Strict; Max-Age=60")
        #expect(ConsoleSecurity.sessionCookie("abc", secure: true, maxAgeSeconds: 60).hasSuffix("; Secure"))
        #expect(ConsoleSecurity.sessionID(cookieHeader: "theme=dark; interlock_session=abc; x=y") == "abc")
        #expect(ConsoleSecurity.sessionID(cookieHeader: "interlock_session=") == nil)
        #expect(ConsoleSecurity.sessionID(cookieHeader: nil) == nil)
        #expect(ConsoleSecurity.constantTimeEqual("abc", "abc"))
        #expect(!ConsoleSecurity.constantTimeEqual("abc", "abd"))
        #expect(!ConsoleSecurity.constantTimeEqual("", ""))
    }

    @Test("the CSP allows no inline script or style and no framing")
    func contentSecurityPolicy() {
        let csp = ConsoleSecurity.headers.first { $0.0 == "Content-Security-Policy" }?.1 ?? ""
        #expect(csp.contains("script-src 'self'") && csp.contains("style-src 'self'") && csp.contains("frame-ancestors 'none'"))
        #expect(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"))
    }

    @Test("every template compiles; values are escaped; the layout carries the banner and the notice")
    func templates() throws {
        let renderer = try ConsoleRenderer()
        let html = renderer.page("message", ["heading": "<h1>x</h1>", "text": "a & b"],
                                 chrome: ["title": "T", "signedIn": true, "human": "alice", "csrf": "c1", "killBanners": ["for everything"],
                                          "notice": ["kind": "ok", "text": "done"]])
        #expect(html.contains("&lt;h1&gt;x&lt;/h1&gt;") && html.contains("a &amp; b"))
        #expect(html.contains("id=\"kill-banner\"") && html.contains("for everything"))
        #expect(html.contains("name=\"csrf\" value=\"c1\""))
        #expect(!html.contains("<script>") && !html.contains("style="), "no inline script or style")
        for name in ConsoleTemplates.all.keys { #expect(!renderer.fragment(name, [:]).isEmpty || name == "queue-rows", "\(name)") }
    }

    @Test("static assets are served by name, and only those")
    func assets() {
        #expect(ConsoleAssets.asset(named: "console.css")?.contentType.hasPrefix("text/css") == true)
        #expect(ConsoleAssets.asset(named: "console.js")?.contentType.hasPrefix("text/javascript") == true)
        #expect(ConsoleAssets.asset(named: "../Package.swift") == nil)
    }
}
