/// Renders diagnostics the way compilers do, `file:line:column: error: message [code]`, so editors link them.
/// The file name and the message are shown through `TextEscaping.visible` before any colour is
/// added: a rendered diagnostic holds no control character but the colour codes and line ends it adds itself.
public struct DiagnosticRenderer: Sendable {
    public var colour: Bool

    public init(colour: Bool) {
        self.colour = colour
    }

    public func render(_ d: Diagnostic) -> String {
        var out = ""
        if let loc = d.location {
            out += "\(TextEscaping.visible(loc.file)):\(loc.line):\(loc.column): "
        } else {
            out += "rangectl: "
        }
        let label = d.severity.rawValue + ":"
        if colour {
            let tint = d.severity == .error ? "\u{1B}[1;31m" : "\u{1B}[1;35m"
            out += tint + label + "\u{1B}[0m "
        } else {
            out += label + " "
        }
        out += TextEscaping.visible(d.message) + " [\(d.code.rawValue)]"
        return out
    }

    public func render(_ ds: [Diagnostic]) -> String {
        var out = ""
        for d in ds {
            out += render(d)
            out += "\n"
        }
        return out
    }
}

extension Diagnostic {
    /// The diagnostic as a JSON object with the field names of CLI.md.
    public var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("severity", .string(severity.rawValue)),
            ("code", .string(code.rawValue)),
            ("message", .string(message)),
        ]
        if let loc = location {
            fields.append(("file", .string(loc.file)))
            fields.append(("line", .int(loc.line)))
            fields.append(("column", .int(loc.column)))
        }
        return .object(fields)
    }
}
