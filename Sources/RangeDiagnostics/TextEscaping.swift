/// How text that rangectl did not write itself (manifest values, file names, engine replies) is
/// shown in diagnostics, plans, status and progress lines: manifests come from pull requests, and
/// a control character would reach the reader's terminal or log viewer raw (`\e]0;...\a` retitles
/// a terminal, `\r` rewrites a line, U+202E reverses what follows it).
///
/// Escaped: every Unicode control (general category Cc: C0 U+0000-U+001F including TAB, LF and
/// CR, DEL U+007F, C1 U+0080-U+009F) and every bidi control (U+061C, U+200E, U+200F,
/// U+202A-U+202E, U+2066-U+2069). Shown as `\0` NUL, `\a` BEL, `\t` TAB, `\n` LF, `\r` CR,
/// `\e` ESC, and any other as `\u{XX}`, uppercase hex of at least two digits, as in a Swift
/// literal (`\u{7F}`, `\u{9B}`, `\u{202E}`). In a string that has something escaped, a backslash
/// is shown as `\\`, so the escaped string reads back exactly; a string with nothing to escape is
/// returned as it is (a Windows path stays `C:\temp`), without a copy. Everything else, any other
/// UTF-8 (é, 日本, emoji), is shown as it is. The JSON writer escapes the same characters as `\uXXXX`.
public enum TextEscaping {
    /// `s` with every control and bidi control shown as a visible escape; `s` itself when it has none.
    /// The result never contains such a character, so escaping it again changes nothing.
    public static func visible(_ s: String) -> String {
        var s = s
        let clean = s.withUTF8 { firstEscaped(in: $0, keepingLineBreaks: false) == nil }
        if clean { return s }
        return s.withUTF8 { escaped($0) }
    }

    /// Text made of lines, each shown through `visible`, with the LF between lines kept: for
    /// output assembled from many lines (it cannot tell a value's line break from its own).
    public static func visibleLines(_ text: String) -> String {
        var text = text
        let clean = text.withUTF8 { firstEscaped(in: $0, keepingLineBreaks: true) == nil }
        if clean { return text }
        // Split at the byte: as Characters, CR LF is one and would not be split.
        return text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false)
            .map { visible(String(Substring($0))) }.joined(separator: "\n")
    }

    /// Whether `scalar` is one of the characters shown escaped.
    public static func isEscaped(_ scalar: Unicode.Scalar) -> Bool {
        var s = String(Character(scalar))
        return s.withUTF8 { escapedCharacter(in: $0, at: 0) != nil }
    }

    /// The escaped character whose UTF-8 starts at `i` of valid UTF-8 `utf8`, as its scalar value
    /// and its length in bytes; nil when the character there is shown as it is. The one test of
    /// what is escaped, shared with the JSON writer.
    @inlinable
    public static func escapedCharacter(in utf8: UnsafeBufferPointer<UInt8>, at i: Int) -> (scalar: UInt32, length: Int)? {
        let b = utf8[i]
        if b < 0x20 || b == 0x7F { return (UInt32(b), 1) }
        // Every other escaped character is two or three bytes long and starts with C2, D8 or E2.
        guard b == 0xC2 || b == 0xD8 || b == 0xE2, i + 1 < utf8.count else { return nil }
        let b1 = utf8[i + 1]
        switch b {
        case 0xC2:
            return b1 <= 0x9F ? (UInt32(b1), 2) : nil   // C2 80 ... C2 9F: U+0080 ... U+009F
        case 0xD8:
            return b1 == 0x9C ? (0x061C, 2) : nil
        default:
            guard i + 2 < utf8.count else { return nil }
            let v = 0x2000 | UInt32(b1 & 0x3F) << 6 | UInt32(utf8[i + 2] & 0x3F)
            switch v {
            case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return (v, 3)
            default: return nil
            }
        }
    }

    /// Where the first escaped character is (LF aside when `keepingLineBreaks`), or nil.
    @inline(__always)
    static func firstEscaped(in utf8: UnsafeBufferPointer<UInt8>, keepingLineBreaks: Bool) -> Int? {
        guard let base = utf8.baseAddress else { return nil }
        let n = utf8.count
        var i = 0
        while i < n {
            // Printable ASCII, most of every text, eight bytes at a time.
            if i + 8 <= n && isPrintableASCII(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) {
                i += 8
                continue
            }
            let end = min(i + 8, n)
            while i < end {
                let b = utf8[i]
                if !(b >= 0x20 && b < 0x7F || b == 0x0A && keepingLineBreaks), escapedCharacter(in: utf8, at: i) != nil { return i }
                i += 1
            }
        }
        return nil
    }

    /// Whether all eight bytes of `w` are 0x20...0x7E. A byte's high bit is set in the mask by
    /// itself when it is 0x80 or more, else by adding 1 when it is 0x7F, else by subtracting
    /// 0x20 when it is below 0x20 (exact for "any byte" when no byte has its high bit set).
    @inline(__always)
    static func isPrintableASCII(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        return (w | (w &+ ones) | ((w &- ones &* 0x20) & ~w)) & (ones &* 0x80) == 0
    }

    static func escaped(_ utf8: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 16)
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "\\") {
                out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                i += 1
            } else if let (scalar, length) = escapedCharacter(in: utf8, at: i) {
                append(scalar, to: &out)
                i += length
            } else {
                out.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func append(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0x00: out += Array(#"\0"#.utf8)
        case 0x07: out += Array(#"\a"#.utf8)
        case 0x09: out += Array(#"\t"#.utf8)
        case 0x0A: out += Array(#"\n"#.utf8)
        case 0x0D: out += Array(#"\r"#.utf8)
        case 0x1B: out += Array(#"\e"#.utf8)
        default:
            let hex = String(scalar, radix: 16, uppercase: true)
            out += Array(#"\u{"#.utf8) + Array((hex.count < 2 ? "0" + hex : hex).utf8) + [UInt8(ascii: "}")]
        }
    }
}
