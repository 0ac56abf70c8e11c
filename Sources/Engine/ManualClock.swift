import Foundation

/// A clock that moves only when waited on or told to: `sleep` records the wait and advances the
/// time at once. For tests of retry and lock code, which then assert which waits were asked for.
/// Thread-safe.
public final class ManualClock: EngineClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private var asked: [TimeInterval] = []
    /// Runs after each wait has moved the time on, outside the clock's lock, with the number of
    /// waits so far: a test makes something happen meanwhile (another holder releases its lock).
    public var onSleep: (@Sendable (Int) -> Void)?

    /// Starts at `start`: by default a fixed moment (2001-01-01, where `Date` counts from), so
    /// that runs are alike and waits such as 0.5 + 0.5 + 0.2 add up to exactly what they say.
    public init(start: Date = Date(timeIntervalSinceReferenceDate: 0)) {
        current = start
    }

    public func now() -> Date { locked { current } }

    public func sleep(_ seconds: TimeInterval) {
        let count: Int = locked {
            asked.append(seconds)
            current += max(0, seconds)
            return asked.count
        }
        onSleep?(count)
    }

    /// Moves the time on without a wait (time passing between two runs, say).
    public func advance(by seconds: TimeInterval) {
        locked { current += seconds }
    }

    /// Every wait asked for, in order.
    public var sleeps: [TimeInterval] { locked { asked } }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}
