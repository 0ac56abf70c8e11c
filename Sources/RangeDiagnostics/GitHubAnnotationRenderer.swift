/// Renders diagnostics as GitHub Actions workflow commands, one line each, which the runner
/// turns into annotations on the pull request's files and the run's summary:
///
/// ```
/// ::error file=lab.yaml,line=12,col=11,endLine=12,endColumn=13,title=duplicate-name::network 'dmz' is already defined at line 4%0Alab.yaml:4:11: note: first defined here
/// ::warning file=lab.yaml,line=3,col=9,endLine=3,endColumn=9,title=invalid-pin::...
/// ::error title=engine-unreachable::cannot reach the engine at unix:///var/run/docker.sock: ...
/// ```
///
/// The command is the severity (`error`, `warning`); `title` is the code. Positions are the
/// text form's (lines and columns from 1, columns in Unicode scalars), with the end made
/// inclusive, as GitHub's `endColumn` is: a span within one line gives `col` and `endColumn` (a
/// point the same column twice; a span to the end of its line `col` alone); a span over several
/// lines gives `line` and `endLine` only (GitHub takes columns on one line only). A span that
/// ends at the start of a line (a block mapping or list does) ends on the line before.
/// A diagnostic without a place gives `title` alone. Its notes are further lines of the message,
/// each in the text form `file:line:column: note: message`: an annotation is one item on the
/// pull request, and a note alone at its own line ("first defined here") would not say what it
/// is about. Everything passes through `TextEscaping.workflowCommandData` and
/// `workflowCommandProperty`, so no control character is written raw and no value can end a
/// command or start another.
public struct GitHubAnnotationRenderer: Sendable {
    public init() {}

    /// The diagnostic as one workflow command, without a line end.
    public func render(_ d: Diagnostic) -> String {
        let command: String
        switch d.severity {
        case .error: command = "error"
        case .warning: command = "warning"
        }
        var properties: [String] = []
        if let loc = d.location {
            properties.append("file=" + TextEscaping.workflowCommandProperty(loc.file))
            properties += Self.position(loc)
        }
        properties.append("title=" + TextEscaping.workflowCommandProperty(d.code.rawValue))
        let notes = d.notes.map { "\($0.location.file):\($0.location.line):\($0.location.column): note: \($0.message)" }
        return "::\(command) " + properties.joined(separator: ",") + "::" + TextEscaping.workflowCommandData([d.message] + notes)
    }

    /// Each diagnostic's workflow command and a line end.
    public func render(_ ds: [Diagnostic]) -> String {
        var out = ""
        for d in ds {
            out += render(d)
            out += "\n"
        }
        return out
    }

    /// `line`, `col`, `endLine`, `endColumn` of a span, the end inclusive.
    static func position(_ loc: SourceLocation) -> [String] {
        if loc.isPoint {
            return ["line=\(loc.line)", "col=\(loc.column)", "endLine=\(loc.line)", "endColumn=\(loc.column)"]
        }
        // An end at the start of a line (a block mapping's or list's, say) ends the line before.
        let lastLine = loc.endColumn == 1 && loc.endLine > loc.line ? loc.endLine - 1 : loc.endLine
        if lastLine > loc.line { return ["line=\(loc.line)", "endLine=\(lastLine)"] }
        if loc.endLine > loc.line { return ["line=\(loc.line)", "col=\(loc.column)", "endLine=\(loc.line)"] }
        return ["line=\(loc.line)", "col=\(loc.column)", "endLine=\(loc.line)", "endColumn=\(loc.endColumn - 1)"]
    }
}
