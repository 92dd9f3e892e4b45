import Foundation
import InterlockCore
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The console over plain HTTP against the real `interlock serve`: what a browser test cannot
/// easily show (headers, redirects, escaping, revocation, the Terraform plan table).
@Suite("Approver console over HTTP")
struct ConsoleServerTests {
    /// Requests without following redirects, so that 303s can be checked.
    final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
            completionHandler(nil)
        }
    }

    /// No cookie storage: each test sends its own session cookie (cookies ignore ports, so a shared
    /// store would mix the sessions of gateways that run at once).
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        return URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }()

    struct Page {
        var status: Int
        var headers: [String: String]
        var text: String
    }

    static func request(_ gateway: GatewayProcess, _ method: String, _ path: String, cookie: String? = nil, form: [String: String]? = nil,
                        origin: String? = nil) async throws -> Page {
        var request = URLRequest(url: URL(string: gateway.url + path)!)
        request.httpMethod = method
        request.httpShouldHandleCookies = false
        if let cookie { request.setValue("interlock_session=\(cookie)", forHTTPHeaderField: "Cookie") }
        if let origin { request.setValue(origin, forHTTPHeaderField: "Origin") }
        if let form {
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&").utf8)
        }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headers[String(describing: key).lowercased()] = String(describing: value) }
        return Page(status: http.statusCode, headers: headers, text: String(decoding: data, as: UTF8.self))
    }

    static func signIn(_ gateway: GatewayProcess, _ token: String) async throws -> String? {
        let page = try await request(gateway, "POST", "/console/sign-in", form: ["token": token])
        guard page.status == 303, let cookie = page.headers["set-cookie"] else { return nil }
        return cookie.split(separator: ";").first.map { String($0.dropFirst("interlock_session=".count)) }
    }

    static func csrf(_ html: String) -> String {
        guard let range = html.range(of: "name=\"csrf\" value=\"") else { return "" }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// A gateway on its own home, with a senior reviewer and an agent.
    struct World {
        let dir: TemporaryDirectory
        let home: String
        let alice: String
        let agent: String
        let gateway: GatewayProcess

        init() throws {
            dir = try TemporaryDirectory()
            home = dir.url.appendingPathComponent("home").path
            alice = try GatewayProcess.token(home: home, ["--human", "alice", "--role", "senior"])
            agent = try GatewayProcess.token(home: home, ["--agent", "bot"])
            gateway = try GatewayProcess(home: home)
        }
    }

    @Test("sign-in: humans only; unauthenticated pages redirect; headers are strict; a revoked token ends the session")
    func signInAndSessions() async throws {
        let world = try World()
        defer { world.gateway.stop() }
        let (home, alice, agent, gateway) = (world.home, world.alice, world.agent, world.gateway)

        let anonymous = try await Self.request(gateway, "GET", "/console/queue")
        #expect(anonymous.status == 303 && anonymous.headers["location"]?.hasPrefix("/console/sign-in") == true)
        let refused = try await Self.request(gateway, "POST", "/console/sign-in", form: ["token": agent])
        #expect(refused.status == 403 && refused.text.contains("Agent tokens cannot sign in") && refused.headers["set-cookie"] == nil)
        let wrong = try await Self.request(gateway, "POST", "/console/sign-in", form: ["token": "il_nope"])
        #expect(wrong.status == 401)
        let crossSite = try await Self.request(gateway, "POST", "/console/sign-in", form: ["token": alice], origin: "https://evil.example")
        #expect(crossSite.status == 403)

        let signedIn = try await Self.request(gateway, "POST", "/console/sign-in", form: ["token": alice, "next": "https://evil.example/"])
        #expect(signedIn.status == 303 && signedIn.headers["location"] == "/console/queue", "no open redirect")
        let cookie = try #require(signedIn.headers["set-cookie"])
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"))
        let session = String(cookie.split(separator: ";")[0].dropFirst("interlock_session=".count))
        let queue = try await Self.request(gateway, "GET", "/console/queue", cookie: session)
        #expect(queue.status == 200)
        #expect(queue.headers["content-security-policy"]?.contains("frame-ancestors 'none'") == true)
        #expect(queue.headers["x-frame-options"] == "DENY" && queue.headers["x-content-type-options"] == "nosniff")
        let script = try await Self.request(gateway, "GET", "/console/static/console.js")
        #expect(script.status == 200 && script.headers["content-type"]?.hasPrefix("text/javascript") == true)

        // Revoking the token ends its sessions (the token cache lives one second).
        let tokens = try InterlockBinary.run(["token", "list", "--home", home])
        let aliceID = try #require(tokens.stdout.split(separator: "\n").first { $0.contains("human:alice") }?.split(separator: " ").first)
        _ = try InterlockBinary.run(["token", "revoke", "--home", home, String(aliceID)])
        try await Task.sleep(for: .milliseconds(1200))
        let after = try await Self.request(gateway, "GET", "/console/queue", cookie: session)
        #expect(after.status == 303, "a revoked token's session no longer opens pages")
    }

    @Test("the card escapes what the agent wrote, shows a Terraform plan's replacements, and votes need the CSRF token")
    func cardAndVotes() async throws {
        let world = try World()
        defer { world.gateway.stop() }
        let (alice, agent, gateway) = (world.alice, world.agent, world.gateway)

        let shell = try await gateway.submit(shellAction("rm -rf /srv/<script>alert(1)</script>"), token: agent)
        let shellID = try #require(shell.json["approval"]?["id"]?.stringValue)
        let plan = JSONValue.object([
            "environment": .string("production"),
            "input": .object(["kind": .string("plan"), "tool": .string("terraform"), "plan": .object([
                "format_version": .string("1.2"),
                "resource_changes": .array([
                    .object(["address": .string("aws_db_instance.main"), "mode": .string("managed"), "type": .string("aws_db_instance"),
                             "change": .object(["actions": .array([.string("delete"), .string("create")]),
                                                "replace_paths": .array([.array([.string("engine")])])])]),
                    .object(["address": .string("aws_s3_bucket.logs"), "mode": .string("managed"), "type": .string("aws_s3_bucket"),
                             "change": .object(["actions": .array([.string("delete")])])]),
                ]),
            ])]),
            "context": .object(["why": .string("engine upgrade"), "rollback": .string("restore the snapshot")]),
        ]).jsonText()
        let planAnswer = try await gateway.submit(plan, token: agent)
        let planID = try #require(planAnswer.json["approval"]?["id"]?.stringValue, "\(planAnswer.text)")

        let session = try #require(try await Self.signIn(gateway, alice))
        let card = try await Self.request(gateway, "GET", "/console/requests/\(shellID)", cookie: session)
        #expect(card.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!card.text.contains("<script>alert"))
        let queue = try await Self.request(gateway, "GET", "/console/queue/rows", cookie: session)
        #expect(queue.text.contains(shellID) && !queue.text.contains("<script>alert"))

        let planCard = try await Self.request(gateway, "GET", "/console/requests/\(planID)", cookie: session)
        #expect(planCard.text.contains("<table class=\"plan\">"))
        #expect(planCard.text.contains("<code>aws_db_instance.main</code></td><td>replace</td><td><code>engine</code>"))
        #expect(planCard.text.contains("<code>aws_s3_bucket.logs</code></td><td>delete</td>"))

        let noToken = try await Self.request(gateway, "POST", "/console/requests/\(shellID)/approve", cookie: session, form: ["comment": "x"])
        #expect(noToken.status == 403)
        let approved = try await Self.request(gateway, "POST", "/console/requests/\(shellID)/approve", cookie: session,
                                              form: ["csrf": Self.csrf(card.text), "comment": "ok"])
        #expect(approved.status == 200 && approved.text.contains("1 more needed"))
        let again = try await Self.request(gateway, "POST", "/console/requests/\(shellID)/approve", cookie: session, form: ["csrf": Self.csrf(card.text)])
        #expect(again.status == 409)
        let state = try await gateway.call("GET", "/v1/approvals/\(shellID)", token: alice)
        #expect(state.json["approvals"] == .int(1))

        // Notification links open the card.
        let link = try await Self.request(gateway, "GET", "/approvals/\(shellID)")
        #expect(link.status == 303 && link.headers["location"] == "/console/requests/\(shellID)")
    }
}
