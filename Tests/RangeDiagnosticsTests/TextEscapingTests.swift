import RangeDiagnostics
import Testing

/// `TextEscaping`: how every value rangectl did not write is shown in text output (issue 8, item 7).
@Suite struct TextEscapingTests {
    static let table: [(input: String, shown: String)] = [
        ("\u{1B}]0;pwned\u{07}", #"\e]0;pwned\a"#),
        ("a\rb", #"a\rb"#),
        ("a\nb", #"a\nb"#),
        ("a\tb", #"a\tb"#),
        ("a\0b", #"a\0b"#),
        ("\u{1}\u{1F}", #"\u{01}\u{1F}"#),
        ("del\u{7F}", #"del\u{7F}"#),
        ("c1\u{85}\u{9B}2J", #"c1\u{85}\u{9B}2J"#),
        ("\u{80}\u{9F}", #"\u{80}\u{9F}"#),
        ("evil\u{202E}gpj.exe", #"evil\u{202E}gpj.exe"#),
        ("\u{202A}\u{202B}\u{202C}\u{202D}", #"\u{202A}\u{202B}\u{202C}\u{202D}"#),
        ("\u{2066}a\u{2067}b\u{2068}c\u{2069}", #"\u{2066}a\u{2067}b\u{2068}c\u{2069}"#),
        ("\u{200E}\u{200F}\u{061C}", #"\u{200E}\u{200F}\u{61C}"#),
        // A backslash is doubled only where something is escaped, so the escaped form reads back exactly.
        (#"C:\new"# + "\u{1B}", #"C:\\new\e"#),
        (#"\e"# + "\u{1B}", #"\\e\e"#),
        // Nothing to escape: as it is.
        (#"C:\temp\new"#, #"C:\temp\new"#),
        ("café 日本 👩‍💻 ü\u{A0}x", "café 日本 👩‍💻 ü\u{A0}x"),
        ("\u{2010}\u{2029}\u{206A}\u{2030}\u{0600}", "\u{2010}\u{2029}\u{206A}\u{2030}\u{0600}"),
        ("", ""),
    ]

    @Test(arguments: table)
    func showsEveryControlAsAVisibleEscape(_ row: (input: String, shown: String)) {
        #expect(TextEscaping.visible(row.input) == row.shown)
        #expect(TextEscaping.visible(row.shown) == row.shown, "escaping again changes nothing")
        #expect(Self.readBack(row.shown) == row.input || row.shown == row.input)
    }

    /// The one test of what is escaped is exactly Unicode's controls (Cc) and bidi controls.
    @Test func escapesExactlyTheControlsAndBidiControls() {
        for value in UInt32(0)...0x2_FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let expected = scalar.properties.generalCategory == .control || scalar.properties.isBidiControl
            if TextEscaping.isEscaped(scalar) != expected {
                Issue.record("U+\(String(value, radix: 16, uppercase: true)): escaped \(!expected)")
                return
            }
        }
    }

    /// Long text is scanned eight bytes at a time: an escaped character is found at any offset,
    /// across a word boundary too, and a clean character straddling one is left alone.
    @Test func findsAnEscapedCharacterAtEveryOffset() {
        for (c, shown) in [("\u{1B}", #"\e"#), ("\u{7F}", #"\u{7F}"#), ("\u{9B}", #"\u{9B}"#), ("\u{202E}", #"\u{202E}"#), ("\u{2069}", #"\u{2069}"#), ("\n", #"\n"#)] {
            for offset in 0...20 {
                let pad = String(repeating: "x", count: offset)
                #expect(TextEscaping.visible(pad + c + "yyyyyyyyyyyy") == pad + shown + "yyyyyyyyyyyy", "\(shown) at \(offset)")
            }
        }
        for offset in 0...20 {
            let clean = String(repeating: "x", count: offset) + "é日👩‍💻\u{2030}" + String(repeating: "y", count: 9)
            #expect(TextEscaping.visible(clean) == clean)
            #expect(TextEscaping.visibleLines(clean + "\n" + clean) == clean + "\n" + clean)
        }
    }

    @Test func textWithNothingToEscapeIsReturnedWithoutACopy() {
        let text = String(repeating: #"C:\Users\é 日本 "#, count: 40)
        let shown = TextEscaping.visible(text)
        let a = text.utf8.withContiguousStorageIfAvailable { $0.baseAddress }
        let b = shown.utf8.withContiguousStorageIfAvailable { $0.baseAddress }
        #expect(shown == text)
        #expect(a != nil && a == b)
    }

    @Test func linesKeepTheirBreaksAndEscapeTheRest() {
        #expect(TextEscaping.visibleLines("one\ntwo\n") == "one\ntwo\n")
        #expect(TextEscaping.visibleLines("a\u{1B}[2J\n\\ b\r\n\n") == "a\\e[2J\n\\\\ b\\r\n\n")
    }

    @Test func readsBackExactlyWhateverTheMixture() {
        var g = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", "\\", "e", "n", "u", "{", "}", "\u{1B}", "\u{7}", "\r", "\n", "\0", "\u{7F}", "\u{85}", "\u{202E}", "é", "日"]
        for _ in 0..<500 {
            let s = String((0..<Int.random(in: 0...12, using: &g)).map { _ in alphabet.randomElement(using: &g)! })
            let shown = TextEscaping.visible(s)
            #expect(!shown.unicodeScalars.contains { TextEscaping.isEscaped($0) }, "\(s.debugDescription)")
            if shown != s { #expect(Self.readBack(shown) == s, "\(s.debugDescription) shown as \(shown)") }
        }
    }

    /// The scheme documented on `TextEscaping`, read back (for an escaped string only).
    static func readBack(_ shown: String) -> String? {
        var out = "", it = Array(shown.unicodeScalars)[...]
        while let c = it.popFirst() {
            guard c == "\\" else { out.unicodeScalars.append(c); continue }
            switch it.popFirst() {
            case "\\": out += "\\"
            case "0": out += "\0"
            case "a": out += "\u{7}"
            case "t": out += "\t"
            case "n": out += "\n"
            case "r": out += "\r"
            case "e": out += "\u{1B}"
            case "u":
                guard it.popFirst() == "{", let close = it.firstIndex(of: "}"),
                      let v = UInt32(String(String.UnicodeScalarView(it[..<close])), radix: 16), let s = Unicode.Scalar(v) else { return nil }
                out.unicodeScalars.append(s)
                it = it[(close + 1)...]
            default: return nil
            }
        }
        return out
    }
}
