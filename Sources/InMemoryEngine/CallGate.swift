import Foundation

/// Makes calls of an `InMemoryEngine` overlap on purpose, for tests of concurrency that must not
/// count on timing: the first `count` calls `chosen` picks are held at their start, in flight and
/// before any effect, until `count` of them are held at once. Then `whenFull` runs with them (on
/// the thread of the call that filled the gate, while all of them are still held: a test
/// interrupts an apply there, or reads the engine's calls in flight), and they all go on; every
/// later call passes. Set it as the engine's `gate`. Thread-safe.
///
/// A gate that never fills (fewer such calls come than `count`, or they never overlap) lets its
/// calls go after `guardSeconds`, with `filled` false: a guard against a hang, not a measure.
public final class CallGate: @unchecked Sendable {
    public let count: Int
    private let chosen: @Sendable (InMemoryEngine.Call) -> Bool
    private let whenFull: (@Sendable ([InMemoryEngine.Call]) -> Void)?
    private let guardSeconds: TimeInterval
    private let condition = NSCondition()
    private var holding: [InMemoryEngine.Call] = []
    private var open = false
    private var full = false

    public init(holding count: Int, of chosen: @escaping @Sendable (InMemoryEngine.Call) -> Bool,
                guardSeconds: TimeInterval = 60, whenFull: (@Sendable ([InMemoryEngine.Call]) -> Void)? = nil) {
        self.count = count
        self.chosen = chosen
        self.guardSeconds = guardSeconds
        self.whenFull = whenFull
    }

    /// The calls it held, in the order they arrived.
    public var held: [InMemoryEngine.Call] { locked { holding } }

    /// Whether `count` calls were held at once (false: it opened on its guard, or has not opened).
    public var filled: Bool { locked { full } }

    /// Called by the engine at the start of every call, outside its lock: returns at once, or
    /// when the gate opens for a call it holds.
    func pass(_ call: InMemoryEngine.Call) {
        condition.lock()
        guard !open, holding.count < count, chosen(call) else {
            condition.unlock()
            return
        }
        holding.append(call)
        if holding.count == count {
            let calls = holding
            full = true
            condition.unlock()
            whenFull?(calls)
            condition.lock()
            open = true
            condition.broadcast()
            condition.unlock()
            return
        }
        let deadline = Date().addingTimeInterval(guardSeconds)
        while !open {
            if !condition.wait(until: deadline) {
                open = true
                condition.broadcast()
            }
        }
        condition.unlock()
    }

    private func locked<T>(_ body: () -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body()
    }
}
