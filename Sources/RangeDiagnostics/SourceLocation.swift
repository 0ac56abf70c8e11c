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

/// A 1-based position in a named source file; columns count characters, not bytes.
public struct SourceLocation: Hashable, Sendable, Comparable {
    public let fileID: FileID
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.init(FileID(file), line: line, column: column)
    }

    public init(_ file: FileID, line: Int, column: Int) {
        self.fileID = file
        self.line = line
        self.column = column
    }

    public var file: String { fileID.name }

    /// Names this (earlier) place in a message reported at `later`: its line, and its column
    /// too when both are on one line.
    public func reference(from later: SourceLocation) -> String {
        line == later.line ? "line \(line), column \(column)" : "line \(line)"
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}
