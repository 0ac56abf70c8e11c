import RangeDiagnostics

/// Text in Mermaid's quoted labels (`net0["..."]`, `---|"..."|`), the only place user text appears
/// in the Mermaid rangectl writes (identifiers are its own: `net0`, `vm0`).
///
/// Mermaid has no backslash escapes: a quoted label ends at the next `"`, and inside it
/// `#name;` and `#NNN;` are entity codes (its flowchart syntax, "Entity codes to escape
/// characters": `#quot;`, `#35;` for `#`). Labels are then shown as HTML, and, where Markdown in
/// labels is on (as on GitHub), `*`, `_` and backticks format. So, after every control and bidi
/// control is made visible (`TextEscaping.visible`), every ASCII character but letters, digits,
/// space and `. , : / - ( )` is written as its decimal entity code (`"` as `#34;`, `#` as
/// `#35;`, `<` as `#60;`, `\` as `#92;`): nothing a name holds can end the string, open a tag,
/// start an entity or format text. Any other UTF-8 (é, 日本, emoji) is kept as it is.
public enum MermaidEscaping {
    public static func text(_ text: String) -> String {
        var out = ""
        for scalar in TextEscaping.visible(text).unicodeScalars {
            if !scalar.isASCII || kept(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "#\(scalar.value);"
            }
        }
        return out
    }

    /// The ASCII characters written as they are.
    static func kept(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a"..."z", "A"..."Z", "0"..."9", " ", ".", ",", ":", "/", "-", "(", ")": return true
        default: return false
        }
    }
}
