import RangeDiagnostics

/// How a string is written into YAML so that it reads back as exactly that string: plain when
/// that is unambiguous, a literal block for printable multi-line text, double-quoted otherwise.
///
/// Plain is chosen conservatively: only text that both YAML 1.2's core schema (rangectl's reader)
/// and YAML 1.1 (PyYAML, older tools) read as this same string, so `yes`, `on`, `1.0`,
/// `2001-12-14` and `010` are quoted. Double-quoted text escapes every character a YAML reader
/// rejects or that would mislead a reviewer: C0 and C1 controls, DEL, the line breaks NEL, LS and
/// PS, the byte order mark, U+FFFE and U+FFFF, and the bidi controls (TextEscaping's set); any
/// other character (é, 日本, emoji) is written as it is.
public enum YAMLScalar {
    /// One line: plain or double-quoted.
    public static func inline(_ text: String) -> String {
        isPlainSafe(text) ? text : doubleQuoted(text)
    }

    /// Whether `text` can be written plain (block context) and reads back unchanged in
    /// YAML 1.2 (core schema) and YAML 1.1.
    public static func isPlainSafe(_ text: String) -> Bool {
        let u = Array(text.utf8)
        guard let first = u.first else { return false }
        guard isAlnum(first) || first == UInt8(ascii: "_") || first == UInt8(ascii: "/") else { return false }
        guard u.allSatisfy(isPlainByte), u.last != UInt8(ascii: ":") else { return false }
        if keywords.contains(text.lowercased()) { return false }
        if isDigit(first) {
            // No number, date or sexagesimal of either YAML version has a '/' or two dots
            // (addresses, CIDRs, registry images and versions like 1.2.3 stay plain).
            return u.contains(UInt8(ascii: "/")) || u.filter({ $0 == UInt8(ascii: ".") }).count >= 2
        }
        return true
    }

    /// Always quoted: `"` and `\` escaped, and every character `mustEscape` names.
    public static func doubleQuoted(_ text: String) -> String {
        var out = "\""
        for s in text.unicodeScalars {
            switch s.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x00: out += "\\0"
            case 0x07: out += "\\a"
            case 0x08: out += "\\b"
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0B: out += "\\v"
            case 0x0C: out += "\\f"
            case 0x0D: out += "\\r"
            case 0x1B: out += "\\e"
            case 0x2028: out += "\\L"
            case 0x2029: out += "\\P"
            default:
                if mustEscape(s) {
                    out += s.value <= 0xFF ? "\\x" + hex(s.value, digits: 2) : "\\u" + hex(s.value, digits: 4)
                } else {
                    out.unicodeScalars.append(s)
                }
            }
        }
        return out + "\""
    }

    /// A literal block (`|`, `|-` or `|+` and the lines of the text, to be indented under their
    /// key), or nil when the text is not one: it must have a line break, be printable (no tab,
    /// CR or anything `mustEscape` names), have a first non-empty line that does not start with a
    /// space and no line of blanks only.
    public static func literal(_ text: String) -> (indicator: String, lines: [String])? {
        guard text.contains("\n"), !text.unicodeScalars.contains(where: { ($0 != "\n" && mustEscape($0)) || $0 == "\t" || $0 == "\r" }) else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var trailing = 0
        while lines.count > 1, lines.last == "" {
            lines.removeLast()
            trailing += 1
        }
        guard let firstContent = lines.first(where: { !$0.isEmpty }), !firstContent.hasPrefix(" "),
              !lines.contains(where: { !$0.isEmpty && $0.allSatisfy { $0 == " " } }) else { return nil }
        let indicator = trailing == 0 ? "|-" : trailing == 1 ? "|" : "|+"
        // With `|+` the kept line breaks are empty lines after the content.
        return (indicator, lines + Array(repeating: "", count: max(0, trailing - 1)))
    }

    /// Characters never written raw: YAML readers reject them (controls but TAB and LF; NEL, LS,
    /// PS are line breaks) or they are invisible traps for a reviewer (bidi controls, BOM).
    public static func mustEscape(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" { return false }
        if TextEscaping.isEscaped(s) { return true }
        switch s.value {
        case 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF: return true
        default: return false
        }
    }

    /// Text for a comment line: one line, with nothing a reader rejects (shown as escapes).
    public static func commentText(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "\n" || mustEscape($0) }) else { return text }
        let quoted = doubleQuoted(text)
        return String(quoted.dropFirst().dropLast())
    }

    /// Scalars with a meaning of their own in YAML 1.2 or 1.1: null, booleans and their 1.1 spellings.
    private static let keywords: Set<String> = ["null", "true", "false", "yes", "no", "on", "off", "y", "n"]

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) }

    private static func isPlainByte(_ c: UInt8) -> Bool {
        if isAlnum(c) { return true }
        switch c {
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "/"), UInt8(ascii: "@"), UInt8(ascii: "+"),
             UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "~"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    private static func hex(_ v: UInt32, digits: Int) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - h.count)) + h
    }
}
