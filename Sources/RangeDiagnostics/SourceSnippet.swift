/// One source line as a diagnostic shows it, and where under it the caret goes.
///
/// The line is shown through `TextEscaping.visible`, so no control character of the file reaches
/// the terminal, after each tab was expanded to four spaces. The caret is placed by display
/// column, a character (grapheme cluster) at a time: an escape such as `\e` takes its own width;
/// a wide one (East Asian Wide or Fullwidth, an emoji, an emoji sequence joined by ZWJ, a flag,
/// anything with VS16) two columns; one of combining or other zero-width characters alone none;
/// every other one column. Locations count Unicode scalars: the scalars after the first of a
/// character take no column of their own.
struct SourceSnippet: Equatable {
    /// The line as shown.
    var text: String
    /// The caret's start, in display columns from the start of the line (0-based), and its width (at least 1).
    var caretStart: Int
    var caretWidth: Int

    static let tabWidth = 4

    /// `line` with the caret under columns `column` up to (not including) `endColumn`, which are
    /// 1-based and count Unicode scalars as the parser does; a nil end runs to the end of the line
    /// (a span over several lines), its trailing blanks left out.
    init(line: String, column: Int, endColumn: Int?) {
        let scalars = Array(line.unicodeScalars)
        // In a line with something escaped, a backslash shows as `\\` (TextEscaping's rule).
        let escapes = scalars.contains { $0 != "\t" && TextEscaping.isEscaped($0) }
        // offsets[i]: the display column where scalar i starts; offsets[count]: the line's width.
        var offsets: [Int] = []
        offsets.reserveCapacity(scalars.count + 1)
        var width = 0
        for character in line {
            let first = character.unicodeScalars.first!
            offsets.append(width)
            for _ in character.unicodeScalars.dropFirst() { offsets.append(width) }
            if first == "\t" {
                width += Self.tabWidth
            } else if first == "\\" {
                width += escapes ? 2 : 1
            } else if TextEscaping.isEscaped(first) {
                width += TextEscaping.visible(String(first)).unicodeScalars.count
            } else {
                width += Self.displayWidth(character)
            }
        }
        offsets.append(width)
        var expanded = String.UnicodeScalarView()
        for s in scalars {
            if s == "\t" { expanded.append(contentsOf: repeatElement(" ", count: Self.tabWidth)) } else { expanded.append(s) }
        }
        text = TextEscaping.visible(String(expanded))
        let first = min(max(column, 1) - 1, scalars.count)
        var last: Int
        if let endColumn {
            last = min(max(endColumn - 1, first), scalars.count)
        } else {
            last = scalars.count
            while last > first && (scalars[last - 1] == " " || scalars[last - 1] == "\t") { last -= 1 }
        }
        caretStart = offsets[first]
        caretWidth = max(1, offsets[last] - offsets[first])
    }

    /// Columns a character takes on a terminal.
    static func displayWidth(_ character: Character) -> Int {
        var zero = true
        for s in character.unicodeScalars {
            if s == "\u{FE0F}" { return 2 }   // VS16: shown as an emoji
            switch displayWidth(s) {
            case 2: return 2
            case 1: zero = false
            default: break
            }
        }
        return zero ? 0 : 1
    }

    /// Columns a scalar takes on its own, as `wcwidth` counts them in a UTF-8 locale (from the
    /// Unicode data Swift has, and the East Asian Wide and Fullwidth blocks).
    static func displayWidth(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        if v >= 0x20 && v < 0x7F { return 1 }
        switch s.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0x1160...0x11FF).contains(v) { return 0 }   // Hangul vowels and finals join the syllable before them
        if s.properties.isEmojiPresentation { return 2 }
        for block in wide where block.contains(v) { return 2 }
        return 1
    }

    /// East Asian Wide and Fullwidth characters (UAX #11), by block.
    private static let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60,
        0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]
}
