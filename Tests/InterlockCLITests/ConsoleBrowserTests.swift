import Foundation
import InterlockCore
import Testing

/// The approver console in headless Chromium, driven by Selenium (`Tests/EndToEnd/console_browser.py`)
/// against a real `interlock serve`. `.ci/run` installs Debian's chromium and chromium-driver and
/// selenium into a virtual environment named by INTERLOCK_SELENIUM_VENV. Screenshots of the queue
/// and the request card at phone and desktop widths are kept in INTERLOCK_ARTIFACTS (default
/// `.build/artifacts/console`).
@Suite("Approver console in a real browser", .serialized)
struct ConsoleBrowserTests {
    static var venv: String? { ProcessInfo.processInfo.environment["INTERLOCK_SELENIUM_VENV"] }

    @Test("an agent files; senior A signs in, reads the card, approves once; the requester and its launcher are refused; senior B approves; the retry passes once; CSRF, agent sign-in and the kill switch",
          .enabled(if: venv != nil || ProcessInfo.processInfo.environment["CI"] == "true"))
    func approvalInTheBrowser() throws {
        guard let venv = Self.venv else { throw HarnessError("INTERLOCK_SELENIUM_VENV must name the Selenium virtual environment (.ci/run makes it)") }
        let environment = ProcessInfo.processInfo.environment
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let alice = try GatewayProcess.token(home: home, ["--human", "alice", "--role", "senior"])
        let bob = try GatewayProcess.token(home: home, ["--human", "bob", "--role", "senior"])
        let lena = try GatewayProcess.token(home: home, ["--human", "lena", "--role", "senior"])
        let agent = try GatewayProcess.token(home: home, ["--agent", "bot", "--launched-by", "lena"])
        let gateway = try GatewayProcess(home: home)
        defer { gateway.stop() }
        let artifacts = environment["INTERLOCK_ARTIFACTS"].map { $0 + "/console" }
            ?? FileManager.default.currentDirectoryPath + "/.build/artifacts/console"

        try EndToEndScript.run(python: venv + "/bin/python", "console_browser.py", environment: [
            "INTERLOCK_GATEWAY_URL": gateway.url, "TOKEN_ALICE": alice, "TOKEN_BOB": bob, "TOKEN_LENA": lena, "TOKEN_AGENT": agent,
            "CHROMIUM": environment["CHROMIUM"] ?? "/usr/bin/chromium", "CHROMEDRIVER": environment["CHROMEDRIVER"] ?? "/usr/bin/chromedriver",
            "SCREENSHOTS": artifacts,
        ])
        for name in ["queue-desktop", "queue-phone", "card-desktop", "card-phone"] {
            let path = artifacts + "/\(name).png"
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            #expect(size > 10_000, "screenshot \(path) was saved")
        }
    }
}
