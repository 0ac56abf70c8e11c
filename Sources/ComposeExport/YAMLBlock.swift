import Manifest
/// A YAML document as the export writes it: block mappings and sequences only, two spaces per
/// level, comments on their own lines, every string through `YAMLScalar`. Keys and items keep the
/// order they were given in, so the same value always gives the same bytes.
public indirect enum YAMLBlock: Sendable, Equatable {
    /// A string (quoted as `YAMLScalar.string` decides).
    case string(String)
    case int(Int)
    case bool(Bool)
    case mapping([Entry])
    case sequence([YAMLBlock])

    /// One key of a mapping, with comment lines written before it.
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: YAMLBlock
        public var comments: [String]

        public init(_ key: String, _ value: YAMLBlock, comments: [String] = []) {
            self.key = key
            self.value = value
            self.comments = comments
        }
    }

    /// The document's text: `comments` first (each as `# ...`), then this value, which is a
    /// mapping at the root; LF line ends, a final newline.
    public func document(comments: [String] = []) -> String {
        var out = ""
        for c in comments { Self.comment(c, indent: 0, into: &out) }
        write(indent: 0, into: &out)
        return out
    }

    /// Writes a collection's lines at `indent`; a scalar or an empty collection belongs on its
    /// key's line (see `inline`).
    private func write(indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        switch self {
        case .string, .int, .bool:
            out += pad + inline! + "\n"
        case let .mapping(entries):
            for e in entries {
                for c in e.comments { Self.comment(c, indent: indent, into: &out) }
                let key = YAMLScalar.inline(e.key)
                // YAML allows an implicit key of at most 1024 characters; a longer one is explicit.
                out += key.unicodeScalars.count > Self.implicitKeyLimit ? pad + "? " + key + "\n" + pad + ":" : pad + key + ":"
                if let v = e.value.inline {
                    out += " " + v + "\n"
                } else {
                    out += "\n"
                    e.value.write(indent: indent + 2, into: &out)
                }
            }
        case let .sequence(items):
            for item in items {
                if let v = item.inline {
                    out += pad + "- " + v + "\n"
                } else {
                    // A collection item starts on the dash's line, the rest under its first line
                    // (the first key's comments go above the dash).
                    var item = item
                    if case var .mapping(entries) = item, !entries[0].comments.isEmpty {
                        for c in entries[0].comments { Self.comment(c, indent: indent, into: &out) }
                        entries[0].comments = []
                        item = .mapping(entries)
                    }
                    var nested = ""
                    item.write(indent: indent + 2, into: &nested)
                    out += pad + "- " + nested.dropFirst(indent + 2)
                }
            }
        }
    }

    /// The text of a value written on its key's line: scalars, and empty collections as `{}` / `[]`.
    private var inline: String? {
        switch self {
        case let .string(s): return YAMLScalar.inline(s)
        case let .int(i): return String(i)
        case let .bool(b): return b ? "true" : "false"
        case let .mapping(entries): return entries.isEmpty ? "{}" : nil
        case let .sequence(items): return items.isEmpty ? "[]" : nil
        }
    }

    /// The longest key written as `key: value`, below YAML's 1024 characters for an implicit key.
    static let implicitKeyLimit = 1000

    private static func comment(_ text: String, indent: Int, into out: inout String) {
        let line = YAMLScalar.commentText(text)
        out += String(repeating: " ", count: indent) + (line.isEmpty ? "#" : "# " + line) + "\n"
    }
}
