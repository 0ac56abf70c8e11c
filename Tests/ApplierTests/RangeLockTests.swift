import Engine
import Foundation
import InMemoryEngine
import Plan
import Testing

/// The range lock: one holder at a time, a crashed holder never blocks for ever, foreign objects untouched.
struct RangeLockTests {
    @Test func aSecondRunIsRefusedNamingTheHolderUntilTheFirstReleases() throws {
        let engine = InMemoryEngine()
        let first = try RangeLock.acquire("t", on: engine, timeout: 0, host: "ci-runner-1")
        do {
            _ = try RangeLock.acquire("t", on: engine, timeout: 0, host: "ci-runner-2")
            Issue.record("the second run got the lock")
        } catch let LockError.held(holder, name, _) {
            #expect(name == "t.lock")
            #expect(holder.host == "ci-runner-1" && holder.token == first.holder.token)
        }
        first.release()
        let second = try RangeLock.acquire("t", on: engine, timeout: 0, host: "ci-runner-2")
        #expect(second.holder.host == "ci-runner-2")
        second.release()
        #expect(engine.container(named: "t.lock") == nil)
    }

    @Test func waitingEndsWhenTheHolderReleases() throws {
        let engine = InMemoryEngine()
        let first = try RangeLock.acquire("t", on: engine, timeout: 0, host: "a")
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { first.release() }
        let start = Date()
        let second = try RangeLock.acquire("t", on: engine, timeout: 10, host: "b")
        #expect(Date().timeIntervalSince(start) >= 0.25)
        second.release()
    }

    @Test func waitingGivesUpAfterTheTimeout() throws {
        let engine = InMemoryEngine()
        let first = try RangeLock.acquire("t", on: engine, timeout: 0, host: "a")
        defer { first.release() }
        let start = Date()
        #expect(throws: LockError.self) { _ = try RangeLock.acquire("t", on: engine, timeout: 0.3, host: "b") }
        #expect(Date().timeIntervalSince(start) >= 0.3)
    }

    @Test func aCrashedHolderOnThisHostIsBrokenAtOnce() throws {
        let engine = InMemoryEngine()
        _ = try RangeLock.acquire("t", on: engine, timeout: 0, host: "here")   // never released: it "crashed"
        let next = try RangeLock.acquire("t", on: engine, timeout: 0, processAlive: { _ in false }, host: "here")
        #expect(next.holder.host == "here")
        // While the holder lives, the lock holds.
        #expect(throws: LockError.self) {
            _ = try RangeLock.acquire("t", on: engine, timeout: 0, processAlive: { _ in true }, host: "here")
        }
    }

    @Test func aLockFromAnotherHostHoldsUntilItExpires() throws {
        let engine = InMemoryEngine()
        _ = try RangeLock.acquire("t", on: engine, timeout: 0, host: "elsewhere")
        #expect(throws: LockError.self) { _ = try RangeLock.acquire("t", on: engine, timeout: 0, host: "here") }
        let later = Date().addingTimeInterval(RangeLock.lifetime + 60)
        let taken = try RangeLock.acquire("t", on: engine, timeout: 0, now: { later }, host: "here")
        #expect(taken.holder.host == "here")
    }

    @Test func aForeignObjectWithTheLocksNameIsNeverRemoved() throws {
        let engine = InMemoryEngine()
        engine.addContainer(name: "t.lock")
        #expect(throws: LockError.self) { _ = try RangeLock.acquire("t", on: engine, timeout: 0, host: "here") }
        #expect(engine.container(named: "t.lock") != nil)
    }

    @Test func theLockIsNotPartOfTheObservedRange() throws {
        let engine = InMemoryEngine()
        try apply(ReconcileAndApplyTests.two, on: engine)
        let before = try engine.observe().observed(range: "t")
        let lock = try RangeLock.acquire("t", on: engine, timeout: 0, host: "here")
        defer { lock.release() }
        let during = try engine.observe().observed(range: "t")
        #expect(during.fingerprint == before.fingerprint)
        #expect(Reconciler.teardown(during, InMemoryEngine().capabilities).changes.allSatisfy { $0.name != "t.lock" })
    }
}
