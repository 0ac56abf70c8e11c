import Manifest
import Plan

/// A blueprint value that is not imported, written back as YAML lines for a comment: block
/// style, strings through `YAMLScalar`, other scalars as written. A value under a key that looks
/// secret (`Sensitive`: windows_password, say) is not copied: it stays in the blueprint only.
enum KeptValue {
    static let notCopied = "(sensitive: not copied, see the blueprint)"

    /// `key: value`, as the lines of a comment.
    static func lines(_ key: String, _ value: Node) -> [String] {
        pair(key, value, indent: 0)
    }

    /// A list item (`- ...`), as the lines of a comment.
    static func item(_ value: Node) -> [String] {
        item(node: value, indent: 0)
    }

    private static func pair(_ key: String, _ value: Node, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent) + YAMLScalar.inline(key) + ":"
        if Sensitive.isSensitive(key) { return [pad + " " + notCopied] }
        switch value.kind {
        case let .scalar(s):
            if s.value == .string, let block = YAMLScalar.literal(s.text) {
                return [pad + " " + block.indicator] + block.lines.map { $0.isEmpty ? "" : String(repeating: " ", count: indent + 2) + $0 }
            }
            return [joined(pad, scalar(s))]
        case let .mapping(entries):
            if entries.isEmpty { return [pad + " {}"] }
            return [pad] + block(value, indent: indent + 2)
        case let .sequence(items):
            if items.isEmpty { return [pad + " []"] }
            return [pad] + block(value, indent: indent + 2)
        }
    }

    /// The lines of a non-empty collection's content at `indent`.
    private static func block(_ node: Node, indent: Int) -> [String] {
        switch node.kind {
        case .scalar:
            return []
        case let .mapping(entries):
            return entries.flatMap { pair($0.key.scalar?.text ?? "", $0.value, indent: indent) }
        case let .sequence(items):
            return items.flatMap { item(node: $0, indent: indent) }
        }
    }

    private static func item(node: Node, indent: Int) -> [String] {
        let dash = String(repeating: " ", count: indent) + "- "
        switch node.kind {
        case let .scalar(s):
            if s.value == .string, let block = YAMLScalar.literal(s.text) {
                return [dash + block.indicator] + block.lines.map { $0.isEmpty ? "" : String(repeating: " ", count: indent + 2) + $0 }
            }
            return [joined(String(dash.dropLast()), scalar(s))]
        case let .mapping(entries) where entries.isEmpty:
            return [dash + "{}"]
        case let .sequence(items) where items.isEmpty:
            return [dash + "[]"]
        default:
            // The content one level in; its first line's indentation becomes the dash.
            var lines = block(node, indent: indent + 2)
            lines[0] = dash + lines[0].dropFirst(indent + 2)
            return lines
        }
    }

    /// `head value`, or `head` alone for an empty value (a null written as nothing).
    private static func joined(_ head: String, _ value: String) -> String {
        value.isEmpty ? head : head + " " + value
    }

    /// A string through `YAMLScalar`; a number, boolean or null as written (it is plain text
    /// that only a number or keyword pattern matched).
    private static func scalar(_ s: Scalar) -> String {
        s.value == .string ? YAMLScalar.inline(s.text) : s.text
    }
}
