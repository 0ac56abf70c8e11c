/// Splits a command string into words the way a POSIX shell would (quotes and backslashes; no
/// expansion), as Compose does with a string `command`.
enum ShellWords {
    /// The words, or nil when a quote is left open.
    static func split(_ text: String) -> [String]? {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for c in text {
            if escaped {
                word.append(c)
                escaped = false
                continue
            }
            switch quote {
            case "'":
                if c == "'" { quote = nil } else { word.append(c) }
            case "\"":
                if c == "\"" { quote = nil } else if c == "\\" { escaped = true } else { word.append(c) }
            default:
                if c == "'" || c == "\"" {
                    quote = c
                    inWord = true
                } else if c == "\\" {
                    escaped = true
                    inWord = true
                } else if c.isWhitespace {
                    if inWord { words.append(word) }
                    word = ""
                    inWord = false
                } else {
                    word.append(c)
                    inWord = true
                }
            }
        }
        if quote != nil || escaped { return nil }
        if inWord { words.append(word) }
        return words
    }
}
