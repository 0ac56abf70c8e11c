import Engine
import InMemoryEngine
import RangeDiagnostics
import Testing
import Workflows

/// The range lock as apply and destroy take it (`--lock-timeout` seconds): how long they wait for
/// another run of the range, and the `range-locked` diagnostic they end with. The wait is a
/// manual clock's, asserted as such.
struct RangeLockingTests {
    func held(_ range: String, on engine: InMemoryEngine) throws -> RangeLock {
        try RangeLock.acquire(range, on: engine, timeout: 0, host: "ci-runner-1")
    }

    @Test func aLockWaitGivesUpAfterTheTimeoutWithARangeLockedDiagnostic() throws {
        let engine = InMemoryEngine()
        let first = try held("t", on: engine)
        defer { first.release() }
        let clock = ManualClock()
        let result = RangeLocking.acquire("t", on: engine, timeout: 2, clock: clock)
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
        guard case let .failure(d) = RangeLocking.acquire("t", on: engine, timeout: 0, clock: clock) else {
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
        guard case let .success(lock) = RangeLocking.acquire("t", on: engine, timeout: 60, clock: clock) else {
            Issue.record("the lock was not taken")
            return
        }
        #expect(clock.sleeps == [0.5, 0.5])
        lock.release()
        #expect(engine.container(named: "t.lock") == nil)
    }
}
