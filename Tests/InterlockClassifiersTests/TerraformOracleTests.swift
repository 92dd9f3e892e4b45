@testable import InterlockClassifiers
import Foundation
import PropertyBased
import Testing

let installedTerraform: String? = ["/usr/local/bin/terraform", "/usr/bin/terraform"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// The real Terraform as the oracle: `terraform providers` reads a configuration (offline, no
/// `init`) and names the providers it needs, `hashicorp/external` among them exactly when a
/// `data "external"` source is declared. Generated configurations mix real sources with the same
/// words in comments, strings, templates and heredocs; wherever Terraform accepts the
/// configuration, the reader must find a source exactly when Terraform does.
@Suite("Terraform configurations against terraform itself", .enabled(if: installedTerraform != nil))
struct TerraformOracleTests {
    static let terraform = installedTerraform

    static func fragment(_ kind: Int, _ n: Int) -> String {
        switch kind {
        case 0: return "data \"external\" \"src\(n)\" {\n  program = [\"sh\", \"-c\", \"id\"]\n}\n"
        case 1: return "# data \"external\" \"c\(n)\" {}\n"
        case 2: return "// data \"external\" \"c\(n)\" {}\n"
        case 3: return "/* data \"external\" \"c\(n)\" {\n} */\n"
        case 4: return "locals {\n  doc\(n) = <<EOT\ndata \"external\" \"h\(n)\" {\n}\nEOT\n}\n"
        case 5: return "locals {\n  indented\(n) = <<-EOT\n    data \"external\" \"h\(n)\" {}\n    EOT\n}\n"
        case 6: return "locals {\n  quoted\(n) = \"data \\\"external\\\" \\\"q\(n)\\\" {}\"\n}\n"
        case 7: return "locals {\n  templ\(n) = \"${jsonencode({a = \"}\"})} data \\\"external\\\"\"\n}\n"
        case 8: return "locals {\n  literal\(n) = \"$${data.external.x} %%{ if }\"\n}\n"
        case 9: return "data \"http\" \"web\(n)\" {\n  url = \"https://example.com\"\n}\n"
        case 10: return "resource \"null_resource\" \"n\(n)\" {\n  triggers = { a = \"b\" }\n  provisioner \"local-exec\" { command = \"echo\" }\n}\n"
        case 11: return "data external unquoted\(n) { program = [\"x\"] }\n"
        case 12: return "variable \"v\(n)\" {\n  default = {\n    x = [1, 2,\n      3]\n  }\n}\n"
        case 13: return "locals { map\(n) = { for k, v in {a = 1} : k => v } }\n"
        default: return "data \"external\" \"braces\(n)\" {\n  program = [\"python3\", \"${path.module}/x.py\"]\n  query = { a = \"}\" }\n}\n"
        }
    }

    /// Whether `terraform providers` accepts the configuration in `directory`, and whether it
    /// names the external provider.
    static func terraformSees(_ directory: URL) throws -> (accepted: Bool, external: Bool) {
        let (output, status) = try OracleProgram.run([terraform!, "-chdir=\(directory.path)", "providers", "-no-color"],
            environment: ["PATH": "/usr/bin:/bin", "HOME": directory.path, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1", "TF_CLI_CONFIG_FILE": "/dev/null"])
        return (status == 0, String(decoding: output, as: UTF8.self).contains("hashicorp/external"))
    }

    @Test("property: a source is found exactly when terraform finds one")
    func agreesWithTerraform() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("interlock-tf-oracle-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var accepted = 0
        var withSource = 0
        var index = 0
        await propertyCheck(count: 60, input: Gen.int(in: 0...14).array(of: 1...6)) { kinds in
            index += 1
            let directory = root.appendingPathComponent("c\(index)")
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let text = kinds.enumerated().map { Self.fragment($0.element, $0.offset) }.joined()
            try? text.write(to: directory.appendingPathComponent("main.tf"), atomically: true, encoding: .utf8)
            guard let seen = try? Self.terraformSees(directory) else {
                Issue.record("terraform did not run")
                return
            }
            guard seen.accepted else { return }
            accepted += 1
            if seen.external { withSource += 1 }
            let found = (try? TerraformConfiguration.declarations(hcl: text)).map { !$0.externalSources.isEmpty }
            #expect(found == seen.external, "terraform \(seen.external ? "finds" : "finds no") external source in:\n\(text)")
        }
        // The oracle must have judged real cases of both kinds.
        #expect(accepted >= 40, "terraform accepted only \(accepted) of 60 configurations")
        #expect(withSource >= 10 && accepted - withSource >= 5, "\(withSource) of \(accepted) accepted configurations declare a source")
    }
}
