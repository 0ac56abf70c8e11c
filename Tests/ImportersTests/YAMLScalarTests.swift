@testable import Importers
import Manifest
import Testing

/// The scalar emitter: which style each string gets, and that every one reads back exactly
/// through the project's own YAML reader, as a value, a key and in a literal block.
struct YAMLScalarTests {
    /// Reads `doc` and returns the text of the root mapping's values in order.
    static func values(_ doc: String) -> [String]? {
        let composed = YAMLComposer(file: "t.yaml").compose(Array(doc.utf8))
        guard composed.diagnostics.isEmpty, case let .mapping(entries)? = composed.root?.kind else { return nil }
        return entries.map { $0.value.scalar?.text ?? "<not a scalar>" }
    }

    static func keys(_ doc: String) -> [String]? {
        let composed = YAMLComposer(file: "t.yaml").compose(Array(doc.utf8))
        guard composed.diagnostics.isEmpty, case let .mapping(entries)? = composed.root?.kind else { return nil }
        return entries.map { $0.key.scalar?.text ?? "<not a scalar>" }
    }

    /// Scalar values that read back as strings; quoted ones resolve as strings whatever their text.
    static func resolvesAsString(_ doc: String) -> Bool {
        let composed = YAMLComposer(file: "t.yaml").compose(Array(doc.utf8))
        guard case let .mapping(entries)? = composed.root?.kind else { return false }
        return entries.allSatisfy { $0.value.scalar?.value == .string }
    }

    @Test(arguments: [
        ("busybox:latest", "busybox:latest"),
        ("127.0.0.1:5000/cyroid/kali-attack:latest", "127.0.0.1:5000/cyroid/kali-attack:latest"),
        ("172.16.1.0/24", "172.16.1.0/24"),
        ("10.0.0.1", "10.0.0.1"),
        ("1.2.3", "1.2.3"),
        ("net.ipv4.ip_forward", "net.ipv4.ip_forward"),
        ("MYSQL_ROOT_PASSWORD", "MYSQL_ROOT_PASSWORD"),
        ("http://example.com/x", "http://example.com/x"),
        ("web-01", "web-01"),
        // Meaningful to YAML 1.2 or 1.1, so quoted.
        ("", "\"\""), ("null", "\"null\""), ("Null", "\"Null\""), ("~", "\"~\""), ("true", "\"true\""), ("False", "\"False\""),
        ("yes", "\"yes\""), ("on", "\"on\""), ("OFF", "\"OFF\""), ("y", "\"y\""), ("n", "\"n\""),
        ("1", "\"1\""), ("1.0", "\"1.0\""), ("010", "\"010\""), ("0x1F", "\"0x1F\""), ("1e5", "\"1e5\""), ("1_000", "\"1_000\""),
        ("2001-12-14", "\"2001-12-14\""), ("1:30", "\"1:30\""), (".inf", "\".inf\""), ("-1", "\"-1\""), ("=", "\"=\""),
        // Indicators, spaces, comments and colons.
        ("a b", "\"a b\""), ("a: b", "\"a: b\""), ("a #b", "\"a #b\""), ("#x", "\"#x\""), ("- x", "\"- x\""), ("key:", "\"key:\""),
        ("*alias", "\"*alias\""), ("&a", "\"&a\""), ("!tag", "\"!tag\""), ("%x", "\"%x\""), ("@x", "\"@x\""), ("`x", "\"`x\""),
        ("[a]", "\"[a]\""), ("{a}", "\"{a}\""), ("a,b", "\"a,b\""), ("'q'", "\"'q'\""), (" lead", "\" lead\""), ("trail ", "\"trail \""),
        ("---", "\"---\""), ("...", "\"...\""), ("<<", "\"<<\""), ("?x", "\"?x\""), ("|x", "\"|x\""), (">x", "\">x\""),
        // Escapes.
        ("say \"hi\"", #""say \"hi\"""#), (#"C:\temp"#, #""C:\\temp""#), ("a\nb", #""a\nb""#), ("tab\there", #""tab\there""#),
        ("\u{1B}]0;x\u{07}", #""\e]0;x\a""#), ("\u{0}", #""\0""#), ("\u{7F}", #""\x7F""#), ("\u{9B}", #""\x9B""#),
        ("\u{85}", #""\x85""#), ("\u{2028}", #""\L""#), ("\u{2029}", #""\P""#), ("\u{202E}evil", #""\u202Eevil""#),
        ("\u{FEFF}", #""\uFEFF""#), ("\r", #""\r""#),
        // Any other character as it is.
        ("café", "\"café\""), ("日本", "\"日本\""), ("👩‍💻", "\"👩‍💻\""),
    ])
    func inlineStyle(_ text: String, _ expected: String) {
        #expect(YAMLScalar.inline(text) == expected)
    }

    static let roundTrip: [String] = [
        "", " ", "plain", "a: b", "a #b", "x:", ":x", "- x", "? x", "'", "\"", "\\", "\\n", "null", "yes", "No", "1.0", "0o17",
        "2001-12-14T21:59:43.10-05:00", "=", "<<", "&a *a", "!!str", "%TAG", "a\tb", "\ttab first", "trailing\t", "new\nline",
        "two\n\nbreaks\n", "\n", "\n\n", "ends\n\n\n", "  indented\nfirst", "first\n  indented", "crlf\r\nline", "lone\rcr",
        "\u{0}\u{1}\u{7}\u{8}\u{B}\u{C}\u{1B}\u{1F}\u{7F}", "\u{80}\u{85}\u{9F}", "\u{A0}nbsp", "\u{2028}\u{2029}", "\u{FEFF}bom",
        "\u{200E}\u{200F}\u{202A}\u{202E}\u{2066}\u{2069}\u{061C}", "e\u{301}", "日本語", "🇫🇷👩‍💻", "\u{10FFFF}", "\u{FFFD}",
        "# not a comment", "a # b", "k: v\nk2: v2", "- item\n- item", "|\nliteral", ">\nfolded", "line with trailing space \nnext",
        "   \nblank first", "mid\n   \nblank", String(repeating: "x", count: 5000), "--- doc", "... end",
    ]

    @Test(arguments: roundTrip)
    func valueReadsBack(_ text: String) throws {
        let doc = "k: \(YAMLScalar.inline(text))\n"
        #expect(Self.values(doc) == [text], "\(doc)")
        #expect(Self.resolvesAsString(doc), "\(doc)")
    }

    @Test(arguments: roundTrip.filter { !$0.isEmpty })
    func keyReadsBack(_ text: String) throws {
        var lines = ManifestWriter.Lines()
        lines.pair(text, "v", indent: 0)
        let doc = lines.text
        #expect(Self.keys(doc) == [text], "\(doc)")
    }

    @Test(arguments: roundTrip)
    func literalBlockReadsBack(_ text: String) throws {
        guard let block = YAMLScalar.literal(text) else { return }
        let body = block.lines.map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
        let doc = "outer:\n  k: \(block.indicator)\n\(body)\n  next: 1\n"
        let composed = YAMLComposer(file: "t.yaml").compose(Array(doc.utf8))
        #expect(composed.diagnostics.isEmpty, "\(doc)")
        guard case let .mapping(top)? = composed.root?.kind, case let .mapping(inner) = top[0].value.kind else {
            Issue.record("not a mapping: \(doc)")
            return
        }
        #expect(inner.first?.value.scalar?.text == text, "\(doc)")
        #expect(inner.count == 2)
    }

    @Test func literalIsChosenOnlyForPrintableMultiLineText() {
        #expect(YAMLScalar.literal("one\ntwo\n")?.indicator == "|")
        #expect(YAMLScalar.literal("one\ntwo")?.indicator == "|-")
        #expect(YAMLScalar.literal("one\n\n")?.indicator == "|+")
        #expect(YAMLScalar.literal("one line") == nil)
        #expect(YAMLScalar.literal("tab\tin\nit") == nil)
        #expect(YAMLScalar.literal("esc\u{1B}\nx") == nil)
        #expect(YAMLScalar.literal(" lead\nx") == nil)
        #expect(YAMLScalar.literal("x\n   \ny") == nil)
        #expect(YAMLScalar.literal("\n") == nil)
    }

    /// Seeded random strings from an alphabet of every troublesome kind of character.
    @Test func randomStringsReadBack() {
        let alphabet: [String] = ["a", "Z", "0", "9", " ", ":", "#", "-", "?", "'", "\"", "\\", "\n", "\t", "\r", "\u{0}", "\u{1B}",
                                  "\u{7F}", "\u{85}", "\u{A0}", "\u{2028}", "\u{202E}", "\u{FEFF}", "é", "日", "🇫🇷", "[", "{", ",", "&", "*", "!", "|", ">", "%", "@", "`", ".", "/", "~"]
        var state: UInt64 = 0x5EED
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        for _ in 0..<2000 {
            let text = (0..<(next() % 12)).map { _ in alphabet[next() % alphabet.count] }.joined()
            let doc = "k: \(YAMLScalar.inline(text))\n"
            #expect(Self.values(doc) == [text], "\(doc.debugDescription)")
        }
    }

    @Test func commentTextIsOneSafeLine() {
        #expect(YAMLScalar.commentText("plain text: fine # really") == "plain text: fine # really")
        #expect(YAMLScalar.commentText("two\nlines") == #"two\nlines"#)
        #expect(YAMLScalar.commentText("\u{1B}[31mred") == #"\e[31mred"#)
        #expect(YAMLScalar.commentText("\u{2028}") == #"\L"#)
    }
}
