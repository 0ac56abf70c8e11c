import CYaml
import Dispatch
import RangeDiagnostics
import Synchronization

/// One libyaml event, copied out of libyaml's memory so that the parser can run on its own
/// thread while the composer builds the document from the events already read.
struct ParsedEvent {
    enum Kind: UInt8 {
        case scalar, mappingStart, sequenceStart, mappingEnd, sequenceEnd, alias, documentStart, streamEnd
    }

    /// The scalar tags the core schema gives a meaning to.
    enum Tag: UInt8 {
        case none, string, null, other
    }

    var kind: Kind
    var quoted: Bool
    var tag: Tag
    var startLine: Int32
    var startColumn: Int32
    var endLine: Int32
    var endColumn: Int32
    /// A scalar's bytes in its batch's `text`.
    var textStart: Int32
    var textCount: Int32
    /// The anchor (scalars, collection starts) or the alias's name, in its batch's `names`; -1: none.
    var name: Int32
}

/// Events read in a row, handed over whole from the thread that reads them to the one that
/// composes (never used by both at once), then handed back to be filled again: fresh buffers
/// for every batch would map and fault in new memory while the other thread faults in its own.
/// Filled in local arrays and swapped in: a class's `var` properties mutated in a loop would be
/// checked for exclusive access at every step.
final class EventBatch: @unchecked Sendable {
    var events: [ParsedEvent] = []
    var text: [UInt8] = []
    var names: [String] = []
    /// libyaml's error, after the last event it could read.
    var error: Diagnostic?
    /// Nothing follows this batch (the stream ended or failed).
    var last = false
}

/// Runs libyaml over a buffer and hands out its events in batches.
enum EventReader {
    static let batchSize = 4096

    /// Reads until the stream ends or fails (the last batch says which), or until `emit`
    /// returns false (the composer stopped).
    static func read(_ parser: UnsafeMutablePointer<yaml_parser_t>, bytes: UnsafeBufferPointer<UInt8>,
                     composer: YAMLComposer, spare: () -> EventBatch?, emit: (EventBatch) -> Bool) {
        var events: [ParsedEvent] = []
        var text: [UInt8] = []
        var names: [String] = []
        events.reserveCapacity(batchSize)
        /// The events so far, in a spare batch; the spare's emptied arrays (capacity kept) take their place.
        func batch(error: Diagnostic? = nil, last: Bool) -> EventBatch {
            let b = spare() ?? EventBatch()
            swap(&b.events, &events)
            swap(&b.text, &text)
            swap(&b.names, &names)
            b.error = error
            b.last = last
            events.removeAll(keepingCapacity: true)
            text.removeAll(keepingCapacity: true)
            names.removeAll(keepingCapacity: true)
            events.reserveCapacity(batchSize)
            return b
        }
        func name(_ p: UnsafeMutablePointer<yaml_char_t>?) -> Int32 {
            guard let p else { return -1 }
            names.append(String(cString: UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self)))
            return Int32(names.count - 1)
        }
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(parser, &event) == 1 else {
                _ = emit(batch(error: composer.syntaxError(parser.pointee, bytes: bytes), last: true))
                return
            }
            var e = ParsedEvent(kind: .scalar, quoted: false, tag: .none,
                                startLine: Int32(truncatingIfNeeded: event.start_mark.line + 1),
                                startColumn: Int32(truncatingIfNeeded: event.start_mark.column + 1),
                                endLine: Int32(truncatingIfNeeded: event.end_mark.line + 1),
                                endColumn: Int32(truncatingIfNeeded: event.end_mark.column + 1),
                                textStart: 0, textCount: 0, name: -1)
            var keep = true
            switch event.type {
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                e.quoted = s.style != YAML_PLAIN_SCALAR_STYLE
                e.tag = tag(s.tag)
                e.textStart = Int32(truncatingIfNeeded: text.count)
                e.textCount = Int32(truncatingIfNeeded: s.length)
                text.append(contentsOf: UnsafeBufferPointer(start: s.value, count: Int(s.length)))
                e.name = name(s.anchor)
            case YAML_MAPPING_START_EVENT:
                e.kind = .mappingStart
                e.name = name(event.data.mapping_start.anchor)
            case YAML_SEQUENCE_START_EVENT:
                e.kind = .sequenceStart
                e.name = name(event.data.sequence_start.anchor)
            case YAML_MAPPING_END_EVENT:
                e.kind = .mappingEnd
            case YAML_SEQUENCE_END_EVENT:
                e.kind = .sequenceEnd
            case YAML_ALIAS_EVENT:
                e.kind = .alias
                e.name = name(event.data.alias.anchor)
            case YAML_DOCUMENT_START_EVENT:
                e.kind = .documentStart
            case YAML_STREAM_END_EVENT:
                e.kind = .streamEnd
            default:
                keep = false
            }
            let end = event.type == YAML_STREAM_END_EVENT
            yaml_event_delete(&event)
            if keep { events.append(e) }
            if end {
                _ = emit(batch(last: true))
                return
            }
            if events.count >= batchSize || text.count >= 1 << 20 {
                guard emit(batch(last: false)) else { return }
            }
        }
    }

    private static func tag(_ p: UnsafeMutablePointer<yaml_char_t>?) -> ParsedEvent.Tag {
        guard let p else { return .none }
        switch String(cString: UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self)) {
        case "tag:yaml.org,2002:str", "!": return .string
        case "tag:yaml.org,2002:null": return .null
        default: return .other
        }
    }
}

/// Batches on their way from the reading thread to the composing one; at most `capacity` wait.
///
/// A Dispatch semaphore that is released with its count below the value it was created with
/// crashes the process, and a composer that stops early leaves batches unread: so the queue
/// counts the room it has handed out and gives it all back in `settle()`, once the reader ended.
final class BatchQueue: Sendable {
    private struct State: ~Copyable {
        var items: [EventBatch] = []
        var head = 0
        var cancelled = false
        /// Batches composed and handed back, to be filled again.
        var spare: [EventBatch] = []
        /// Waits on `room` not yet matched by a signal.
        var roomOut = 0
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let room: DispatchSemaphore

    init(capacity: Int) {
        room = DispatchSemaphore(value: capacity)
    }

    /// Adds a batch, waiting for room; false once the composer has stopped taking.
    func put(_ batch: EventBatch) -> Bool {
        room.wait()
        let added = state.withLock { s -> Bool in
            s.roomOut += 1
            if s.cancelled { return false }
            s.items.append(batch)
            return true
        }
        if added { available.signal() }
        return added
    }

    /// The next batch, waiting for one.
    func take() -> EventBatch {
        available.wait()
        let batch = state.withLock { s -> EventBatch in
            let b = s.items[s.head]
            s.head += 1
            if s.head > 64 {
                s.items.removeFirst(s.head)
                s.head = 0
            }
            s.roomOut -= 1
            return b
        }
        room.signal()
        return batch
    }

    /// A batch the composer is done with, for the reader to fill again.
    func recycle(_ batch: EventBatch) {
        state.withLock { $0.spare.append(batch) }
    }

    /// A batch to fill, when one was handed back.
    func spare() -> EventBatch? {
        state.withLock { $0.spare.popLast() }
    }

    /// The composer stopped: the reader's next `put` returns false (room is made so that it
    /// does not wait for the composer that is gone).
    func cancel() {
        state.withLock {
            $0.cancelled = true
            $0.roomOut -= 1
        }
        room.signal()
    }

    /// After the reader ended: every unit of room handed out comes back, and the batches left
    /// unread are dropped, so that both semaphores end where they started (or above).
    func settle() {
        let owed = state.withLock { s -> Int in
            let n = s.roomOut
            s.roomOut = 0
            s.items.removeAll()
            s.head = 0
            return n
        }
        for _ in 0..<max(0, owed) { room.signal() }
    }
}
