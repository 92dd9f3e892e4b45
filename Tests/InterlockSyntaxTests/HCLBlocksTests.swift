import InterlockSyntax
import PropertyBased
import Testing

@Suite("HCL block structure")
struct HCLBlocksTests {
    @Test func blocksLabelsAndStringAttributes() throws {
        let text = """
            terraform {
              required_version = ">= 1.5"
            }
            module "db" {
              source  = "./modules/db"
              count   = var.enabled ? 1 : 0
              tags    = { team = "data", env = "${var.env}" }
            }
            data "external" "who" {
              program = ["sh", "-c", "id"]
            }
            resource aws_s3_bucket logs { bucket = "logs" }
            """
        let blocks = try HCLBlocks.parse(text)
        #expect(blocks.map(\.type) == ["terraform", "module", "data", "resource"])
        #expect(blocks[0].strings == ["required_version": ">= 1.5"])
        #expect(blocks[1].labels == ["db"])
        #expect(blocks[1].strings == ["source": "./modules/db"], "expressions and templates are not strings")
        #expect(blocks[2].labels == ["external", "who"])
        #expect(blocks[3].labels == ["aws_s3_bucket", "logs"])
        #expect(blocks[3].strings == ["bucket": "logs"])
    }

    /// The words are only data here: in comments, strings, templates and heredocs.
    @Test func wordsInCommentsStringsAndHeredocsAreNotBlocks() throws {
        let text = """
            # data "external" "a" {}
            // data "external" "b" {}
            /* data "external" "c" {
            } */
            locals {
              note   = "data \\"external\\" \\"d\\" {}"
              script = <<-EOT
                data "external" "e" {
                  program = ["rm", "-rf", "/"]
                }
                EOT
              nested = "${jsonencode({ x = "data \\"external\\" {" })}"
              same   = var.a == "b"
            }
            """
        let blocks = try HCLBlocks.parse(text)
        #expect(blocks.map(\.type) == ["locals"])
        #expect(blocks[0].blocks.isEmpty)
        #expect(blocks[0].strings["note"] == "data \"external\" \"d\" {}")
        #expect(blocks[0].strings["script"] == nil)
    }

    @Test func nestedBlocksAndOneLineBlocks() throws {
        let blocks = try HCLBlocks.parse("""
            resource "aws_instance" "web" {
              lifecycle { prevent_destroy = true }
              provisioner "local-exec" {
                command = "echo hi"
              }
            }
            """)
        #expect(blocks.count == 1)
        #expect(blocks[0].blocks.map(\.type) == ["lifecycle", "provisioner"])
        #expect(blocks[0].blocks[1].labels == ["local-exec"])
        #expect(blocks[0].blocks[1].strings["command"] == "echo hi")
    }

    @Test(arguments: [
        ("module \"x\" {\n", "not closed"),
        ("a = \"open\n", "not closed on its line"),
        ("x = <<EOT\nbody\n", "heredoc"),
        ("/* never closed", "comment"),
        ("}", "unexpected"),
        ("a = (1\n", "not closed"),
        ("a = [1)\n", "unbalanced"),
        ("= 1\n", "expected an attribute or a block"),
    ])
    func malformedInputIsRefusedWithItsLine(_ input: String, _ message: String) {
        #expect(throws: HCLSyntaxError.self) { try HCLBlocks.parse(input) }
        do {
            _ = try HCLBlocks.parse(input)
        } catch {
            #expect(error.description.contains(message), "\(error)")
            #expect(error.line >= 1)
        }
    }

    /// Any text of HCL's significant characters is read or refused, never crashes.
    @Test("property: arbitrary input is parsed or refused")
    func arbitraryInputIsParsedOrRefused() async {
        let pieces = Gen.element(of: ["{", "}", "\"", "${", "%{", "$${", "<<EOT\n", "EOT\n", "<<-X\n", "#", "//", "/*", "*/", "\n", "=", "==", "(", ")", "[", "]", "a", "data", "\\", " ", "é"]).map { $0! }
        await propertyCheck(count: 3000, input: pieces.array(of: 0...40)) { parts in
            _ = try? HCLBlocks.parse(parts.joined())
        }
        let nestedTemplates = String(repeating: "\"${", count: 5_000)
        #expect(throws: HCLSyntaxError.self) { try HCLBlocks.parse("a = " + nestedTemplates) }
    }

    @Test func deepNestingIsRefusedNotFollowed() {
        let deep = String(repeating: "a {\n", count: 10_000) + String(repeating: "}\n", count: 10_000)
        #expect(throws: HCLSyntaxError.self) { try HCLBlocks.parse(deep) }
        let deepExpression = "a = " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
        #expect(throws: HCLSyntaxError.self) { try HCLBlocks.parse(deepExpression) }
    }

    /// Reference: a configuration generated as a tree and written out (with comments, blank
    /// lines and expressions in between) reads back as the same tree of blocks and strings.
    @Test("property: written blocks read back as the same structure")
    func writtenBlocksReadBack() async {
        let names = Gen.element(of: ["data", "module", "resource", "locals", "x-y", "a_1"]).map { $0! }
        let labels = Gen.element(of: ["external", "who", "a b", "", "data"]).map { $0! }
        let values = Gen.element(of: ["./m", "plain", "with \\\"quote\\\"", "data \\\"external\\\" {"]).map { $0! }
        let shapes = Gen.int(in: 0...5).array(of: 1...12)
        await propertyCheck(count: 300, input: shapes, names.array(of: 12), labels.array(of: 12), values.array(of: 12)) { shape, names, labels, values in
            var text = ""
            var expected: [HCLBlock] = []
            for (i, kind) in shape.enumerated() {
                let name = names[i]
                let label = labels[i]
                let value = values[i]
                let decoded = value.replacingEscapes()
                switch kind {
                case 0:
                    text += "\(name) \"\(label)\" {\n  source = \"\(value)\"\n}\n"
                    expected.append(HCLBlock(type: name, labels: [label], strings: ["source": decoded]))
                case 1:
                    text += "# \(name) \"\(label)\" {\n\(name) {\n  n = [1, 2,\n    3]\n}\n"
                    expected.append(HCLBlock(type: name))
                case 2:
                    text += "\(name) \"\(label)\" \"\(label)\" { inner { v = \"\(value)\" } }\n"
                    expected.append(HCLBlock(type: name, labels: [label, label], blocks: [HCLBlock(type: "inner", strings: ["v": decoded])]))
                case 3:
                    text += "\(name) {\n  doc = <<EOT\n\(name) \"\(label)\" {\nEOT\n  t = \"${x}\(value)\"\n}\n"
                    expected.append(HCLBlock(type: name))
                case 4:
                    text += "\n\n/* \(name) { */ \(name) \"\(label)\" {\n}\n"
                    expected.append(HCLBlock(type: name, labels: [label]))
                default:
                    text += "\(name) {\n  cond = a == \"\(value)\" ? {k = 1} : {}\n}\n"
                    expected.append(HCLBlock(type: name))
                }
            }
            #expect((try? HCLBlocks.parse(text)) == expected, "\(text)")
        }
    }
}

extension String {
    /// The generator's `\"` escapes, as the parser decodes them.
    fileprivate func replacingEscapes() -> String { replacing("\\\"", with: "\"") }
}
