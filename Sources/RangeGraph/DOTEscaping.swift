import RangeDiagnostics

/// Text in Graphviz DOT's HTML-like labels (`label=<...>`), the only place user text appears in
/// the DOT rangectl writes (identifiers are its own: `net0`, `vm0`).
///
/// First every control and bidi control is made visible (`TextEscaping.visible`: ESC becomes
/// `\e`, LF `\n`), so none reaches the file raw. Then `&`, `<`, `>` and `"` become the entities
/// `&amp;`, `&lt;`, `&gt;` and `&quot;`, so the label stays one balanced `<...>` string and shows
/// them as written; and a backslash is doubled, because Graphviz applies its escString rules
/// (`\N` is the node's name, `\\` one backslash) to HTML-like labels too, after decoding
/// entities (measured with Graphviz 2.42: `&#92;N` also shows the node's name). Everything else,
/// any UTF-8 (é, 日本, emoji), is kept: DOT's default charset is UTF-8.
public enum DOTEscaping {
    public static func html(_ text: String) -> String {
        var out = ""
        for scalar in TextEscaping.visible(text).unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
