import RangeDiagnostics
import Testing

/// The same characters in rendered diagnostics.
@Suite struct EscapedOutputTests {
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
