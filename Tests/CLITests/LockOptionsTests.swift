import Engine
import InMemoryEngine
import RangeDiagnostics
@testable import rangectl
import Testing

/// `--lock-timeout`: how long apply and destroy wait for another run of the range, and the
/// `range-locked` diagnostic they end with. The wait is a manual clock's, asserted as such.
struct LockOptionsTests {
    func held(_ range: String, on engine: InMemoryEngine) throws -> RangeLock {
        try RangeLock.acquire(range, on: engine, timeout: 0, host: "ci-runner-1")
    }

    @Test func aLockWaitGivesUpAfterTheTimeoutWithARangeLockedDiagnostic() throws {
        let engine = InMemoryEngine()
        let first = try held("t", on: engine)
        defer { first.release() }
        let clock = ManualClock()
        let result = try LockOptions.parse(["--lock-timeout", "2"]).acquire("t", on: engine, clock: clock)
        guard case let .failure(d) = result else { Issue.record("the second run got the lock"); return }
        #expect(d.code == .rangeLocked && d.severity == .error)
        #expect(d.message.hasPrefix("range t is locked by "), "\(d.message)")
        #expect(d.message.contains("@ci-runner-1 (pid ") && d.message.contains("(lock t.lock on the engine, expires "), "\(d.message)")
        #expect(d.message.contains("another apply or destroy is running; waited 2 s. Wait for it with --lock-timeout SECONDS"), "\(d.message)")
        #expect(d.message.hasSuffix("`docker rm t.lock` frees it"), "\(d.message)")
        #expect(clock.sleeps == [0.5, 0.5, 0.5, 0.5])
    }

    @Test func withoutATimeoutItFailsAtOnceAndSaysNothingOfAWait() throws {
        let engine = InMemoryEngine()
        let first = try held("t", on: engine)
        defer { first.release() }
        let clock = ManualClock()
        guard case let .failure(d) = try LockOptions.parse([]).acquire("t", on: engine, clock: clock) else {
            Issue.record("the second run got the lock")
            return
        }
        #expect(d.code == .rangeLocked)
        #expect(!d.message.contains("waited"), "\(d.message)")
        #expect(clock.sleeps.isEmpty)
    }

    @Test func aLockReleasedDuringTheWaitIsTaken() throws {
        let engine = InMemoryEngine()
        let first = try held("t", on: engine)
        let clock = ManualClock()
        clock.onSleep = { waits in if waits == 2 { first.release() } }
        guard case let .success(lock) = try LockOptions.parse(["--lock-timeout", "60"]).acquire("t", on: engine, clock: clock) else {
            Issue.record("the lock was not taken")
            return
        }
        #expect(clock.sleeps == [0.5, 0.5])
        lock.release()
        #expect(engine.container(named: "t.lock") == nil)
    }

    @Test func aNegativeTimeoutIsAUsageError() {
        #expect(throws: (any Error).self) { _ = try LockOptions.parse(["--lock-timeout", "-1"]) }
    }
}
