import CYaml
import RangeDiagnostics

/// Limits that keep hostile input a diagnostic instead of a crash or an out-of-memory.
public struct ComposerLimits: Sendable {
    /// Deepest nesting of collections; a manifest needs about six levels.
    public var maxDepth = 64
    /// Nodes that aliases may add on top of `aliasFactor` times the nodes actually written.
    public var aliasAllowance = 100_000
    public var aliasFactor = 10

    public init() {}
}

/// The result of composing: the document's root node (nil for an empty stream or when composing
/// stopped at an error it cannot go past) and what went wrong.
public struct ComposedDocument: Sendable {
    public var root: Node?
    public var stopped: Bool
    public var diagnostics: [Diagnostic]
}

/// Builds a located node tree from libyaml's event stream (YAML 1.2 core schema, JSON too).
///
/// Iterative, never recursive, so nesting depth cannot overflow the stack. Repeated mapping keys
/// are reported at the repeated key and the first value is kept. Composition stops at the first
/// syntax error or exceeded limit, since libyaml cannot resume after one.
public struct YAMLComposer {
    public var file: String
    public var limits: ComposerLimits

    public init(file: String, limits: ComposerLimits = ComposerLimits()) {
        self.file = file
        self.limits = limits
    }

    /// A collection being built. A class, so that appending to its arrays never copies them
    /// (an enum payload bound with `var` would copy the array on every append: O(n^2)).
    private final class Frame {
        let isMapping: Bool
        let start: Mark
        let anchor: String?
        var items: [Node] = []
        var entries: [MapEntry] = []
        var key: Node?
        var weight = 1
        var skipValue = false
        /// Key positions for duplicate detection, built once a mapping grows past 16 keys.
        var index: [String: Mark]?

        init(isMapping: Bool, start: Mark, anchor: String?) {
            self.isMapping = isMapping
            self.start = start
            self.anchor = anchor
            // Manifest collections are small; start with room for a few, grow as needed.
            if isMapping { entries.reserveCapacity(4) } else { items.reserveCapacity(4) }
        }
    }

    private struct Stop: Error {}

    public func compose(_ bytes: [UInt8]) -> ComposedDocument {
        var diagnostics: [Diagnostic] = []
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            return ComposedDocument(root: nil, stopped: true, diagnostics: [
                .error(.yamlLimit, "the YAML parser could not start (out of memory)", at: location(Mark(line: 1, column: 1)))
            ])
        }
        defer { yaml_parser_delete(&parser) }

        return bytes.withUnsafeBufferPointer { buffer -> ComposedDocument in
            yaml_parser_set_input_string(&parser, buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!, buffer.count)
            var stack: [Frame] = []
            var anchors: [String: Node] = [:]
            var root: Node?
            var documents = 0
            var written = 0
            var aliased = 0

            func finish(_ node: Node, anchor: String?) throws {
                if let anchor { anchors[anchor] = node }
                guard let top = stack.last else {
                    root = node
                    return
                }
                if !top.isMapping {
                    top.items.append(node)
                    top.weight = top.weight &+ node.weight
                    return
                }
                guard let key = top.key else {
                    // `node` is a key.
                    guard let s = node.scalar else {
                        diagnostics.append(.error(.typeMismatch, "mapping keys must be plain values, not \(node.typeDescription)", at: location(node.start)))
                        throw Stop()
                    }
                    var duplicateOf: Mark?
                    if let index = top.index {
                        duplicateOf = index[s.text]
                    } else {
                        duplicateOf = top.entries.first { $0.key.scalar?.text == s.text }?.key.start
                    }
                    if let earlier = duplicateOf {
                        diagnostics.append(.error(.duplicateKey, "key '\(s.text)' is repeated; it was first given at \(location(earlier).reference(from: location(node.start))) (the first value is used)", at: location(node.start)))
                    } else if top.index != nil {
                        top.index![s.text] = node.start
                    } else if top.entries.count >= 16 {
                        var built: [String: Mark] = [:]
                        for e in top.entries { if let t = e.key.scalar?.text { built[t] = e.key.start } }
                        built[s.text] = node.start
                        top.index = built
                    }
                    top.key = node
                    top.skipValue = duplicateOf != nil
                    return
                }
                if !top.skipValue {
                    top.entries.append(MapEntry(key: key, value: node))
                    top.weight = top.weight &+ node.weight &+ 1
                }
                top.key = nil
                top.skipValue = false
            }

            var event = yaml_event_t()
            var stopped = false
            do {
                loop: while true {
                    guard yaml_parser_parse(&parser, &event) == 1 else {
                        diagnostics.append(syntaxError(parser, bytes: buffer))
                        throw Stop()
                    }
                    defer { yaml_event_delete(&event) }
                    let start = Mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
                    let end = Mark(line: Int(event.end_mark.line) + 1, column: Int(event.end_mark.column) + 1)
                    switch event.type {
                    case YAML_STREAM_START_EVENT, YAML_DOCUMENT_END_EVENT, YAML_NO_EVENT:
                        continue
                    case YAML_STREAM_END_EVENT:
                        break loop
                    case YAML_DOCUMENT_START_EVENT:
                        documents += 1
                        if documents > 1 {
                            diagnostics.append(.error(.yamlSyntax, "a manifest is one YAML document; found a second one", at: location(start)))
                            throw Stop()
                        }
                    case YAML_SCALAR_EVENT:
                        written += 1
                        let s = event.data.scalar
                        let text = String(decoding: UnsafeBufferPointer(start: s.value, count: Int(s.length)), as: UTF8.self)
                        let quoted = s.style != YAML_PLAIN_SCALAR_STYLE
                        let value = resolve(text: text, quoted: quoted, tag: Self.string(s.tag))
                        try finish(Node(kind: .scalar(Scalar(text: text, quoted: quoted, value: value)), start: start, end: end),
                                   anchor: Self.string(s.anchor))
                    case YAML_SEQUENCE_START_EVENT:
                        written += 1
                        try checkDepth(stack.count, at: start, &diagnostics)
                        stack.append(Frame(isMapping: false, start: start, anchor: Self.string(event.data.sequence_start.anchor)))
                    case YAML_MAPPING_START_EVENT:
                        written += 1
                        try checkDepth(stack.count, at: start, &diagnostics)
                        stack.append(Frame(isMapping: true, start: start, anchor: Self.string(event.data.mapping_start.anchor)))
                    case YAML_SEQUENCE_END_EVENT:
                        guard let f = stack.popLast(), !f.isMapping else { throw Stop() }
                        try finish(Node(kind: .sequence(f.items), start: f.start, end: end, weight: f.weight), anchor: f.anchor)
                    case YAML_MAPPING_END_EVENT:
                        guard let f = stack.popLast(), f.isMapping else { throw Stop() }
                        try finish(Node(kind: .mapping(f.entries), start: f.start, end: end, weight: f.weight), anchor: f.anchor)
                    case YAML_ALIAS_EVENT:
                        let name = Self.string(event.data.alias.anchor) ?? ""
                        guard var node = anchors[name] else {
                            diagnostics.append(.error(.yamlSyntax, "alias '*\(name)' refers to no anchor defined before it", at: location(start)))
                            throw Stop()
                        }
                        aliased = aliased &+ node.weight
                        if aliased > limits.aliasAllowance &+ limits.aliasFactor &* written || aliased < 0 {
                            diagnostics.append(.error(.yamlLimit, "aliases expand to more than \(limits.aliasAllowance + limits.aliasFactor * written) nodes (an alias bomb?)", at: location(start)))
                            throw Stop()
                        }
                        node.start = start
                        node.end = end
                        try finish(node, anchor: nil)
                    default:
                        continue
                    }
                }
            } catch {
                // A Stop: the diagnostic is already recorded; the tree is incomplete.
                stopped = true
            }
            return ComposedDocument(root: stopped ? nil : root, stopped: stopped, diagnostics: diagnostics)
        }
    }

    private func checkDepth(_ depth: Int, at mark: Mark, _ diagnostics: inout [Diagnostic]) throws {
        if depth >= limits.maxDepth {
            diagnostics.append(.error(.yamlLimit, "nesting deeper than \(limits.maxDepth) levels", at: location(mark)))
            throw Stop()
        }
    }

    private func resolve(text: String, quoted: Bool, tag: String?) -> ScalarValue {
        switch tag {
        case "tag:yaml.org,2002:str", "!": return .string
        case "tag:yaml.org,2002:null": return .null
        default: break
        }
        return quoted ? .string : ScalarResolver.resolve(text)
    }

    func location(_ mark: Mark) -> SourceLocation {
        SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    private static func string(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let p else { return nil }
        return String(cString: UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))
    }

    /// libyaml's error, at its reported position (reader errors give only a byte offset).
    private func syntaxError(_ parser: yaml_parser_t, bytes: UnsafeBufferPointer<UInt8>) -> Diagnostic {
        var message = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        if let context = parser.context.map({ String(cString: $0) }) {
            message += " " + context
            if parser.context_mark.line != parser.problem_mark.line || parser.context_mark.column != parser.problem_mark.column {
                message += " (started at line \(parser.context_mark.line + 1), column \(parser.context_mark.column + 1))"
            }
        }
        if parser.error == YAML_READER_ERROR {
            if parser.problem_value != -1 {
                let hex = String(UInt8(truncatingIfNeeded: parser.problem_value), radix: 16)
                message += " (byte 0x\(hex.count == 1 ? "0" + hex : hex))"
            }
            return .error(.yamlSyntax, message, at: location(Self.mark(ofOffset: Int(parser.problem_offset), in: bytes)))
        }
        let mark = Mark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
        return .error(.yamlSyntax, message, at: location(mark))
    }

    /// Line and character column of a byte offset (UTF-8 continuation bytes do not count).
    static func mark(ofOffset offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Mark {
        var line = 1
        var column = 1
        for byte in bytes.prefix(max(0, min(offset, bytes.count))) {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return Mark(line: line, column: column)
    }
}
