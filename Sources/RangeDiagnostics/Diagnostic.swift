/// How serious a diagnostic is; only errors change the exit status.
public enum Severity: String, Sendable, Hashable {
    case error
    case warning
}

/// One problem found in a manifest or on an engine: a value, never thrown, so a run reports all of them.
public struct Diagnostic: Hashable, Sendable {
    public var severity: Severity
    public var code: DiagnosticCode
    public var message: String
    /// The span the problem is about. Nil only for problems that have no place in a file (an
    /// unreachable engine, say).
    public var location: SourceLocation?
    /// Other places that explain it, in the order they are shown (the first definition of a
    /// name given twice, say). The message names them too, so it reads alone.
    public var notes: [DiagnosticNote]

    public init(_ severity: Severity, _ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
                notes: [DiagnosticNote] = []) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
        self.notes = notes
    }

    public static func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
                             notes: [DiagnosticNote] = []) -> Diagnostic {
        Diagnostic(.error, code, message, at: location, notes: notes)
    }

    public static func warning(_ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
                               notes: [DiagnosticNote] = []) -> Diagnostic {
        Diagnostic(.warning, code, message, at: location, notes: notes)
    }

    /// A value as a message quotes it: at most its first 64 characters (Unicode scalars), then
    /// `...`. Kept as written, control characters too: the renderer shows the message through
    /// `TextEscaping`, and JSON output keeps the value exact.
    public static func excerpt(_ text: String) -> String {
        text.unicodeScalars.count > 64 ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(64))) + "..." : text
    }
}

extension Array where Element == Diagnostic {
    /// True when any element is an error (warnings never fail a run).
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Each diagnostic once, in the order first given: the copies of a range (its instances, each
    /// re-checked against the engine) report the same line's problem once.
    public func uniqued() -> [Diagnostic] {
        var seen: Set<Diagnostic> = []
        return filter { seen.insert($0).inserted }
    }

    /// The diagnostics in order of where they start (stable for equal starts), located ones first.
    public func sortedBySource() -> [Diagnostic] {
        enumerated().sorted { a, b in
            switch (a.element.location, b.element.location) {
            case let (la?, lb?):
                if la.fileID != lb.fileID { return la.file < lb.file }
                if !la.startsWhere(lb) { return la.starts(before: lb) }
                return a.offset < b.offset
            case (nil, .some): return false
            case (.some, nil): return true
            case (nil, nil): return a.offset < b.offset
            }
        }.map(\.element)
    }
}

/// A remark attached to a diagnostic, about a place of its own (rendered `file:line:column: note: message`).
public struct DiagnosticNote: Hashable, Sendable {
    public var message: String
    public var location: SourceLocation

    public init(_ message: String, at location: SourceLocation) {
        self.message = message
        self.location = location
    }
}

/// A diagnostic can be carried by `Result` at I/O edges (reading a file, say).
extension Diagnostic: Error {}
