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

        let script = Process()
        script.executableURL = URL(fileURLWithPath: venv + "/bin/python")
        script.arguments = [MCPProxyEndToEndTests.endToEnd("console_browser.py")]
        script.environment = environment.merging([
            "INTERLOCK_GATEWAY_URL": gateway.url, "TOKEN_ALICE": alice, "TOKEN_BOB": bob, "TOKEN_LENA": lena, "TOKEN_AGENT": agent,
            "CHROMIUM": environment["CHROMIUM"] ?? "/usr/bin/chromium", "CHROMEDRIVER": environment["CHROMEDRIVER"] ?? "/usr/bin/chromedriver",
            "SCREENSHOTS": artifacts,
        ]) { _, new in new }
        let out = Pipe(), err = Pipe()
        script.standardOutput = out
        script.standardError = err
        try script.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        script.waitUntilExit()
        #expect(script.terminationStatus == 0, "\(stdout)\n\(stderr.suffix(3000))")
        let steps = stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        #expect(steps.last?["step"] == "done", "\(stdout)")
        for name in ["queue-desktop", "queue-phone", "card-desktop", "card-phone"] {
            let path = artifacts + "/\(name).png"
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            #expect(size > 10_000, "screenshot \(path) was saved")
        }
    }
}
