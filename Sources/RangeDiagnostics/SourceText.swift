/// The text of a source file, by line, for showing a diagnostic's line under it. Lines end where
/// libyaml ends them (LF, CR LF, CR, NEL U+0085, LS U+2028, PS U+2029), so that line numbers agree
/// with the parser's, and a byte order mark is not part of line 1, as libyaml skips it. UTF-16
/// text (libyaml reads it when it starts with a byte order mark) is shown transcoded; bytes that
/// are not UTF-8 show as U+FFFD. A value: the caller reads the file, nothing here does I/O.
public struct SourceText: Sendable {
    private let utf8: [UInt8]
    /// Where each line starts and where its line break starts (byte offsets in `utf8`).
    private let starts: [Int]
    private let ends: [Int]

    public init(_ bytes: [UInt8]) {
        var text = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            text = Array(bytes.dropFirst(3))
        } else if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let little = bytes[0] == 0xFF
            var units: [UInt16] = []
            units.reserveCapacity(bytes.count / 2)
            var i = 2
            while i + 1 < bytes.count {
                units.append(little ? UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 : UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]))
                i += 2
            }
            text = Array(String(decoding: units, as: UTF16.self).utf8)
        }
        var starts = [0], ends: [Int] = []
        var i = 0
        let n = text.count
        while i < n {
            let b = text[i]
            var length = 0
            if b == 0x0A {
                length = 1
            } else if b == 0x0D {
                length = i + 1 < n && text[i + 1] == 0x0A ? 2 : 1
            } else if b == 0xC2, i + 1 < n, text[i + 1] == 0x85 {
                length = 2
            } else if b == 0xE2, i + 2 < n, text[i + 1] == 0x80, text[i + 2] == 0xA8 || text[i + 2] == 0xA9 {
                length = 3
            }
            if length > 0 {
                ends.append(i)
                starts.append(i + length)
                i += length
            } else {
                i += 1
            }
        }
        ends.append(n)
        utf8 = text
        self.starts = starts
        self.ends = ends
    }

    public init(_ text: String) {
        self.init(Array(text.utf8))
    }

    /// How many lines there are: one more than line breaks (the last line may be empty).
    public var lineCount: Int { starts.count }

    /// Line `number` (1-based) without its line break; nil past the end.
    public func line(_ number: Int) -> String? {
        guard number >= 1, number <= starts.count else { return nil }
        return String(decoding: utf8[starts[number - 1]..<ends[number - 1]], as: UTF8.self)
    }
}
