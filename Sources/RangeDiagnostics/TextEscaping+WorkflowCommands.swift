/// The escaping of GitHub Actions workflow commands (`::error file=F,line=L,title=T::MESSAGE`),
/// on top of `visible`: the runner reads such a line from a step's output and undoes exactly
/// these escapes (actions/runner's `ActionCommand`): in the data after `::`, `%` as `%25`, CR as
/// `%0D` and LF as `%0A`; in a property value also `:` as `%3A` (a `:` would end the properties)
/// and `,` as `%2C` (a `,` separates them).
///
/// Every text is shown through `visible` first, so a control character reaches the log, the
/// annotation and the terminal escaped as it is in the text form (`\e`, `\n`), never raw; the
/// only line breaks an annotation carries are the ones the caller asks for, encoded as `%0A`.
extension TextEscaping {
    /// The data of a workflow command: each line through `visible`, then percent-encoded, the
    /// lines joined by `%0A` (the runner shows them as separate lines of one annotation). The
    /// result is one line of printable text.
    public static func workflowCommandData(_ lines: [String]) -> String {
        lines.map { percentEncoded(visible($0), property: false) }.joined(separator: "%0A")
    }

    /// A property value of a workflow command (`file=`, `title=`): through `visible`, then
    /// percent-encoded, `:` and `,` too.
    public static func workflowCommandProperty(_ value: String) -> String {
        percentEncoded(visible(value), property: true)
    }

    private static func percentEncoded(_ s: String, property: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            case ":" where property: out += "%3A"
            case "," where property: out += "%2C"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
