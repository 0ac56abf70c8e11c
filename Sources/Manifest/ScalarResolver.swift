/// Resolves plain scalars by the YAML 1.2 core schema, so `on`, `yes` and `010` stay what they look like.
enum ScalarResolver {
    static func resolve(_ text: String) -> ScalarValue {
        var text = text
        return text.withUTF8 { resolve($0) }
    }

    static func resolve(_ u: UnsafeBufferPointer<UInt8>) -> ScalarValue {
        // Fast path: most scalars are names; only these first characters can start a non-string.
        guard let first = u.first else { return .null }
        switch first {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "T"),
             UInt8(ascii: "f"), UInt8(ascii: "F"):
            break
        default:
            return .string
        }
        if u.count == 1 || u.count == 4 || u.count == 5, let word = keyword(u) { return word }
        if let v = integer(u) { return v }
        if isFloat(u) { return .float }
        return .string
    }

    private static let keywords: [(String, ScalarValue)] = [
        ("~", .null), ("null", .null), ("Null", .null), ("NULL", .null),
        ("true", .bool(true)), ("True", .bool(true)), ("TRUE", .bool(true)),
        ("false", .bool(false)), ("False", .bool(false)), ("FALSE", .bool(false)),
        (".inf", .float), (".Inf", .float), (".INF", .float), ("+.inf", .float), ("+.Inf", .float), ("+.INF", .float),
        ("-.inf", .float), ("-.Inf", .float), ("-.INF", .float), (".nan", .float), (".NaN", .float), (".NAN", .float),
    ]

    /// The keywords packed into integers (all are 1, 4 or 5 bytes), so matching is a few compares.
    private static let packedKeywords: [(UInt64, ScalarValue)] = keywords.map { (pack($0.0.utf8), $0.1) }

    private static func pack<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        bytes.reduce(UInt64(bytes.count)) { $0 << 8 | UInt64($1) }
    }

    private static func keyword(_ u: UnsafeBufferPointer<UInt8>) -> ScalarValue? {
        let key = pack(u)
        return packedKeywords.first { $0.0 == key }?.1
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`; an integer too large for Int is a float-like number.
    private static func integer(_ u: UnsafeBufferPointer<UInt8>) -> ScalarValue? {
        if u.count > 2 && u[0] == 0x30 && (u[1] == UInt8(ascii: "o") || u[1] == UInt8(ascii: "x")) {
            let radix = u[1] == UInt8(ascii: "o") ? 8 : 16
            let digits = UnsafeBufferPointer(rebasing: u[2...])
            let valid = digits.allSatisfy { c in
                radix == 8 ? (c >= 0x30 && c <= 0x37) : isDigit(c) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x66)
            }
            guard valid else { return nil }
            if let v = Int(String(decoding: digits, as: UTF8.self), radix: radix) { return .int(v) }
            return .float
        }
        var i = 0
        if u[0] == UInt8(ascii: "-") || u[0] == UInt8(ascii: "+") { i = 1 }
        guard i < u.count, u[i...].allSatisfy(isDigit) else { return nil }
        // Accumulate negatively, so that Int.min is representable; overflow means too large.
        var value = 0
        for c in u[i...] {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.subtractingReportingOverflow(Int(c - 0x30))
            if o1 || o2 { return .float }
            value = next
        }
        if u[0] == UInt8(ascii: "-") { return .int(value) }
        return value == Int.min ? .float : .int(-value)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    private static func isFloat(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        if i < u.count && (u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: "+")) { i += 1 }
        var mantissaDigits = 0
        while i < u.count && isDigit(u[i]) { i += 1; mantissaDigits += 1 }
        if i < u.count && u[i] == UInt8(ascii: ".") {
            i += 1
            while i < u.count && isDigit(u[i]) { i += 1; mantissaDigits += 1 }
        }
        guard mantissaDigits > 0 else { return false }
        if i < u.count && (u[i] == UInt8(ascii: "e") || u[i] == UInt8(ascii: "E")) {
            i += 1
            if i < u.count && (u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: "+")) { i += 1 }
            var exponentDigits = 0
            while i < u.count && isDigit(u[i]) { i += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return false }
        }
        return i == u.count
    }
}
