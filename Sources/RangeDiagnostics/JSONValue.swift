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
        var w = JSONWriter(pretty: pretty)
        write(into: &w)
        return String(decoding: w.out.bytes, as: UTF8.self)
    }

    /// Appends the value to a writer (which hands full chunks to its sink as it goes).
    public func write(into w: inout JSONWriter) {
        switch self {
        case .null: w.null()
        case let .bool(v): w.bool(v)
        case let .int(v): w.int(v)
        case let .string(v): w.string(v)
        case let .array(items):
            w.beginArray()
            for item in items { item.write(into: &w) }
            w.endArray()
        case let .object(fields):
            w.beginObject()
            for (key, value) in fields {
                w.key(key)
                value.write(into: &w)
            }
            w.endObject()
        }
    }
}

/// Writes one JSON document as it goes, without building it first: the plan of a large range is
/// tens of megabytes. Compact, or indented by two spaces when `pretty` (empty containers stay
/// `[]` and `{}`). The caller pairs begin/end and gives a key before each value of an object.
public struct JSONWriter: ~Copyable {
    public var out: JSONOutput
    public let pretty: Bool
    /// How many containers are open.
    @usableFromInline var open = 0
    /// Whether the innermost open container already holds a value (a comma goes before the next).
    @usableFromInline var filled = false
    /// `filled` of each enclosing container.
    @usableFromInline var enclosing: [Bool] = []
    /// A key was just written: the next value follows it directly.
    @usableFromInline var afterKey = false

    public init(pretty: Bool = false, out: consuming JSONOutput = JSONOutput()) {
        self.pretty = pretty
        self.out = out
        enclosing.reserveCapacity(16)
    }

    /// Before a value or a key: the comma and, when pretty, the line break of its place.
    @inlinable @inline(__always)
    mutating func place() {
        if afterKey {
            afterKey = false
            return
        }
        if open > 0 {
            if filled { out.append(UInt8(ascii: ",")) }
            filled = true
            if pretty { out.newline(open) }
        }
    }

    public mutating func key(_ k: String) {
        place()
        JSONWriter.quoted(k, into: &out)
        out.append(UInt8(ascii: ":"))
        if pretty { out.append(UInt8(ascii: " ")) }
        afterKey = true
    }

    /// A key written in the source, known to need no escaping (`key` would scan it).
    @inlinable @inline(__always)
    public mutating func field(_ k: StaticString) {
        place()
        out.append(UInt8(ascii: "\""))
        out.append(k)
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
        if pretty { out.append(UInt8(ascii: " ")) }
        afterKey = true
    }

    @inlinable public mutating func beginObject() { begin(UInt8(ascii: "{")) }
    @inlinable public mutating func endObject() { end(UInt8(ascii: "}")) }
    @inlinable public mutating func beginArray() { begin(UInt8(ascii: "[")) }
    @inlinable public mutating func endArray() { end(UInt8(ascii: "]")) }

    @inlinable
    mutating func begin(_ bracket: UInt8) {
        place()
        out.append(bracket)
        enclosing.append(filled)
        filled = false
        open += 1
    }

    @inlinable
    mutating func end(_ bracket: UInt8) {
        open -= 1
        if filled && pretty { out.newline(open) }
        out.append(bracket)
        filled = enclosing.removeLast()
        out.flushIfFull()
    }

    @inlinable
    public mutating func null() {
        place()
        out.append("null")
    }

    @inlinable
    public mutating func bool(_ v: Bool) {
        place()
        out.append(v ? "true" : "false")
    }

    @inlinable
    public mutating func int(_ v: Int) {
        place()
        out.appendDecimal(v)
    }

    @inlinable
    public mutating func string(_ v: String) {
        place()
        JSONWriter.quoted(v, into: &out)
    }

    /// A string value written by `body` straight into the output, for text known to need no
    /// escaping (addresses, CIDRs).
    @inlinable
    public mutating func rawString(_ body: (inout JSONOutput) -> Void) {
        place()
        out.append(UInt8(ascii: "\""))
        body(&out)
        out.append(UInt8(ascii: "\""))
    }

    public mutating func value(_ v: JSONValue) { v.write(into: &self) }

    /// Hands what is left to the sink.
    public mutating func finish() { out.finish() }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Writes a JSON string literal, escaping quotes and backslashes, and as `\uXXXX` every
    /// character `TextEscaping` shows escaped (controls, DEL, C1, bidi controls), so that the
    /// document is safe to print on a terminal too and still decodes to the same string.
    @usableFromInline
    static func quoted(_ s: String, into out: inout JSONOutput) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            // Runs of bytes that need no escape are copied at once; most strings are one run.
            var runStart = 0
            var i = 0
            while i < utf8.count {
                let byte = utf8[i]
                if byte == 0x22 || byte == 0x5C {
                    out.append(UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                    out.append(byte == 0x22 ? "\\\"" : "\\\\")
                    runStart = i + 1
                } else if byte < 0x20 || byte >= 0x7F, let (scalar, length) = TextEscaping.escapedCharacter(in: utf8, at: i) {
                    out.append(UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                    switch scalar {
                    case 0x0A: out.append("\\n")
                    case 0x0D: out.append("\\r")
                    case 0x09: out.append("\\t")
                    default:
                        out.append("\\u")
                        for shift in stride(from: 12, through: 0, by: -4) { out.append(hex[Int(scalar >> UInt32(shift) & 0xF)]) }
                    }
                    runStart = i + length
                    i += length
                    continue
                }
                i += 1
            }
            out.append(UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Bytes of a JSON document on their way out, in a buffer of their own (appending to an Array
/// checks uniqueness and capacity through several calls per append, and a plan is ~20 MB of
/// small appends). With a sink, every full chunk is handed over and the buffer reused, so a large
/// document never needs one large allocation. Not copyable: one owner writes it.
public struct JSONOutput: ~Copyable {
    // Visible to inlined code: every JSON value is a few appends, called from other modules.
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var count = 0
    @usableFromInline var capacity: Int
    @usableFromInline let chunkSize: Int
    @usableFromInline let sink: ((UnsafeBufferPointer<UInt8>) -> Void)?

    public init(chunkSize: Int = 1 << 20, sink: ((UnsafeBufferPointer<UInt8>) -> Void)? = nil) {
        self.chunkSize = chunkSize
        self.sink = sink
        capacity = sink == nil ? 4096 : chunkSize + 4096
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// What is in the buffer (everything written, when there is no sink).
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    @inlinable @inline(__always)
    mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    @usableFromInline
    mutating func grow(_ needed: Int) {
        let larger = max(capacity * 2, needed)
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        p.initialize(from: base, count: count)
        base.deallocate()
        base = p
        capacity = larger
    }

    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inlinable @inline(__always)
    public mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let from = buffer.baseAddress, buffer.count > 0 else { return }
        reserve(buffer.count)
        (base + count).initialize(from: from, count: buffer.count)
        count += buffer.count
    }

    @inlinable @inline(__always)
    public mutating func append(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    public mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// An integer in decimal, without going through a String.
    @inlinable
    public mutating func appendDecimal(_ v: Int) {
        if v < 0 {
            if v == Int.min {
                append(String(v))
                return
            }
            append(UInt8(ascii: "-"))
        }
        var m = v.magnitude
        var digits = 0
        var probe = m
        repeat {
            digits += 1
            probe /= 10
        } while probe > 0
        reserve(digits)
        var at = count + digits - 1
        repeat {
            base[at] = UInt8(ascii: "0") + UInt8(m % 10)
            m /= 10
            at -= 1
        } while m > 0
        count += digits
    }

    @inlinable
    mutating func newline(_ indent: Int) {
        reserve(1 + indent * 2)
        base[count] = UInt8(ascii: "\n")
        (base + count + 1).initialize(repeating: UInt8(ascii: " "), count: indent * 2)
        count += 1 + indent * 2
    }

    /// Hands the buffer to the sink once it holds a chunk.
    @inlinable
    public mutating func flushIfFull() {
        if let sink, count >= chunkSize {
            sink(UnsafeBufferPointer(start: base, count: count))
            count = 0
        }
    }

    /// Hands what is left to the sink.
    public mutating func finish() {
        if let sink, count > 0 {
            sink(UnsafeBufferPointer(start: base, count: count))
            count = 0
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
