/// A 1-based position in a named source file; columns count characters, not bytes.
public struct SourceLocation: Hashable, Sendable, Comparable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// Names this (earlier) place in a message reported at `later`: its line, and its column
    /// too when both are on one line.
    public func reference(from later: SourceLocation) -> String {
        line == later.line ? "line \(line), column \(column)" : "line \(line)"
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}
