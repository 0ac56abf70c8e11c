import RangeDiagnostics

/// How a string is written into the YAML rangectl emits, so that every reader it is meant for
/// reads back exactly that string: YAML 1.2 (libyaml, go-yaml v3 in Compose v2) and YAML 1.1
/// (PyYAML in Compose 1.29). The one place this is decided for the export.
///
/// Plain only when no reader could take the text for anything else: it starts with a letter, `_`
/// or `/`, holds only letters, digits and `._/@+=:~-`, does not end in `:`, and is no keyword of
/// either version (`null`, `true`, `yes`, `on`, `y`, ... in any case); or it is digits, dots and
/// slashes with a `/` or two dots (an address, a CIDR, a version like 1.2.3), which no number,
/// date or sexagesimal of either version matches. Everything else is double-quoted, with `"` and
/// `\` escaped and every character a reader rejects or a reviewer cannot see written as an escape
/// (`mustEscape`); any other character (é, 日本, emoji) is written as it is, in UTF-8.
public enum YAMLScalar {
    /// `text` as one scalar: plain when that is unambiguous, else double-quoted.
    public static func string(_ text: String) -> String {
        isPlain(text) ? text : doubleQuoted(text)
    }

    /// Whether `text` may be written plain (see the type's summary).
    public static func isPlain(_ text: String) -> Bool {
        let u = Array(text.utf8)
        guard let first = u.first else { return false }
        if isDigit(first) {
            guard u.allSatisfy({ isDigit($0) || $0 == dot || $0 == slash }) else { return false }
            return u.contains(slash) || u.filter({ $0 == dot }).count >= 2
        }
        guard isLetter(first) || first == underscore || first == slash else { return false }
        guard u.allSatisfy(isPlainByte), u.last != colon else { return false }
        return !keywords.contains(text.lowercased())
    }

    /// `text` double-quoted: `"` and `\` escaped, and every character `mustEscape` names (the
    /// usual short escapes where YAML has one, else `\xXX` or `\uXXXX`).
    public static func doubleQuoted(_ text: String) -> String {
        "\"" + escapedContent(text, quote: true) + "\""
    }

    /// `text` for a comment: one line, with what `mustEscape` names escaped as in a double-quoted
    /// scalar (and `\` doubled only when something was), so a comment cannot break the document.
    public static func comment(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: mustEscape) else { return text }
        return escapedContent(text, quote: false)
    }

    /// Characters never written raw: every control but none (TAB and LF too, so that a value
    /// stays on its line), DEL and C1 (which YAML readers reject), the line and paragraph
    /// separators (line breaks in YAML 1.1), the bidi controls (invisible to a reviewer, as
    /// `TextEscaping` shows them), the byte order mark and U+FFFE, U+FFFF (rejected by PyYAML).
    public static func mustEscape(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF: return true
        default: return TextEscaping.isEscaped(s)
        }
    }

    private static func escapedContent(_ text: String, quote: Bool) -> String {
        var out = ""
        for s in text.unicodeScalars {
            switch s.value {
            case 0x22 where quote: out += "\\\""
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
                    out += s.value <= 0xFF ? "\\x" + hex(s.value, 2) : "\\u" + hex(s.value, 4)
                } else {
                    out.unicodeScalars.append(s)
                }
            }
        }
        return out
    }

    /// Plain scalars with a meaning of their own in YAML 1.2's core schema or YAML 1.1 (compared lowercased).
    private static let keywords: Set<String> = ["null", "true", "false", "yes", "no", "on", "off", "y", "n"]

    private static let dot = UInt8(ascii: "."), slash = UInt8(ascii: "/"), colon = UInt8(ascii: ":"), underscore = UInt8(ascii: "_")

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func isLetter(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }

    private static func isPlainByte(_ c: UInt8) -> Bool {
        if isDigit(c) || isLetter(c) { return true }
        switch c {
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "/"), UInt8(ascii: "@"), UInt8(ascii: "+"),
             UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "~"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    private static func hex(_ v: UInt32, _ digits: Int) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - h.count)) + h
    }
}
