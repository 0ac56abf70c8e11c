import RangeDiagnostics
import Testing

/// The same characters in JSON and in rendered diagnostics (the text plan's: PlanTests' PlanTextTests).
@Suite struct EscapedOutputTests {
    @Test func jsonEscapesControlsDelC1AndBidiAndDecodesToTheSameString() {
        let value = "\u{1B}]0;pwned\u{07}\r\0\u{7F}\u{85}\u{9B}\u{202E}\u{2066}\u{061C}\u{200F} é 日本 👩‍💻 \\ \""
        let text = JSONValue.array([.string(value)]).serialized()
        #expect(text == #"["\u001b]0;pwned\u0007\r\u0000\u007f\u0085\u009b\u202e\u2066\u061c\u200f é 日本 👩‍💻 \\ \""]"#)
        #expect(JSONValue.parse(text) == .array([.string(value)]))
        #expect(JSONValue.parse(JSONValue.object([(value, .string(value))]).serialized(pretty: true)) == .object([(value, .string(value))]))
    }

    @Test(arguments: [false, true])
    func diagnosticsEscapeFileAndMessageBeforeTheirColour(_ colour: Bool) {
        let d = Diagnostic.error(.invalidIP, "'\u{1B}]0;pwned\u{07}' is not an IPv4 address",
                                 at: SourceLocation(file: "lab\u{202E}lmay.yaml", line: 3, column: 9))
        var text = DiagnosticRenderer(colour: colour).render([d])
        #expect(text.contains(#"lab\u{202E}lmay.yaml:3:9: "#))
        #expect(text.contains(#"'\e]0;pwned\a' is not an IPv4 address [invalid-ip]"#))
        if colour {
            #expect(text.contains("\u{1B}[1;31merror:\u{1B}[0m "))
            text = text.replacingOccurrences(of: "\u{1B}[1;31m", with: "").replacingOccurrences(of: "\u{1B}[0m", with: "")
        }
        #expect(text.hasSuffix("\n"))
        #expect(!text.dropLast().unicodeScalars.contains { $0.properties.generalCategory == .control || $0.properties.isBidiControl })
    }
}
