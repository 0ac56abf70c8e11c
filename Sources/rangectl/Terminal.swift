import Glibc
import RangeDiagnostics
import Workflows

/// Standard output and error, written in whole buffers; colour only on a terminal without NO_COLOR.
/// The edge of all text output: whatever a line holds (a value from a manifest, a file name, an
/// engine's reply), no control character reaches a terminal, pipe or log raw. `write` and
/// `writeError` show every one through `TextEscaping.visibleLines`, keeping the LF between lines;
/// rendered diagnostics (escaped before their colour was added, or percent-encoded as GitHub
/// workflow commands) and JSON (escaped by its writer) are the only bytes written as they are.
enum Terminal {
    static func write(_ text: String) {
        write(Array(TextEscaping.visibleLines(text).utf8), to: STDOUT_FILENO)
    }

    static func writeError(_ text: String) {
        write(Array(TextEscaping.visibleLines(text).utf8), to: STDERR_FILENO)
    }

    /// Writes all bytes, retrying short writes and interrupts; a closed pipe ends the write quietly.
    static func write(_ bytes: [UInt8], to fd: Int32) {
        bytes.withUnsafeBufferPointer { write($0, to: fd) }
    }

    static func write(_ buffer: UnsafeBufferPointer<UInt8>, to fd: Int32) {
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let n = Glibc.write(fd, base + offset, buffer.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    /// True when diagnostics on standard error may be coloured (no-color.org: a non-empty NO_COLOR disables it).
    static var colourOnStderr: Bool {
        if let v = getenv("NO_COLOR"), v.pointee != 0 { return false }
        return isatty(STDERR_FILENO) != 0
    }

    /// True when diagnostics show their source lines: on a terminal only (NO_COLOR aside), so
    /// that piped output, logs and CI keep one line per diagnostic and note.
    static var sourceLinesOnStderr: Bool { isatty(STDERR_FILENO) != 0 }

    /// Prints diagnostics on standard error in `format`. As text: with the manifest they are
    /// about, on a terminal, each with its source line and a caret under its span; and nothing
    /// `besideJSON` (the JSON document on standard output holds them). As GitHub workflow
    /// commands: one line each, beside a JSON document too, so that a workflow gets its
    /// annotations while standard output stays the document alone.
    static func printDiagnostics(_ diagnostics: [Diagnostic], source: ManifestInput? = nil, format: DiagnosticsFormat,
                                 besideJSON: Bool = false) {
        guard !diagnostics.isEmpty else { return }
        let rendered: String
        switch format {
        case .text:
            guard !besideJSON else { return }
            var sources: [FileID: SourceText] = [:]
            if let source, sourceLinesOnStderr { sources[FileID(source.displayName)] = SourceText(source.bytes) }
            rendered = DiagnosticRenderer(colour: colourOnStderr, sources: sources).render(diagnostics)
        case .github:
            rendered = GitHubAnnotationRenderer().render(diagnostics)
        }
        // As rendered: each renderer escaped what it shows (then the text one added its colour).
        write(Array(rendered.utf8), to: STDERR_FILENO)
    }

    /// Ends the process at once with `status`, without freeing what `values` hold: a large
    /// range's manifest and plan are hundreds of thousands of objects, and freeing them one by
    /// one just before the process ends would only cost time.
    static func exit(_ status: Int32, keeping values: Any...) -> Never {
        withExtendedLifetime(values) { Glibc.exit(status) }
    }

    /// Prints a JSON document and a newline.
    static func printJSON(_ document: JSONValue) {
        streamJSON { document.write(into: &$0) }
    }

    /// Prints the JSON document that `body` writes, and a newline, handing it to standard output
    /// in chunks as it is written (a 100k-interface plan is ~20 MB).
    static func streamJSON(_ body: (inout JSONWriter) -> Void) {
        var w = JSONWriter(out: JSONOutput { write($0, to: STDOUT_FILENO) })
        body(&w)
        w.out.append(UInt8(ascii: "\n"))
        w.finish()
    }
}
