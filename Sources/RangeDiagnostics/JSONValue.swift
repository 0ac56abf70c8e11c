import Foundation

/// A JSON document with object keys kept in the order they were built, so output is byte-stable.
public indirect enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .null: h.combine(0)
        case let .bool(v): h.combine(v)
        case let .int(v): h.combine(v)
        case let .string(v): h.combine(v)
        case let .array(v): h.combine(v)
        case let .object(v):
            for (k, x) in v {
                h.combine(k)
                h.combine(x)
            }
        }
    }

    /// Serialises compactly (one line), or with two-space indentation when `pretty`.
    public func serialized(pretty: Bool = false) -> String {
        var out = JSONOutput()
        write(into: &out, pretty: pretty)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// Appends the serialisation to `out`, which hands full chunks to its sink as it goes.
    public func write(into out: inout JSONOutput, pretty: Bool, indent: Int = 0) {
        switch self {
        case .null: out.append("null")
        case let .bool(v): out.append(v ? "true" : "false")
        case let .int(v): out.append(String(v))
        case let .string(v): JSONValue.writeString(v, into: &out)
        case let .array(items):
            if items.isEmpty {
                out.append("[]")
                return
            }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { out.newline(indent + 1) }
                item.write(into: &out, pretty: pretty, indent: indent + 1)
                out.flushIfFull()
            }
            if pretty { out.newline(indent) }
            out.append(UInt8(ascii: "]"))
        case let .object(fields):
            if fields.isEmpty {
                out.append("{}")
                return
            }
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in fields.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { out.newline(indent + 1) }
                JSONValue.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                value.write(into: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { out.newline(indent) }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Writes a JSON string literal, escaping quotes, backslashes and control characters.
    public static func writeString(_ s: String, into out: inout JSONOutput) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            // Runs of bytes that need no escape are copied at once.
            var runStart = 0
            for (i, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F {
                out.append(UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                switch byte {
                case 0x22: out.append("\\\"")
                case 0x5C: out.append("\\\\")
                case 0x0A: out.append("\\n")
                case 0x0D: out.append("\\r")
                case 0x09: out.append("\\t")
                default:
                    out.append("\\u00")
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0xF)])
                }
                runStart = i + 1
            }
            out.append(UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Bytes of a JSON document on their way out. With a sink, every full chunk is handed over and
/// the buffer reused, so a large document never needs one large allocation.
public struct JSONOutput {
    public private(set) var bytes: [UInt8] = []
    private let chunkSize: Int
    private let sink: (([UInt8]) -> Void)?

    public init(chunkSize: Int = 1 << 20, sink: (([UInt8]) -> Void)? = nil) {
        self.chunkSize = chunkSize
        self.sink = sink
        bytes.reserveCapacity(sink == nil ? 4096 : chunkSize + 4096)
    }

    public mutating func append(_ byte: UInt8) { bytes.append(byte) }
    public mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
    public mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }
    public mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }

    mutating func newline(_ indent: Int) {
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }

    /// Hands the buffer to the sink once it holds a chunk.
    public mutating func flushIfFull() {
        if let sink, bytes.count >= chunkSize {
            sink(bytes)
            bytes.removeAll(keepingCapacity: true)
        }
    }

    /// Hands what is left to the sink.
    public mutating func finish() {
        if let sink, !bytes.isEmpty {
            sink(bytes)
            bytes.removeAll(keepingCapacity: true)
        }
    }
}

extension JSONValue {
    /// Parses JSON text; object keys come out sorted (Foundation gives no order), nil when invalid.
    public static func parse(_ text: String) -> JSONValue? {
        guard let data = text.data(using: .utf8),
              let any = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        return JSONValue(any: any)
    }

    init?(any: Any) {
        switch any {
        case is NSNull: self = .null
        case let n as NSNumber:
            // Foundation gives booleans as NSNumber too; tell them apart by their type.
            if String(cString: n.objCType) == "c" { self = .bool(n.boolValue) } else { self = .int(n.intValue) }
        case let s as String: self = .string(s)
        case let a as [Any]:
            var items: [JSONValue] = []
            for x in a {
                guard let v = JSONValue(any: x) else { return nil }
                items.append(v)
            }
            self = .array(items)
        case let d as [String: Any]:
            var fields: [(String, JSONValue)] = []
            for key in d.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                guard let v = JSONValue(any: d[key]!) else { return nil }
                fields.append((key, v))
            }
            self = .object(fields)
        default: return nil
        }
    }

    /// The same value with every object's keys sorted, for comparing values that went through a parser.
    public var canonical: JSONValue {
        switch self {
        case .null, .bool, .int, .string: return self
        case let .array(items): return .array(items.map(\.canonical))
        case let .object(fields):
            return .object(fields.map { ($0.0, $0.1.canonical) }.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) })
        }
    }

    /// The value of `key` in an object.
    public subscript(key: String) -> JSONValue? {
        guard case let .object(fields) = self else { return nil }
        return fields.first { $0.0 == key }?.1
    }
}
