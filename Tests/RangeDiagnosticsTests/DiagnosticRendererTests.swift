import RangeDiagnostics
import Testing

typealias Location = RangeDiagnostics.SourceLocation

/// A span of `lab.yaml`; the end defaults to a point.
func at(_ line: Int, _ column: Int, _ endLine: Int? = nil, _ endColumn: Int? = nil) -> Location {
    Location(file: "lab.yaml", line: line, column: column, endLine: endLine ?? line, endColumn: endColumn ?? column)
}

/// Renders with `text` as the source of `lab.yaml`.
func rendered(_ ds: [Diagnostic], _ text: String, colour: Bool = false) -> String {
    DiagnosticRenderer(colour: colour, sources: [FileID("lab.yaml"): SourceText(text)]).render(ds)
}

/// The source and caret lines of an error on line 1 of `text` over `column..<endColumn` (to the
/// end of the line when `endLine` is later), without the gutter.
func snippet(_ text: String, _ column: Int, _ endLine: Int = 1, _ endColumn: Int) -> [String] {
    let out = rendered([.error(.invalidName, "m", at: at(1, column, endLine, endColumn))], text)
    let lines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard lines.count == 4, lines[3].isEmpty else { return ["unexpected: \(out)"] }
    return lines[1...2].map { String($0.dropFirst("    1 | ".count)) }
}

struct DiagnosticRendererTests {
    static let lab = """
        version: 1
        name: lab
        networks:
          - name: dmz
            subnet: 10.0.1.0/24
          - name: corp
            subnet: 10.0.2.0/24
        vms:
          - hostname: web
            image: nginx:1.27
            networks: [dmz]
          - name: dmz

        """

    static let duplicate = Diagnostic.error(.duplicateName, "network 'dmz' is already defined at line 4", at: at(12, 11, 12, 14),
                                            notes: [DiagnosticNote("first defined here", at: at(4, 11, 4, 14))])

    @Test func withoutTheSourceEachDiagnosticAndNoteIsOneLine() {
        #expect(DiagnosticRenderer(colour: false).render([Self.duplicate]) == """
            lab.yaml:12:11: error: network 'dmz' is already defined at line 4 [duplicate-name]
            lab.yaml:4:11: note: first defined here

            """)
        let unlocated = Diagnostic.error(.engineUnreachable, "no engine", at: nil)
        #expect(DiagnosticRenderer(colour: false).render([unlocated]) == "rangectl: error: no engine [engine-unreachable]\n")
    }

    @Test func theSourceLineAndACaretUnderTheSpanAfterTheDiagnosticAndEachNote() {
        #expect(rendered([Self.duplicate], Self.lab) == """
            lab.yaml:12:11: error: network 'dmz' is already defined at line 4 [duplicate-name]
               12 |   - name: dmz
                  |           ^~~
            lab.yaml:4:11: note: first defined here
                4 |   - name: dmz
                  |           ^~~

            """)
    }

    @Test func aFileWithoutItsTextOrALineItDoesNotHaveGetsNoSourceLine() {
        let elsewhere = Diagnostic.error(.invalidIP, "m", at: Location(file: "other.yaml", line: 1, column: 1, endLine: 1, endColumn: 2))
        let pastTheEnd = Diagnostic.error(.invalidIP, "m", at: at(99, 1))
        #expect(rendered([elsewhere, pastTheEnd], "a: b\n") == "other.yaml:1:1: error: m [invalid-ip]\nlab.yaml:99:1: error: m [invalid-ip]\n")
    }

    @Test func aPointGetsOneCaret() {
        #expect(snippet("name: [a, b", 12, 1, 12) == ["name: [a, b", "           ^"])
        #expect(snippet("name: x", 1, 1, 1) == ["name: x", "^"])
    }

    @Test func aSpanOverSeveralLinesIsMarkedToTheEndOfItsFirstWithoutTrailingBlanks() {
        #expect(snippet("env: |   \n  x\n", 6, 3, 1) == ["env: |   ", "     ^"])
        #expect(snippet("- name: a  \n  subnet: b\n", 3, 3, 1) == ["- name: a  ", "  ^~~~~~~"])
    }

    @Test func tabsAreExpandedToFourSpacesAndTheCaretFollows() {
        #expect(snippet("a:\tvalue\t# x", 4, 1, 9) == ["a:    value    # x", "      ^~~~~"])
        #expect(snippet("\t\tx", 3, 1, 4) == ["        x", "        ^"])
    }

    @Test func wideCharactersTakeTwoColumns() {
        #expect(snippet("name: 日本 x", 10, 1, 11) == ["name: 日本 x", "           ^"])
        #expect(snippet("name: 日本 x", 7, 1, 9) == ["name: 日本 x", "      ^~~~"])
        #expect(snippet("ｗｅｂ: x", 6, 1, 7) == ["ｗｅｂ: x", "        ^"])
        #expect(snippet("a: 🚀 x", 6, 1, 7) == ["a: 🚀 x", "      ^"])
    }

    @Test func combinedCharactersTakeTheColumnsOfTheirFirstScalar() {
        // e + COMBINING ACUTE ACCENT: two columns in the location, one on the screen.
        #expect(snippet("a: e\u{301}x y", 8, 1, 9) == ["a: e\u{301}x y", "      ^"])
        #expect(snippet("a: e\u{301}x y", 6, 1, 7) == ["a: e\u{301}x y", "    ^"])
        #expect(snippet("a: e\u{301}x y", 4, 1, 6) == ["a: e\u{301}x y", "   ^"])
        // An emoji sequence joined by ZWJ, a flag and an emoji by VS16 are two columns each.
        #expect(snippet("a: 👩\u{200D}💻 x", 8, 1, 9) == ["a: 👩\u{200D}💻 x", "      ^"])
        #expect(snippet("a: 🇫🇷 x", 7, 1, 8) == ["a: 🇫🇷 x", "      ^"])
        #expect(snippet("a: \u{2764}\u{FE0F} x", 7, 1, 8) == ["a: \u{2764}\u{FE0F} x", "      ^"])
        // Precomposed é is one scalar, one column.
        #expect(snippet("é: x", 4, 1, 5) == ["é: x", "   ^"])
    }

    @Test func controlCharactersAreShownEscapedAndTheCaretCountsTheEscapes() {
        // ESC is shown as \e (two columns), and then a backslash as \\ (two columns).
        #expect(snippet("a: \"\u{1B}]0;x\u{07}\" \\ y", 15, 1, 16) == [#"a: "\e]0;x\a" \\ y"#, "                 ^"])
        #expect(snippet("a: \u{202E}ab c", 8, 1, 9) == [#"a: \u{202E}ab c"#, "              ^"])
        #expect(snippet("a: \u{9B}x", 4, 1, 6) == [#"a: \u{9B}x"#, "   ^~~~~~~"])
        // With nothing escaped, a backslash is itself.
        #expect(snippet(#"path: C:\temp x"#, 15, 1, 16) == [#"path: C:\temp x"#, "              ^"])
    }

    @Test func noControlCharacterOfTheFileReachesTheOutput() {
        let text = "a: \"\u{1B}[2J\u{07}\r\u{0}\u{7F}\u{85}\u{9B}\u{202E}\u{2066}\u{061C}\u{200F}\" x\n"
        let out = rendered([.error(.invalidIP, "m", at: at(1, 4, 1, 20))], text)
        #expect(!out.dropLast().unicodeScalars.contains { $0 != "\n" && TextEscaping.isEscaped($0) })
    }

    @Test func theGutterIsAsWideAsTheLongestLineNumberOfADiagnosticAndItsNotes() {
        let text = String(repeating: "x: y\n", count: 123_456)
        let d = Diagnostic.error(.duplicateKey, "m", at: at(123_456, 1, 123_456, 2), notes: [DiagnosticNote("first given here", at: at(7, 1, 7, 2))])
        #expect(rendered([d], text) == """
            lab.yaml:123456:1: error: m [duplicate-key]
             123456 | x: y
                    | ^
            lab.yaml:7:1: note: first given here
                  7 | x: y
                    | ^

            """)
    }

    @Test func anEmptyLineIsShownWithoutTrailingBlanks() {
        #expect(rendered([.error(.yamlSyntax, "m", at: at(2, 1))], "a: b\n\nc\n") == "lab.yaml:2:1: error: m [yaml-syntax]\n    2 |\n      | ^\n")
    }

    @Test func colourTintsTheLabelsGutterAndCaretNeverTheSource() {
        let out = rendered([Self.duplicate], Self.lab, colour: true)
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines[0] == "lab.yaml:12:11: \u{1B}[1;31merror:\u{1B}[0m network 'dmz' is already defined at line 4 [duplicate-name]")
        #expect(lines[1] == "\u{1B}[1;34m   12 |\u{1B}[0m   - name: dmz")
        #expect(lines[2] == "\u{1B}[1;34m      |\u{1B}[0m           \u{1B}[1;31m^~~\u{1B}[0m")
        #expect(lines[3] == "lab.yaml:4:11: \u{1B}[1;36mnote:\u{1B}[0m first defined here")
        #expect(lines[5] == "\u{1B}[1;34m      |\u{1B}[0m           \u{1B}[1;36m^~~\u{1B}[0m")
        let warning = rendered([.warning(.nicOrder, "m", at: at(4, 11, 4, 14))], Self.lab, colour: true)
        #expect(warning.contains("\u{1B}[1;35mwarning:\u{1B}[0m m [nic-order]") && warning.contains("\u{1B}[1;35m^~~\u{1B}[0m"))
    }
}
