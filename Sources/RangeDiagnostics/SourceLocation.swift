import Synchronization

/// A source file's name as a number into a process-wide table: locations are made and copied
/// by the hundred thousand for a large manifest, and a String in each would be reference-counted
/// at every copy. The same name always gets the same number.
public struct FileID: Hashable, Sendable {
    let index: Int32

    public init(_ name: String) {
        index = FileID.table.withLock { t in
            if let i = t.indices[name] { return i }
            t.names.append(name)
            t.indices[name] = Int32(t.names.count - 1)
            return Int32(t.names.count - 1)
        }
    }

    public var name: String { FileID.table.withLock { $0.names[Int(index)] } }

    private struct Table: ~Copyable {
        var names: [String] = []
        var indices: [String: Int32] = [:]
    }

    private static let table = Mutex(Table())
}

/// The span of a named source file that a diagnostic or value is about: 1-based start `line`
/// and `column`, and the exclusive end `endLine`/`endColumn` (the position just after the last
/// character). Columns count characters (Unicode scalars, as libyaml counts them), not bytes.
/// An end equal to the start is a point: only the place is known, not how far it reaches. The
/// end is never before the start.
///
/// Stored as five 32-bit numbers (20 bytes, less than the 24 that a start alone took as two
/// `Int`s): a large manifest makes hundreds of thousands of these.
public struct SourceLocation: Hashable, Sendable, Comparable {
    public let fileID: FileID
    private var startLine: Int32
    private var startColumn: Int32
    private var stopLine: Int32
    private var stopColumn: Int32

    /// A point at `line`, `column`.
    public init(file: String, line: Int, column: Int) {
        self.init(FileID(file), line: line, column: column)
    }

    /// A point at `line`, `column`.
    public init(_ file: FileID, line: Int, column: Int) {
        self.init(file, line: line, column: column, endLine: line, endColumn: column)
    }

    /// From `line`, `column` up to (not including) `endLine`, `endColumn`; an end before the
    /// start is taken as the start.
    public init(file: String, line: Int, column: Int, endLine: Int, endColumn: Int) {
        self.init(FileID(file), line: line, column: column, endLine: endLine, endColumn: endColumn)
    }

    /// From `line`, `column` up to (not including) `endLine`, `endColumn`; an end before the
    /// start is taken as the start.
    public init(_ file: FileID, line: Int, column: Int, endLine: Int, endColumn: Int) {
        fileID = file
        startLine = Int32(clamping: line)
        startColumn = Int32(clamping: column)
        let endBefore = (endLine, endColumn) < (line, column)
        stopLine = endBefore ? startLine : Int32(clamping: endLine)
        stopColumn = endBefore ? startColumn : Int32(clamping: endColumn)
    }

    public var file: String { fileID.name }

    /// The start's line.
    public var line: Int { Int(startLine) }
    /// The start's column.
    public var column: Int { Int(startColumn) }
    /// The line of the position just after the span.
    public var endLine: Int { Int(stopLine) }
    /// The column of the position just after the span.
    public var endColumn: Int { Int(stopColumn) }

    /// Only a place is known, not a span.
    public var isPoint: Bool { stopLine == startLine && stopColumn == startColumn }

    /// Names this (earlier) place in a message reported at `later`: its line, and its column
    /// too when both are on one line.
    public func reference(from later: SourceLocation) -> String {
        line == later.line ? "line \(line), column \(column)" : "line \(line)"
    }

    /// By start, then by end.
    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.startLine, a.startColumn, a.stopLine, a.stopColumn) < (b.startLine, b.startColumn, b.stopLine, b.stopColumn)
    }

    /// Whether this span starts before `other` does (where either ends aside).
    public func starts(before other: SourceLocation) -> Bool {
        (startLine, startColumn) < (other.startLine, other.startColumn)
    }

    /// Whether both start at the same place (where either ends aside).
    public func startsWhere(_ other: SourceLocation) -> Bool {
        startLine == other.startLine && startColumn == other.startColumn
    }
}
