import RangeDiagnostics
import Testing

struct SourceLocationTests {
    @Test func aSpanHasAStartAndAnExclusiveEnd() {
        let span = Location(file: "a.yaml", line: 3, column: 5, endLine: 4, endColumn: 1)
        #expect((span.line, span.column, span.endLine, span.endColumn) == (3, 5, 4, 1))
        #expect(!span.isPoint)
        #expect(Location(file: "a.yaml", line: 3, column: 5).isPoint)
        #expect(Location(file: "a.yaml", line: 3, column: 5) == Location(file: "a.yaml", line: 3, column: 5, endLine: 3, endColumn: 5))
    }

    @Test func anEndBeforeTheStartIsTheStart() {
        let backwards = Location(file: "a.yaml", line: 3, column: 5, endLine: 2, endColumn: 9)
        #expect(backwards == Location(file: "a.yaml", line: 3, column: 5))
        #expect(Location(file: "a.yaml", line: 3, column: 5, endLine: 3, endColumn: 4).isPoint)
    }

    @Test func locationsOrderByStartThenEnd() {
        #expect(at(1, 9, 1, 10) < at(2, 1, 2, 2))
        #expect(at(2, 1, 2, 2) < at(2, 1, 2, 5))
        #expect(at(2, 1, 2, 5).starts(before: at(2, 2)))
        #expect(!at(2, 1, 2, 5).starts(before: at(2, 1, 2, 2)))
    }

    /// Sorting by source moves nothing that starts at the same place, whatever its end: the
    /// order of existing output stays as it was before diagnostics had ends.
    @Test func diagnosticsStartingTogetherKeepTheirOrder() {
        let wide = Diagnostic.error(.typeMismatch, "first", at: at(4, 5, 9, 1))
        let narrow = Diagnostic.error(.missingField, "second", at: at(4, 5, 4, 6))
        let earlier = Diagnostic.error(.invalidIP, "earliest", at: at(2, 1, 2, 3))
        let nowhere = Diagnostic.error(.engineUnreachable, "last", at: nil)
        #expect([nowhere, wide, narrow, earlier].sortedBySource().map(\.message) == ["earliest", "first", "second", "last"])
    }

    @Test func jsonHasTheEndAndTheNotes() {
        let d = Diagnostic.error(.duplicateName, "dup", at: at(12, 11, 12, 14), notes: [DiagnosticNote("first defined here", at: at(4, 11, 4, 14))])
        #expect(d.json.serialized() == #"{"severity":"error","code":"duplicate-name","message":"dup","file":"lab.yaml","line":12,"column":11,"#
            + #""end":{"line":12,"column":14},"notes":[{"message":"first defined here","file":"lab.yaml","line":4,"column":11,"end":{"line":4,"column":14}}]}"#)
    }

    @Test func jsonWithoutNotesOrPlaceHasNeither() {
        #expect(Diagnostic.error(.invalidIP, "m", at: at(1, 2)).json.serialized()
            == #"{"severity":"error","code":"invalid-ip","message":"m","file":"lab.yaml","line":1,"column":2,"end":{"line":1,"column":2}}"#)
        #expect(Diagnostic.error(.engineUnreachable, "m", at: nil).json.serialized() == #"{"severity":"error","code":"engine-unreachable","message":"m"}"#)
    }
}

struct SourceTextTests {
    @Test func linesAreNumberedFromOneWithoutTheirBreaks() {
        let text = SourceText("a\nb\r\nc\rd\u{85}e\u{2028}f\u{2029}g\n")
        #expect((1...8).map { text.line($0) } == ["a", "b", "c", "d", "e", "f", "g", ""])
        #expect(text.lineCount == 8)
        #expect(text.line(0) == nil && text.line(9) == nil)
    }

    @Test func textWithoutAFinalBreakAndEmptyText() {
        #expect(SourceText("a: b").line(1) == "a: b")
        #expect(SourceText("a: b").lineCount == 1)
        #expect(SourceText("").line(1) == "")
    }

    @Test func bytesThatAreNotUTF8ShowAsReplacementCharacters() {
        #expect(SourceText([0x61, 0xFF, 0x62, 0x0A]).line(1) == "a\u{FFFD}b")
    }

    @Test func utf16BigEndianIsTranscoded() {
        let bytes: [UInt8] = [0xFE, 0xFF] + "é\nx".utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        #expect(SourceText(bytes).line(1) == "é" && SourceText(bytes).line(2) == "x")
    }
}
