import Foundation

/// Work on a bounded number of threads, for the reads and pulls made of an engine (by a
/// workflow, or by an engine module for requests that do not depend on each other).
public enum Concurrent {
    /// `transform` of each item on up to `width` threads, each taking the next item; the results
    /// in the items' order, whatever order they finish in.
    public static func map<T: Sendable, R: Sendable>(_ items: [T], width: Int, _ transform: @escaping @Sendable (T) -> R) -> [R] {
        let slots = ResultSlots<R>(count: items.count)
        let group = DispatchGroup()
        for _ in 0..<min(max(1, width), items.count) {
            group.enter()
            let thread = Thread {
                while let i = slots.claim() { slots.store(transform(items[i]), at: i) }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        return slots.values
    }
}

/// The results of `Concurrent.map`, one slot per item, and which item is next. Thread-safe.
private final class ResultSlots<R: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var slots: [R?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// The index of the next item nobody took yet; nil when all are taken.
    func claim() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < slots.count else { return nil }
        defer { next += 1 }
        return next
    }

    func store(_ result: R, at index: Int) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    /// Every result; called once all are stored.
    var values: [R] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}
