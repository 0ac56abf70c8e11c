@testable import Manifest
import RangeDiagnostics
import Testing

/// `start-end` of a span, as `line:column-line:column`.
func span(_ loc: RangeDiagnostics.SourceLocation?) -> String {
    guard let loc else { return "nowhere" }
    return "\(loc.line):\(loc.column)-\(loc.endLine):\(loc.endColumn)"
}

/// Every node of a document in document order (a mapping's key before its value), as
/// `text@span` for scalars and `{}@span` / `[]@span` for collections.
func nodeSpans(_ text: String) -> [String] {
    guard let root = compose(text).root else { return ["no root"] }
    var out: [String] = []
    func walk(_ n: Node) {
        let where_ = "\(n.start.line):\(n.start.column)-\(n.end.line):\(n.end.column)"
        switch n.kind {
        case let .scalar(s): out.append("\(s.text)@\(where_)")
        case let .sequence(items):
            out.append("[]@\(where_)")
            items.forEach(walk)
        case let .mapping(entries):
            out.append("{}@\(where_)")
            for e in entries {
                walk(e.key)
                walk(e.value)
            }
        }
    }
    walk(root)
    return out
}

/// The diagnostics of reading `text` as a manifest, as `code@span`, each note after its
/// diagnostic as `  note@span: message`.
func diagnosticSpans(_ text: String) -> [String] {
    ManifestReader.read(Array(text.utf8), file: "t.yaml").1.flatMap { d in
        ["\(d.code.rawValue)@\(span(d.location))"] + d.notes.map { "  note@\(span($0.location)): \($0.message)" }
    }
}

/// Where each node ends, from libyaml's end marks: the position just after its last character.
struct SpanTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var spans: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "plain key and value", text: "name: lab\n", spans: ["{}@1:1-2:1", "name@1:1-1:5", "lab@1:7-1:10"]),
        Case(name: "a double-quoted value includes its quotes", text: "name: \"lab\"\n", spans: ["{}@1:1-2:1", "name@1:1-1:5", "lab@1:7-1:12"]),
        Case(name: "a single-quoted value with an escaped quote", text: "name: 'l''b'\n", spans: ["{}@1:1-2:1", "name@1:1-1:5", "l'b@1:7-1:13"]),
        Case(name: "a quoted key", text: "\"name\": x\n", spans: ["{}@1:1-2:1", "name@1:1-1:7", "x@1:9-1:10"]),
        Case(name: "a flow sequence from its bracket to after the closing one", text: "a: [x, yy]\n",
             spans: ["{}@1:1-2:1", "a@1:1-1:2", "[]@1:4-1:11", "x@1:5-1:6", "yy@1:8-1:10"]),
        Case(name: "a flow mapping in a block sequence", text: "- {k: v}\n- w\n",
             spans: ["[]@1:1-3:1", "{}@1:3-1:9", "k@1:4-1:5", "v@1:7-1:8", "w@2:3-2:4"]),
        Case(name: "a block mapping nested in a block sequence", text: "- name: a\n  subnet: b\n",
             spans: ["[]@1:1-3:1", "{}@1:3-3:1", "name@1:3-1:7", "a@1:9-1:10", "subnet@2:3-2:9", "b@2:11-2:12"]),
        Case(name: "a literal block scalar runs over its lines", text: "a: |\n  x\n  y\nb: c\n",
             spans: ["{}@1:1-5:1", "a@1:1-1:2", "x\ny\n@1:4-4:1", "b@4:1-4:2", "c@4:4-4:5"]),
        Case(name: "a plain scalar over two lines", text: "a: x\n  y\n", spans: ["{}@1:1-3:1", "a@1:1-1:2", "x y@1:4-2:4"]),
        Case(name: "columns count characters, not bytes", text: "é: 日本\n", spans: ["{}@1:1-2:1", "é@1:1-1:2", "日本@1:4-1:6"]),
        Case(name: "an alias spans the alias, not the anchored value", text: "a: &x [1]\nb: *x\n",
             spans: ["{}@1:1-3:1", "a@1:1-1:2", "[]@1:4-1:10", "1@1:8-1:9", "b@2:1-2:2", "[]@2:4-2:6", "1@1:8-1:9"]),
        Case(name: "JSON", text: "{\"a\": [1, \"b\"],\n \"c\": {}}\n",
             spans: ["{}@1:1-2:10", "a@1:2-1:5", "[]@1:7-1:15", "1@1:8-1:9", "b@1:11-1:14", "c@2:2-2:5", "{}@2:7-2:9"]),
        // libyaml ends the stream as if a line break followed the last line.
        Case(name: "without a final line break", text: "a: b", spans: ["{}@1:1-2:1", "a@1:1-1:2", "b@1:4-1:5"]),
    ]

    @Test(arguments: cases)
    func nodeEnds(_ c: Case) {
        #expect(nodeSpans(c.text) == c.spans)
    }
}

/// The span each diagnostic of reading a manifest points at, and its notes.
struct DiagnosticSpanTests {
    typealias Case = SpanTests.Case
    static let base = "version: 1\nname: t\n"

    static let cases: [Case] = [
        Case(name: "unknown-field: the key", text: base + "networks: []\nvms: []\nnetwork: []\n", spans: ["unknown-field@5:1-5:8"]),
        Case(name: "invalid-name: the value", text: "version: 1\nname: Lab\nnetworks: []\nvms: []\n", spans: ["invalid-name@2:7-2:10"]),
        Case(name: "type-mismatch: the quoted value with its quotes", text: base + "networks: []\nvms:\n  - {hostname: a, image: b, networks: [a], cpu: \"2\"}\n",
             spans: ["type-mismatch@5:49-5:52"]),
        Case(name: "out-of-range: the value", text: base + "networks: []\nvms:\n  - {hostname: h, image: b, networks: [a], ram_mb: 100}\n",
             spans: ["out-of-range@5:52-5:55"]),
        Case(name: "missing-field: the whole flow mapping", text: base + "networks:\n  - {name: a}\nvms: []\n", spans: ["missing-field@4:5-4:14"]),
        Case(name: "type-mismatch: a block list where a mapping belongs", text: base + "networks: []\nvms: []\nlabels:\n  - a\n",
             spans: ["type-mismatch@6:3-7:1"]),
        Case(name: "unsupported-version: the value", text: "version: 22\nname: t\nnetworks: []\nvms: []\n", spans: ["unsupported-version@1:10-1:12"]),
        Case(name: "duplicate-key: the repeated key, a note at the first", text: base + "networks: []\nvms: []\nname: u\n",
             spans: ["duplicate-key@5:1-5:5", "  note@2:1-2:5: first given here"]),
        Case(name: "duplicate-key in a mapping of more than 16 keys", text: base + "networks: []\nvms: []\nlabels:\n"
             + (1...20).map { "  k\($0): v\n" }.joined() + "  k3: w\n",
             spans: ["duplicate-key@26:3-26:5", "  note@8:3-8:5: first given here"]),
        Case(name: "conflicting-fields: the later key, a note at the other", text: base + "networks: []\nvms:\n  - hostname: h\n    image: b\n    network: a\n    networks: [a]\n",
             spans: ["conflicting-fields@8:5-8:13", "  note@7:5-7:12: 'network' is given here"]),
        Case(name: "yaml-syntax: libyaml's point, a note where the flow mapping started", text: base + "networks: [{name: a,\n  subnet: x\nvms: []\n",
             spans: ["yaml-syntax@5:4-5:4", "  note@3:12-3:12: the flow mapping started here"]),
        Case(name: "yaml-limit: the alias that went past the limit", text: "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
             + (1...9).map { "a\($0): &a\($0) [" + Array(repeating: "*a\($0 - 1)", count: 10).joined(separator: ", ") + "]\n" }.joined(),
             spans: ["yaml-limit@5:45-5:48"]),
    ]

    @Test(arguments: cases)
    func diagnosticsSpanWhatTheyAreAbout(_ c: Case) {
        #expect(diagnosticSpans(c.text) == c.spans)
    }

    @Test func startedHereNamesWhatLibyamlWasReading() {
        #expect(YAMLComposer.startedHere("while parsing a flow mapping") == "the flow mapping started here")
        #expect(YAMLComposer.startedHere("while scanning an anchor") == "the anchor started here")
        #expect(YAMLComposer.startedHere("somewhere else") == "somewhere else: started here")
    }
}

/// The renderer finds a diagnostic's line in the file's text: its line breaks must be the parser's.
struct SourceLineTests {
    @Test(arguments: ["\n", "\r\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"])
    func sourceTextSplitsLinesWhereLibyamlDoes(_ lineBreak: String) {
        let text = ["version: 1", "name: t", "# a comment", "networks: []", "vms: []", "bogus: 1", ""].joined(separator: lineBreak)
        let diagnostics = ManifestReader.read(Array(text.utf8), file: "t.yaml").1
        #expect(diagnostics.map(\.code) == [.unknownField])
        let line = diagnostics.first.flatMap { SourceText(text).line($0.location!.line) }
        #expect(line == "bogus: 1")
    }

    @Test func aByteOrderMarkIsNotPartOfTheFirstLine() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("bogus: 1\nversion: 1\nname: t\nnetworks: []\nvms: []\n".utf8)
        let d = ManifestReader.read(bytes, file: "t.yaml").1
        #expect(d.map { span($0.location) } == ["1:1-1:6"])
        #expect(SourceText(bytes).line(1) == "bogus: 1")
    }

    @Test func utf16TextIsShownTranscoded() {
        let text = "version: 1\nname: t\nnetworks: []\nvms: []\nbögus: 1\n"
        let bytes: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let d = ManifestReader.read(bytes, file: "t.yaml").1
        #expect(d.map { span($0.location) } == ["5:1-5:6"])
        #expect(SourceText(bytes).line(5) == "bögus: 1")
    }
}
