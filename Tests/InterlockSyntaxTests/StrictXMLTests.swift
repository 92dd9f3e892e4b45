import Foundation
import FoundationXML
import InterlockSyntax
import PropertyBased
import Testing

@Suite struct StrictXMLTests {
    /// What botocore sends for a Route 53 change batch (Corpus/aws-traffic/route53-botocore.jsonl).
    static let batch = #"<ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Comment>DELETE later</Comment><Changes><Change><Action>CREATE</Action><ResourceRecordSet><Name>new.example.com.</Name><Type>A</Type></ResourceRecordSet></Change><Change><Action>DELETE</Action><ResourceRecordSet><Name>api.example.com.</Name></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>"#

    @Test func readsWhatTheSDKSends() throws {
        let document = try #require(StrictXML.parse("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + Self.batch))
        #expect(document.root.name == "ChangeResourceRecordSetsRequest")
        #expect(document.root.attributes["xmlns"] == "https://route53.amazonaws.com/doc/2013-04-01/")
        let changes = try #require(document.root.child("ChangeBatch")?.child("Changes")?.children("Change"))
        #expect(changes.map { $0.child("Action")?.text } == ["CREATE", "DELETE"])
        #expect(document.root.child("ChangeBatch")?.child("Comment")?.text == "DELETE later")
    }

    @Test func referencesAreDecodedAsAParserDecodesThem() throws {
        let document = try #require(StrictXML.parse("<a><b>DEL&#69;TE</b><c>&#x44;&amp;&lt;&gt;&quot;&apos;</c><d/><e x='1' y=\"&amp;\"></e></a>"))
        #expect(document.root.child("b")?.text == "DELETE")
        #expect(document.root.child("c")?.text == "D&<>\"'")
        #expect(document.root.child("d")?.children == [])
        #expect(document.root.child("e")?.attributes == ["x": "1", "y": "&"])
    }

    @Test("what a namespace-aware parser could read otherwise is refused", arguments: [
        "<a><x:Action xmlns:x='u'>DELETE</x:Action></a>", "<!DOCTYPE a [<!ENTITY d 'DELETE'>]><a>&d;</a>", "<a><![CDATA[DELETE]]></a>",
        "<a><!-- c --></a>", "<a><?pi x?></a>", "<a>&unknown;</a>", "<a>& </a>", "<a></b>", "<a>", "<a/><b/>", "text", "<a x='1' x='2'/>",
        "<a x='<'/>", "<a x=1/>", "<a><b></a></b>", "<a>&#0;</a>", "<a>&#xD800;</a>", "<?xml version='1.0'?><!DOCTYPE a><a/>", "<1a/>", "<a:b/>",
    ])
    func refused(_ text: String) {
        #expect(StrictXML.parse(text) == nil)
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40)
        #expect(StrictXML.parse(deep) == nil)
        let fine = String(repeating: "<a>", count: 20) + String(repeating: "</a>", count: 20)
        #expect(StrictXML.parse(fine) != nil)
    }

    // MARK: Against libxml2

    /// libxml2 (through FoundationXML, namespace-aware, as a service reads a body): the elements by
    /// local name, nested, with their text; nil when it refuses the document.
    final class Reference: NSObject, XMLParserDelegate {
        var events: [String] = []
        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            events.append("<" + elementName)
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if case let last? = events.last, last.hasPrefix("t:") { events[events.count - 1] += string } else { events.append("t:" + string) }
        }
        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) { events.append(">") }

        static func events(_ text: String) -> [String]? {
            let parser = XMLParser(data: Data(text.utf8))
            parser.shouldProcessNamespaces = true
            parser.shouldResolveExternalEntities = false
            let reference = Reference()
            parser.delegate = reference
            return parser.parse() ? reference.events : nil
        }
    }

    /// The element events of a `StrictXML` tree, in the reference's form.
    static func events(_ element: StrictXML.Element) -> [String] {
        var out = ["<" + element.name]
        for child in element.children { out += events(child) }
        out.append(">")
        return out
    }

    /// Documents from pieces a hostile agent would try, valid and not: whenever the strict parser
    /// reads one, libxml2 reads the same elements with the same text, and it never reads one that
    /// libxml2 refuses.
    @Test func neverReadsADocumentOtherwiseThanLibxml2() async {
        let piece = Gen.element(of: [
            "<Action>", "</Action>", "<Change>", "</Change>", "DELETE", "DEL&#69;TE", "&#x44;", "&amp;", "&lt;", "&d;", "<x:Action xmlns:x='u'>",
            "</x:Action>", "<![CDATA[DELETE]]>", "<!-- c -->", "<?pi?>", " ", "\n", "<e/>", "<e a='1'/>", "<e a=\"&quot;\"/>", "&", "<", ">", "'", "\"",
            "<Changes xmlns='https://route53.amazonaws.com/doc/2013-04-01/'>", "</Changes>", "UPSERT", "é", "&#128512;",
        ]).map { $0! }
        let body = piece.array(of: 0...10).map { $0.joined() }
        let prefix = Gen.element(of: ["", "<?xml version=\"1.0\"?>", "<!DOCTYPE r [<!ENTITY d \"DELETE\">]>", " "]).map { $0! }
        let document = zip(prefix, body).map { prefix, body in prefix + "<r>" + body + "</r>" }
        await propertyCheck(count: 3000, input: document) { text in
            guard let strict = StrictXML.parse(text) else { return }
            let reference = Reference.events(text)
            #expect(reference != nil, "libxml2 refuses \(text.debugDescription), which StrictXML read")
            guard let reference else { return }
            // Elements and their nesting agree …
            #expect(reference.filter { !$0.hasPrefix("t:") } == Self.events(strict.root), "\(text.debugDescription)")
            // … and so does every element's whole text.
            #expect(Self.texts(reference) == Self.texts(strict.root), "\(text.debugDescription)")
        }
    }

    /// Each element's text (its own runs joined), in document order of the elements.
    static func texts(_ events: [String]) -> [String] {
        var stack: [String] = []
        var finished: [(Int, String)] = []
        var order = 0
        var opened: [Int] = []
        for event in events {
            if event.hasPrefix("<") {
                stack.append("")
                opened.append(order)
                order += 1
            } else if event == ">" {
                finished.append((opened.removeLast(), stack.removeLast()))
            } else if !stack.isEmpty {
                stack[stack.count - 1] += event.dropFirst(2)
            }
        }
        return finished.sorted { $0.0 < $1.0 }.map(\.1)
    }

    static func texts(_ element: StrictXML.Element) -> [String] {
        [element.text] + element.children.flatMap { texts($0) }
    }
}
