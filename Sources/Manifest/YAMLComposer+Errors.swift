import CYaml
import RangeDiagnostics

/// libyaml's syntax errors as located diagnostics: where the problem is, and where what it
/// interrupted started.
extension YAMLComposer {
    /// libyaml's error, at its reported position (reader errors give only a byte offset); where
    /// what it was reading started elsewhere, a note points there.
    func syntaxError(_ parser: yaml_parser_t, bytes: UnsafeBufferPointer<UInt8>) -> Diagnostic {
        var message = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        var notes: [DiagnosticNote] = []
        if let context = parser.context.map({ String(cString: $0) }) {
            message += " " + context
            if parser.context_mark.line != parser.problem_mark.line || parser.context_mark.column != parser.problem_mark.column {
                message += " (started at line \(parser.context_mark.line + 1), column \(parser.context_mark.column + 1))"
                let start = Mark(line: Int(parser.context_mark.line) + 1, column: Int(parser.context_mark.column) + 1)
                notes.append(DiagnosticNote(Self.startedHere(context), at: location(start)))
            }
        }
        if parser.error == YAML_READER_ERROR {
            if parser.problem_value != -1 {
                let hex = String(UInt8(truncatingIfNeeded: parser.problem_value), radix: 16)
                message += " (byte 0x\(hex.count == 1 ? "0" + hex : hex))"
            }
            return .error(.yamlSyntax, message, at: location(Self.mark(ofOffset: Int(parser.problem_offset), in: bytes)))
        }
        let mark = Mark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
        return .error(.yamlSyntax, message, at: location(mark), notes: notes)
    }

    /// The note at the start of what libyaml was reading: its context "while parsing a flow
    /// mapping" gives "the flow mapping started here".
    static func startedHere(_ context: String) -> String {
        let words = context.split(separator: " ", maxSplits: 3).map(String.init)
        guard words.count == 4, words[0] == "while", words[2] == "a" || words[2] == "an" else { return context + ": started here" }
        return "the \(words[3]) started here"
    }

    /// Line and character column of a byte offset (UTF-8 continuation bytes do not count).
    static func mark(ofOffset offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Mark {
        var line = 1
        var column = 1
        for byte in bytes.prefix(max(0, min(offset, bytes.count))) {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return Mark(line: line, column: column)
    }
}
