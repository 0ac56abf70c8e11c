/// Renders diagnostics the way compilers do, `file:line:column: error: message [code]`, so editors
/// link them, each note after its diagnostic as `file:line:column: note: message`. Given the text of
/// a file, it also shows under each of these lines the source line and a caret under the span:
///
/// ```
/// lab.yaml:12:11: error: network 'dmz' is already defined at line 4 [duplicate-name]
///    12 |   - name: dmz
///       |           ^~~
/// lab.yaml:4:11: note: first defined here
///     4 |   - name: dmz
///       |           ^~~
/// ```
///
/// The line number is right-aligned in a gutter as wide as the longest of a diagnostic's line
/// numbers plus one (at least five); a span over several lines is marked to the end of its first.
/// The file name, message and source line are shown through `TextEscaping.visible` before any
/// colour is added: a rendered diagnostic holds no control character but the colour codes and
/// line ends it adds itself.
public struct DiagnosticRenderer: Sendable {
    public var colour: Bool
    /// The text of each file whose lines are shown; a file not in it gets no source lines.
    public var sources: [FileID: SourceText]

    public init(colour: Bool, sources: [FileID: SourceText] = [:]) {
        self.colour = colour
        self.sources = sources
    }

    /// The diagnostic, its source line and its notes, as lines without the last line end.
    public func render(_ d: Diagnostic) -> String {
        var lines: [String] = []
        let snippets = [d.location.flatMap(snippet)] + d.notes.map { snippet($0.location) }
        let digits = snippets.compactMap { $0.map { String($0.line).count } }.max() ?? 0
        let gutter = max(4, digits) + 1

        var header = d.location.map { place($0) } ?? "rangectl: "
        header += label(d.severity.rawValue, tint: d.severity == .error ? Self.red : Self.magenta)
        header += TextEscaping.visible(d.message) + " [\(d.code.rawValue)]"
        lines.append(header)
        if let s = snippets[0] { lines += show(s, gutter: gutter, tint: d.severity == .error ? Self.red : Self.magenta) }
        for (note, s) in zip(d.notes, snippets.dropFirst()) {
            lines.append(place(note.location) + label("note", tint: Self.cyan) + TextEscaping.visible(note.message))
            if let s { lines += show(s, gutter: gutter, tint: Self.cyan) }
        }
        return lines.joined(separator: "\n")
    }

    public func render(_ ds: [Diagnostic]) -> String {
        var out = ""
        for d in ds {
            out += render(d)
            out += "\n"
        }
        return out
    }

    private static let red = "\u{1B}[1;31m", magenta = "\u{1B}[1;35m", cyan = "\u{1B}[1;36m", blue = "\u{1B}[1;34m"
    private static let reset = "\u{1B}[0m"

    private func place(_ loc: SourceLocation) -> String {
        "\(TextEscaping.visible(loc.file)):\(loc.line):\(loc.column): "
    }

    private func label(_ word: String, tint: String) -> String {
        colour ? tint + word + ":" + Self.reset + " " : word + ": "
    }

    private func paint(_ text: String, _ tint: String) -> String {
        colour ? tint + text + Self.reset : text
    }

    /// The line a location starts on, when its file's text was given.
    private func snippet(_ loc: SourceLocation) -> (line: Int, snippet: SourceSnippet)? {
        guard let source = sources[loc.fileID], let text = source.line(loc.line) else { return nil }
        return (loc.line, SourceSnippet(line: text, column: loc.column, endColumn: loc.endLine == loc.line ? loc.endColumn : nil))
    }

    private func show(_ s: (line: Int, snippet: SourceSnippet), gutter: Int, tint: String) -> [String] {
        let number = String(s.line)
        let numbered = String(repeating: " ", count: gutter - number.count) + number
        let source = s.snippet.text.isEmpty ? paint(numbered + " |", Self.blue) : paint(numbered + " |", Self.blue) + " " + s.snippet.text
        let caret = String(repeating: " ", count: s.snippet.caretStart)
            + paint("^" + String(repeating: "~", count: s.snippet.caretWidth - 1), tint)
        return [source, paint(String(repeating: " ", count: gutter) + " |", Self.blue) + " " + caret]
    }
}

extension Diagnostic {
    /// The diagnostic as a JSON object with the field names of CLI.md, plus `end` (the position
    /// just after the span, `{"line":L,"column":C}`) beside `line` and `column`, and `notes` when
    /// there are any (each with `message`, `file`, `line`, `column` and `end`).
    public var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("severity", .string(severity.rawValue)),
            ("code", .string(code.rawValue)),
            ("message", .string(message)),
        ]
        if let loc = location { fields += Self.placeFields(loc) }
        if !notes.isEmpty {
            fields.append(("notes", .array(notes.map { .object([("message", .string($0.message))] + Self.placeFields($0.location)) })))
        }
        return .object(fields)
    }

    private static func placeFields(_ loc: SourceLocation) -> [(String, JSONValue)] {
        [
            ("file", .string(loc.file)),
            ("line", .int(loc.line)),
            ("column", .int(loc.column)),
            ("end", .object([("line", .int(loc.endLine)), ("column", .int(loc.endColumn))])),
        ]
    }
}
