import Foundation

/// The time that engine code reads and waits on (retries, the range lock), passed in rather than
/// read from the system, so that tests drive it and assert what was waited for, never seconds
/// (swift-nio's embedded event loop does the same for timers).
///
/// Not Swift's `Clock`: its `sleep` is `async`, and every caller here is synchronous (commands,
/// the applier's worker threads), so it would have to block on a task; and its instants are not
/// wall-clock time, which the lock's expiry is (another machine reads it from the lock's labels).
public protocol EngineClock: Sendable {
    /// The current wall-clock time.
    func now() -> Date
    /// Waits `seconds` before returning (a manual clock only records the wait and moves on).
    func sleep(_ seconds: TimeInterval)
}

/// The system's clock: `Date()` and a blocking `Thread.sleep`.
public struct SystemClock: EngineClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(_ seconds: TimeInterval) {
        if seconds > 0 { Thread.sleep(forTimeInterval: seconds) }
    }
}
