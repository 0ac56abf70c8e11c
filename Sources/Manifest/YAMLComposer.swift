import Glibc
import CYaml
import Dispatch
import RangeDiagnostics

/// Builds a located `YAMLDocument` from libyaml's event stream (YAML 1.2 core schema, JSON too).
///
/// Iterative, never recursive, so nesting depth cannot overflow the stack. Repeated mapping keys
/// are reported at the repeated key and the first value is kept. Composition stops at the first
/// syntax error or exceeded limit, since libyaml cannot resume after one.
public struct YAMLComposer: Sendable {
    public let file: String
    public var limits: ComposerLimits

    let fileID: FileID

    public init(file: String, limits: ComposerLimits = ComposerLimits()) {
        self.file = file
        self.limits = limits
        fileID = FileID(file)
    }

    /// A collection being built: its children wait on a shared stack from `base` on.
    private struct Frame {
        var isMapping: Bool
        var startLine: Int32
        var startColumn: Int32
        var anchor: String?
        var base: Int
        var weight: Int32 = 1
        /// A mapping's key is waiting for its value.
        var hasKey = false
        /// That key repeats an earlier one: its value is not kept.
        var skipValue = false
        /// Key nodes by text for duplicate detection, built once a mapping grows past 16 keys.
        var index: [String: Int32]?
        /// The root mapping's `vms` list, whose items are decoded as they complete.
        var isVMList = false
    }

    private struct Stop: Error {}

    /// The composition in progress. A struct with mutating methods (not closures over local
    /// variables, which would box them and check every access at run time).
    private struct Builder {
        let composer: YAMLComposer
        var document = YAMLDocument()
        var diagnostics: [Diagnostic] = []
        var stack: [Frame] = []
        /// Children of the open collections, innermost last.
        var pending: [Int32] = []
        var anchors: [String: NodeID] = [:]
        var root: NodeID?
        /// Nodes written in the text, and nodes added by aliases (bounded by the limits).
        var written = 0
        var aliased = 0
        var documents = 0
        /// Decodes the `vms` items as they complete, when asked to.
        var vmDecoder: ManifestDecoder?
        var streamed = StreamedVMs()

        init(_ composer: YAMLComposer) {
            self.composer = composer
        }

        /// Records an error at the span of an event (or a node's record) and stops.
        mutating func fail(_ code: DiagnosticCode, _ message: String, _ startLine: Int32, _ startColumn: Int32,
                           _ endLine: Int32, _ endColumn: Int32) -> Stop {
            diagnostics.append(.error(code, message, at: SourceLocation(
                composer.fileID, line: Int(startLine), column: Int(startColumn), endLine: Int(endLine), endColumn: Int(endColumn))))
            return Stop()
        }

        mutating func fail(_ code: DiagnosticCode, _ message: String, _ e: ParsedEvent) -> Stop {
            fail(code, message, e.startLine, e.startColumn, e.endLine, e.endColumn)
        }

        mutating func fail(_ code: DiagnosticCode, _ message: String, _ r: NodeRecord) -> Stop {
            fail(code, message, r.startLine, r.startColumn, r.endLine, r.endColumn)
        }

        mutating func add(_ record: NodeRecord) throws -> NodeID {
            guard document.records.count < Int(Int32.max), document.text.count <= Int(Int32.max),
                  document.children.count + pending.count < Int(Int32.max) else {
                throw fail(.yamlLimit, "the document is too large", record)
            }
            document.records.append(record)
            return NodeID(index: Int32(document.records.count - 1))
        }

        func sameText(_ a: Int32, _ b: NodeID) -> Bool {
            let x = document.records[Int(a)], y = document.records[Int(b.index)]
            guard x.count == y.count else { return false }
            guard x.count > 0 else { return true }
            return document.text.withUnsafeBufferPointer { t in
                memcmp(t.baseAddress! + Int(x.first), t.baseAddress! + Int(y.first), Int(x.count)) == 0
            }
        }

        mutating func scalar(_ e: ParsedEvent, _ batch: EventBatch) throws {
            written += 1
            let first = document.text.count
            let value = batch.text.withUnsafeBufferPointer { all -> ScalarValue in
                let text = UnsafeBufferPointer(rebasing: all[Int(e.textStart)..<Int(e.textStart) + Int(e.textCount)])
                document.text.append(contentsOf: text)
                return composer.resolve(text, quoted: e.quoted, tag: e.tag)
            }
            let node = try add(NodeRecord(
                shape: .scalar, quoted: e.quoted, value: value, startLine: e.startLine, startColumn: e.startColumn,
                endLine: e.endLine, endColumn: e.endColumn,
                first: Int32(truncatingIfNeeded: first), count: e.textCount, weight: 1))
            try finish(node, anchor: e.name < 0 ? nil : batch.names[Int(e.name)])
        }

        mutating func open(mapping: Bool, _ e: ParsedEvent, _ batch: EventBatch) throws {
            written += 1
            if stack.count >= composer.limits.maxDepth {
                throw fail(.yamlLimit, "nesting deeper than \(composer.limits.maxDepth) levels", e)
            }
            var frame = Frame(isMapping: mapping, startLine: e.startLine, startColumn: e.startColumn,
                              anchor: e.name < 0 ? nil : batch.names[Int(e.name)], base: pending.count)
            // The value of the root mapping's (first) `vms` key.
            if !mapping, vmDecoder != nil, stack.count == 1, stack[0].isMapping, stack[0].hasKey, !stack[0].skipValue,
               let key = pending.last, document.withText(NodeID(index: key), { $0.elementsEqual("vms".utf8) }) {
                frame.isVMList = true
            }
            stack.append(frame)
        }

        mutating func close(mapping: Bool, _ e: ParsedEvent) throws {
            guard let f = stack.popLast(), f.isMapping == mapping else { throw Stop() }
            let first = document.children.count
            let n = pending.count - f.base
            document.children.append(contentsOf: pending[f.base...])
            pending.removeSubrange(f.base...)
            let node = try add(NodeRecord(
                shape: mapping ? .mapping : .sequence, quoted: false, value: .null,
                startLine: f.startLine, startColumn: f.startColumn,
                endLine: e.endLine, endColumn: e.endColumn,
                first: Int32(first), count: Int32(mapping ? n / 2 : n), weight: f.weight))
            if f.isVMList { streamed.list = node }
            try finish(node, anchor: f.anchor)
        }

        mutating func alias(_ e: ParsedEvent, _ batch: EventBatch) throws {
            let name = e.name < 0 ? "" : batch.names[Int(e.name)]
            guard let anchored = anchors[name] else {
                throw fail(.yamlSyntax, "alias '*\(name)' refers to no anchor defined before it", e)
            }
            var record = document.records[Int(anchored.index)]
            aliased = aliased &+ Int(record.weight)
            let limit = composer.limits.aliasAllowance &+ composer.limits.aliasFactor &* written
            if aliased > limit || aliased < 0 {
                throw fail(.yamlLimit, "aliases expand to more than \(limit) nodes (an alias bomb?)", e)
            }
            // The anchored node again (its children shared), located where the alias is.
            record.startLine = e.startLine
            record.startColumn = e.startColumn
            record.endLine = e.endLine
            record.endColumn = e.endColumn
            try finish(try add(record), anchor: nil)
        }

        /// Builds from a batch of events; libyaml's error (after the batch's events) stops it.
        mutating func consume(_ batch: EventBatch) throws {
            for e in batch.events {
                switch e.kind {
                case .scalar: try scalar(e, batch)
                case .mappingStart: try open(mapping: true, e, batch)
                case .sequenceStart: try open(mapping: false, e, batch)
                case .mappingEnd: try close(mapping: true, e)
                case .sequenceEnd: try close(mapping: false, e)
                case .alias: try alias(e, batch)
                case .documentStart:
                    documents += 1
                    if documents > 1 {
                        throw fail(.yamlSyntax, "a manifest is one YAML document; found a second one", e)
                    }
                case .streamEnd: break
                }
            }
            if let error = batch.error {
                diagnostics.append(error)
                throw Stop()
            }
        }

        /// A node is complete: it becomes the root, a sequence item, a mapping key or a value.
        mutating func finish(_ node: NodeID, anchor: String?) throws {
            if let anchor { anchors[anchor] = node }
            guard !stack.isEmpty else {
                root = node
                return
            }
            let top = stack.count - 1
            let weight = document.records[Int(node.index)].weight
            if !stack[top].isMapping {
                pending.append(node.index)
                stack[top].weight = stack[top].weight.addingSaturating(weight)
                if stack[top].isVMList { decodeVM(node) }
                return
            }
            guard stack[top].hasKey else {
                try key(node, top: top)
                return
            }
            if !stack[top].skipValue {
                pending.append(node.index)
                stack[top].weight = stack[top].weight.addingSaturating(weight).addingSaturating(1)
            }
            stack[top].hasKey = false
            stack[top].skipValue = false
        }

        /// Decodes a complete item of the `vms` list in place: the document is lent to the decoder.
        mutating func decodeVM(_ node: NodeID) {
            swap(&document, &vmDecoder!.doc)
            if let vm = vmDecoder!.vm(node) { streamed.vms.append(vm) }
            swap(&document, &vmDecoder!.doc)
        }

        /// `node` is the next key of the mapping at `top`: a repeated key is reported (with a note
        /// at the first) and its value will not be kept.
        mutating func key(_ node: NodeID, top: Int) throws {
            let record = document.records[Int(node.index)]
            guard record.shape == .scalar else {
                throw fail(.typeMismatch, "mapping keys must be plain values, not \(document.typeDescription(node))", record)
            }
            let base = stack[top].base
            var duplicateOf: Int32?
            if let index = stack[top].index {
                duplicateOf = index[document.text(node)]
            } else {
                var k = base
                while k < pending.count {
                    if sameText(pending[k], node) {
                        duplicateOf = pending[k]
                        break
                    }
                    k += 2
                }
            }
            if let earlier = duplicateOf.map({ document.location(NodeID(index: $0), in: composer.fileID) }) {
                let here = document.location(node, in: composer.fileID)
                diagnostics.append(.error(.duplicateKey, "key '\(document.text(node))' is repeated; it was first given at \(earlier.reference(from: here)) (the first value is used)",
                                          at: here, notes: [DiagnosticNote("first given here", at: earlier)]))
            } else {
                if stack[top].index != nil {
                    stack[top].index![document.text(node)] = node.index
                } else if (pending.count - base) / 2 >= 16 {
                    var built: [String: Int32] = [:]
                    for k in stride(from: base, to: pending.count, by: 2) {
                        built[document.text(NodeID(index: pending[k]))] = pending[k]
                    }
                    built[document.text(node)] = node.index
                    stack[top].index = built
                }
                pending.append(node.index)
            }
            stack[top].hasKey = true
            stack[top].skipValue = duplicateOf != nil
        }
    }

    public func compose(_ bytes: [UInt8]) -> ComposedDocument {
        compose(bytes, decodingVMs: false)
    }

    /// Composes; with `decodingVMs`, each item of the root's `vms` list is also decoded as soon
    /// as it is complete, so that decoding overlaps reading (libyaml runs on its own thread for
    /// large input). `ManifestDecoder.decode` then uses those VMs instead of decoding them again.
    func compose(_ bytes: [UInt8], decodingVMs: Bool) -> ComposedDocument {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            return ComposedDocument(document: YAMLDocument(), rootID: nil, stopped: true, diagnostics: [
                .error(.yamlLimit, "the YAML parser could not start (out of memory)", at: location(Mark(line: 1, column: 1)))
            ])
        }
        defer { yaml_parser_delete(&parser) }
        var b = Builder(self)
        if decodingVMs { b.vmDecoder = ManifestDecoder(file: file) }
        // About one node per 7 bytes of a typical manifest; scalar text is never longer than the input.
        b.document.records.reserveCapacity(bytes.count / 7 + 16)
        b.document.children.reserveCapacity(bytes.count / 7 + 16)
        b.document.text.reserveCapacity(bytes.count + 16)

        var stopped = false
        bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!, buffer.count)
            withUnsafeMutablePointer(to: &parser) { parser in
                if buffer.count < limits.pipelineThreshold {
                    var done: EventBatch?
                    EventReader.read(parser, bytes: buffer, composer: self, spare: { done.take() }) { batch in
                        do {
                            try b.consume(batch)
                            done = batch
                            return true
                        } catch {
                            stopped = true
                            return false
                        }
                    }
                    return
                }
                // libyaml reads on another thread; the batches it fills are composed here.
                let queue = BatchQueue(capacity: 8)
                let finished = DispatchSemaphore(value: 0)
                let input = Handoff((parser, buffer))
                DispatchQueue.global(qos: .userInitiated).async { [self] in
                    let (parser, buffer) = input.value
                    EventReader.read(parser, bytes: buffer, composer: self, spare: queue.spare, emit: queue.put)
                    finished.signal()
                }
                while true {
                    let batch = queue.take()
                    do {
                        try b.consume(batch)
                    } catch {
                        stopped = true
                        queue.cancel()
                        break
                    }
                    if batch.last { break }
                    queue.recycle(batch)
                }
                finished.wait()
                queue.settle()
            }
        }
        // A Stop: the diagnostic is already recorded; the document is incomplete.
        if let decoder = b.vmDecoder { b.streamed.diagnostics = decoder.diagnostics }
        return ComposedDocument(document: b.document, rootID: stopped ? nil : b.root, stopped: stopped, diagnostics: b.diagnostics,
                                streamed: b.vmDecoder == nil || stopped ? nil : b.streamed)
    }

    fileprivate func resolve(_ text: UnsafeBufferPointer<UInt8>, quoted: Bool, tag: ParsedEvent.Tag) -> ScalarValue {
        switch tag {
        case .string: return .string
        case .null: return .null
        case .none, .other: return quoted ? .string : ScalarResolver.resolve(text)
        }
    }

    func location(_ mark: Mark) -> SourceLocation {
        SourceLocation(fileID, line: mark.line, column: mark.column)
    }
}

/// Hands the parser and the input to the reading thread, which alone uses them until it ends.
private struct Handoff<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

private extension Int32 {
    /// Node weights only bound alias expansion: past Int32.max they stay there.
    func addingSaturating(_ other: Int32) -> Int32 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
