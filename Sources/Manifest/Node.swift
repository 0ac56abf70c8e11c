import RangeDiagnostics

/// A 1-based line and column (in characters) inside the manifest text. A node's end is the
/// position just after its last character (libyaml's end mark).
public struct Mark: Hashable, Sendable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: Mark, b: Mark) -> Bool { (a.line, a.column) < (b.line, b.column) }
}

/// A scalar's value under the YAML 1.2 core schema; `string` means "use the text as written".
public enum ScalarValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case float
    case string
}

/// A scalar as written (text, quoted or not) together with its core-schema resolution.
public struct Scalar: Hashable, Sendable {
    public var text: String
    public var quoted: Bool
    public var value: ScalarValue

    public init(text: String, quoted: Bool, value: ScalarValue) {
        self.text = text
        self.quoted = quoted
        self.value = value
    }
}

public enum NodeShape: UInt8, Sendable {
    case scalar, sequence, mapping
}

/// A node of a `YAMLDocument`.
public struct NodeID: Hashable, Sendable {
    let index: Int32
}

/// One node, stored flat. Collections point at a run of `children` (a mapping's run holds key,
/// value, key, value...); scalars at a run of `text`.
struct NodeRecord: Equatable {
    var shape: NodeShape
    var quoted: Bool
    var value: ScalarValue
    var startLine: Int32
    var startColumn: Int32
    var endLine: Int32
    var endColumn: Int32
    var first: Int32
    /// Bytes of a scalar, items of a sequence, entries of a mapping.
    var count: Int32
    /// The nodes this one stands for once aliases are expanded.
    var weight: Int32
}

/// A composed YAML document: every node in one array, the children of every collection in a
/// second and the text of every scalar in a third. A 100k-interface manifest has half a million
/// nodes; as a tree of Swift values each would be an allocation or two.
public struct YAMLDocument: Sendable, Equatable {
    var records: [NodeRecord] = []
    var children: [Int32] = []
    var text: [UInt8] = []

    public func shape(_ n: NodeID) -> NodeShape { records[Int(n.index)].shape }

    public func start(_ n: NodeID) -> Mark {
        let r = records[Int(n.index)]
        return Mark(line: Int(r.startLine), column: Int(r.startColumn))
    }

    public func end(_ n: NodeID) -> Mark {
        let r = records[Int(n.index)]
        return Mark(line: Int(r.endLine), column: Int(r.endColumn))
    }

    /// Where a node was written in `file`: from its start up to (not including) its end.
    func location(_ n: NodeID, in file: FileID) -> SourceLocation {
        let r = records[Int(n.index)]
        return SourceLocation(file, line: Int(r.startLine), column: Int(r.startColumn), endLine: Int(r.endLine), endColumn: Int(r.endColumn))
    }

    /// The core-schema value of a scalar; nil for a collection.
    public func scalarValue(_ n: NodeID) -> ScalarValue? {
        let r = records[Int(n.index)]
        return r.shape == .scalar ? r.value : nil
    }

    /// The text of a scalar as written ("" for a collection).
    public func text(_ n: NodeID) -> String {
        withText(n) { String(decoding: $0, as: UTF8.self) }
    }

    public func scalar(_ n: NodeID) -> Scalar? {
        let r = records[Int(n.index)]
        guard r.shape == .scalar else { return nil }
        return Scalar(text: text(n), quoted: r.quoted, value: r.value)
    }

    /// The bytes of a scalar's text (none for a collection).
    func withText<R>(_ n: NodeID, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let r = records[Int(n.index)]
        guard r.shape == .scalar else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return text.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[Int(r.first)..<Int(r.first) + Int(r.count)])) }
    }

    /// Byte length of a scalar's text.
    public func textLength(_ n: NodeID) -> Int {
        let r = records[Int(n.index)]
        return r.shape == .scalar ? Int(r.count) : 0
    }

    /// Items of a sequence, entries of a mapping, 0 for a scalar.
    public func count(_ n: NodeID) -> Int {
        let r = records[Int(n.index)]
        return r.shape == .scalar ? 0 : Int(r.count)
    }

    /// The i-th item of a sequence.
    public func item(_ n: NodeID, _ i: Int) -> NodeID { NodeID(index: children[Int(records[Int(n.index)].first) + i]) }
    /// The key of a mapping's i-th entry.
    public func key(_ n: NodeID, _ i: Int) -> NodeID { NodeID(index: children[Int(records[Int(n.index)].first) + 2 * i]) }
    /// The value of a mapping's i-th entry.
    public func value(_ n: NodeID, _ i: Int) -> NodeID { NodeID(index: children[Int(records[Int(n.index)].first) + 2 * i + 1]) }

    /// A short English name of the node's type for messages ("a mapping", "a string").
    public func typeDescription(_ n: NodeID) -> String {
        let r = records[Int(n.index)]
        switch r.shape {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar:
            switch r.value {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int: return "an integer"
            case .float: return "a number"
            case .string: return "a string"
            }
        }
    }
}

/// What a node holds, as Swift values; collections keep document order.
public enum NodeKind: Sendable {
    case scalar(Scalar)
    case sequence([Node])
    case mapping([MapEntry])
}

/// One key/value pair of a mapping, in document order.
public struct MapEntry: Sendable {
    public var key: Node
    public var value: Node
}

/// A node together with its document, for reading a document as a tree (tests, tools). The
/// decoder walks `NodeID`s instead, which builds nothing.
public struct Node: Sendable {
    public let document: YAMLDocument
    public let id: NodeID

    public init(_ document: YAMLDocument, _ id: NodeID) {
        self.document = document
        self.id = id
    }

    public var start: Mark { document.start(id) }
    public var end: Mark { document.end(id) }
    public var scalar: Scalar? { document.scalar(id) }
    public var typeDescription: String { document.typeDescription(id) }

    public var kind: NodeKind {
        switch document.shape(id) {
        case .scalar: return .scalar(document.scalar(id)!)
        case .sequence: return .sequence((0..<document.count(id)).map { Node(document, document.item(id, $0)) })
        case .mapping:
            return .mapping((0..<document.count(id)).map {
                MapEntry(key: Node(document, document.key(id, $0)), value: Node(document, document.value(id, $0)))
            })
        }
    }
}
