@testable import InterlockClassifiers
import PropertyBased
import Testing

/// `Paths.normalize` reads bytes for speed; the reference reads the path as components, the way
/// a person would: drop empty ones and `.`, let `..` remove the one before it (none above `/`).
@Suite("Lexical paths: properties")
struct PathsPropertyTests {
    static func reference(_ path: String) -> String {
        guard path.hasPrefix("/") else { return path }
        var kept: [String] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            switch component {
            case "", ".": continue
            case "..": _ = kept.popLast()
            default: kept.append(String(component))
            }
        }
        return "/" + kept.joined(separator: "/")
    }

    @Test("property: normalize agrees with the component-by-component reference")
    func normalizeAgrees() async {
        let pieces = Gen.element(of: ["/", "//", ".", "..", "a", "bc", "é", ".x", "..y", "z.."]).map { $0! }
        await propertyCheck(count: 2000, input: pieces.array(of: 0...9), Gen.bool) { parts, absolute in
            let path = (absolute ? "/" : "") + parts.joined()
            #expect(Paths.normalize(path) == Self.reference(path), "\(path)")
        }
    }

    /// `CredentialFiles.mayName` passes over most words in one pass over the bytes; the
    /// reference reads components: one that starts with a dot and is not `.`, `..` or another
    /// run of dots, or a path ending in `shadow`, `serviceaccount/token` or `/environ`. What it lets through is read properly after.
    @Test("property: the credentials prefilter agrees with the component reference")
    func credentialPrefilterAgrees() async {
        func reference(_ path: String) -> Bool {
            let dotted = path.split(separator: "/", omittingEmptySubsequences: false).contains { component in
                component.count >= 2 && component.first == "." && component.dropFirst().first != "."
            }
            return dotted || path.hasSuffix("shadow") || path.hasSuffix("serviceaccount/token") || path.hasSuffix("/environ")
        }
        let pieces = Gen.element(of: ["/", ".", "..", "a", "aws", ".aws", "~", "shadow", "w", ".x", "..y", "é", "-", "serviceaccount", "token", "n", "environ", "1"]).map { $0! }
        await propertyCheck(count: 2000, input: pieces.array(of: 0...8)) { parts in
            let path = parts.joined()
            #expect(CredentialFiles.mayName(path) == reference(path), "\(path)")
        }
        // The files the full reading names all pass it.
        for path in ["~/.aws/credentials", "/etc/shadow", ".netrc", "/home/u/.ssh/id_rsa", "/var/run/secrets/kubernetes.io/serviceaccount/token", "/proc/1/environ"] { #expect(CredentialFiles.mayName(path), "\(path)") }
    }

    @Test("hand cases: what stays and what goes")
    func handCases() {
        #expect(Paths.normalize("/") == "/")
        #expect(Paths.normalize("/srv/app/") == "/srv/app")
        #expect(Paths.normalize("/srv/./app//data/../logs") == "/srv/app/logs")
        #expect(Paths.normalize("/../../etc") == "/etc")
        #expect(Paths.normalize("/srv/..") == "/")
        #expect(Paths.normalize("relative/../x") == "relative/../x")
        #expect(Paths.join("/home/dev/project", "../other/./f") == "/home/dev/other/f")
    }
}
