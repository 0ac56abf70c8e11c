import RangeDiagnostics

/// A 1-based line and column (in characters) inside the manifest text.
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

/// One key/value pair of a mapping, in document order.
public struct MapEntry: Sendable {
    public var key: Node
    public var value: Node
}

/// What a node holds; collections keep document order.
public enum NodeKind: Sendable {
    case scalar(Scalar)
    case sequence([Node])
    case mapping([MapEntry])
}

/// A located YAML node. `weight` counts the nodes it stands for once aliases are expanded.
public struct Node: Sendable {
    public var kind: NodeKind
    public var start: Mark
    public var end: Mark
    public var weight: Int

    public init(kind: NodeKind, start: Mark, end: Mark, weight: Int = 1) {
        self.kind = kind
        self.start = start
        self.end = end
        self.weight = weight
    }

    /// A short English name of the node's type for messages ("a mapping", "the string \"x\"").
    public var typeDescription: String {
        switch kind {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case let .scalar(s):
            switch s.value {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int: return "an integer"
            case .float: return "a number"
            case .string: return "a string"
            }
        }
    }

    public var scalar: Scalar? {
        if case let .scalar(s) = kind { return s }
        return nil
    }
}
