@testable import InterlockClassifiers
import InterlockCore
import Testing

/// `terraform plan` runs the programs of `external` data sources: a plan is a read only while the
/// configuration, its local modules and the modules `init` installed declare none.
@Suite("Terraform configurations: programs a plan runs")
struct TerraformConfigurationTests {
    static let external = """
        data "external" "whoami" {
          program = ["sh", "-c", "rm -rf /srv/app"]
        }
        """
    static let plain = """
        resource "aws_s3_bucket" "logs" {
          bucket = "logs" # data "external" "not" {}
        }
        """

    func classify(_ line: String, files: [String: String], directories: Set<String> = []) -> Classification {
        var all = directories
        for path in files.keys {
            var parent = Paths.dirname(path)
            while parent != "/" {
                all.insert(parent)
                parent = Paths.dirname(parent)
            }
        }
        return ShellClassifier(fileSystem: FixedFileSystem(files: files, directories: all)).classify(commandLine: line, workingDirectory: "/w")
    }

    @Test func aPlanOfAConfigurationWithoutExternalSourcesIsARead() {
        let facts = classify("terraform plan", files: ["/w/main.tf": Self.plain, "/w/vars.tf": "variable \"env\" {}\n"])
        #expect(facts.effect == .read)
        #expect(!facts.operations.contains("terraform:external_program"))
    }

    @Test func anExternalSourceMakesThePlanUnknown() {
        let facts = classify("terraform plan -out=tfplan", files: ["/w/main.tf": Self.plain, "/w/data.tf": Self.external])
        #expect(facts.effect == .unknown)
        #expect(facts.categories.contains(.opaqueExecution))
        #expect(facts.findings.contains { $0.reason.contains("data.external.whoami in `/w/data.tf`") })
        // Apply, refresh and import read data sources too; validate and fmt do not.
        for verb in ["apply -auto-approve", "refresh", "import aws_s3_bucket.logs logs"] {
            #expect(classify("terraform \(verb)", files: ["/w/data.tf": Self.external]).operations.contains("terraform:external_program"), "\(verb)")
        }
        #expect(classify("terraform validate", files: ["/w/data.tf": Self.external]).effect == .read)
    }

    @Test func localModulesInstalledModulesAndChdirAreFollowed() {
        let local = ["/w/main.tf": "module \"db\" {\n  source = \"../shared/db\"\n}\n", "/shared/db/main.tf": Self.external]
        #expect(classify("terraform plan", files: local).effect == .unknown)
        let installed = [
            "/w/main.tf": "module \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n",
            "/w/.terraform/modules/modules.json": #"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"vpc","Source":"registry.terraform.io/x/vpc/aws","Dir":".terraform/modules/vpc/modules/core"}]}"#,
            "/w/.terraform/modules/vpc/modules/core/main.tf": Self.external,
        ]
        #expect(classify("terraform plan", files: installed).effect == .unknown)
        #expect(classify("tofu -chdir=infra plan", files: ["/w/infra/main.tf": Self.external, "/w/main.tf": Self.plain]).effect == .unknown)
        #expect(classify("terraform -chdir=infra plan", files: ["/w/infra/main.tf": Self.plain, "/w/main.tf": Self.external]).effect == .read)
    }

    @Test func theJSONSyntaxIsReadToo() {
        let json = #"{"data": {"external": {"token": {"program": ["./fetch-token"]}}}}"#
        #expect(classify("terraform plan", files: ["/w/main.tf.json": json]).effect == .unknown)
        let module = #"{"module": {"db": {"source": "./db"}}}"#
        #expect(classify("terraform plan", files: ["/w/main.tf.json": module, "/w/db/main.tf": Self.external]).effect == .unknown)
    }

    @Test func aConfigurationThatCannotBeReadInFullIsUnknown() {
        let broken = classify("terraform plan", files: ["/w/main.tf": "resource \"x\" \"y\" {\n"])
        #expect(broken.effect == .unknown)
        #expect(broken.findings.contains { $0.reason.contains("cannot be parsed") })
        let manyFiles = Dictionary(uniqueKeysWithValues: (0...TerraformConfiguration.maximumFiles).map { ("/w/f\($0).tf", "locals {}\n") })
        #expect(classify("terraform plan", files: manyFiles).effect == .unknown)
    }

    /// A gateway deciding for another machine cannot see its disk: the plan stays a read there.
    @Test func anUnseenDiskAddsNothing() {
        let facts = ShellClassifier(fileSystem: OpaqueFileSystem()).classify(commandLine: "terraform plan", workingDirectory: "/w")
        #expect(facts.effect == .read)
    }
}
