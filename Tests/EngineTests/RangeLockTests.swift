import Engine
import InMemoryEngine
import Plan
import Testing

/// The range lock: one holder at a time, a crashed holder never blocks for ever, foreign objects
/// untouched. Waits and expiry run on a manual clock: the tests assert the waits asked for, not seconds.
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
        let clock = ManualClock()
        clock.onSleep = { waits in if waits == 3 { first.release() } }
        let second = try RangeLock.acquire("t", on: engine, timeout: 10, clock: clock, host: "b")
        // It looked every half second and took the lock at the first look after the release.
        #expect(clock.sleeps == [0.5, 0.5, 0.5])
        #expect(second.holder.host == "b")
        #expect(engine.calls.filter { $0.name == "claimLock" }.count == 1 + 4)
        second.release()
    }

    @Test func waitingGivesUpAtTheTimeoutNamingTheHolderAndTheWait() throws {
        let engine = InMemoryEngine()
        let first = try RangeLock.acquire("t", on: engine, timeout: 0, host: "a")
        defer { first.release() }
        let clock = ManualClock()
        do {
            _ = try RangeLock.acquire("t", on: engine, timeout: 1.25, clock: clock, host: "b")
            Issue.record("the second run got the lock")
        } catch let LockError.held(holder, name, waited) {
            #expect(name == "t.lock" && holder.host == "a")
            #expect(waited == 1.25)
        }
        // The last wait is shortened so that it gives up at the timeout, not after it.
        #expect(clock.sleeps == [0.5, 0.5, 0.25])
        #expect(engine.container(named: "t.lock")?.labels[RangeLock.tokenLabel] == first.holder.token)
    }

    @Test func noTimeoutMeansNoWait() throws {
        let engine = InMemoryEngine()
        let first = try RangeLock.acquire("t", on: engine, timeout: 0, host: "a")
        defer { first.release() }
        let clock = ManualClock()
        #expect(throws: LockError.self) { _ = try RangeLock.acquire("t", on: engine, timeout: 0, clock: clock, host: "b") }
        #expect(clock.sleeps.isEmpty)
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
        let clock = ManualClock()
        _ = try RangeLock.acquire("t", on: engine, timeout: 0, clock: clock, host: "elsewhere")
        clock.advance(by: RangeLock.lifetime - 1)
        #expect(throws: LockError.self) { _ = try RangeLock.acquire("t", on: engine, timeout: 0, clock: clock, host: "here") }
        clock.advance(by: 2)
        let taken = try RangeLock.acquire("t", on: engine, timeout: 0, clock: clock, host: "here")
        #expect(taken.holder.host == "here")
        #expect(clock.sleeps.isEmpty)
    }

    @Test func aLockThatExpiresWhileWaitingIsBrokenAtTheNextLook() throws {
        let engine = InMemoryEngine()
        let clock = ManualClock()
        _ = try RangeLock.acquire("t", on: engine, timeout: 0, clock: clock, host: "elsewhere")
        let taken = try RangeLock.acquire("t", on: engine, timeout: 2 * RangeLock.lifetime, clock: clock, host: "here")
        #expect(taken.holder.host == "here")
        // Broken at the first half-second look after its expiry, not before.
        let waited = clock.sleeps.reduce(0, +)
        #expect(waited > RangeLock.lifetime && waited <= RangeLock.lifetime + 0.5)
        #expect(engine.calls.filter { $0.name == "releaseLock" }.count == 1)
    }

    @Test func aForeignObjectWithTheLocksNameIsNeverRemoved() throws {
        let engine = InMemoryEngine()
        engine.addContainer(name: "t.lock")
        #expect(throws: LockError.self) { _ = try RangeLock.acquire("t", on: engine, timeout: 0, host: "here") }
        #expect(engine.container(named: "t.lock") != nil)
    }

    @Test func theLockIsNotPartOfTheObservedRange() throws {
        let engine = InMemoryEngine()
        let d = Fixture.desired
        for n in d.networks { _ = try engine.createNetwork(n, labels: SpecEncoding.networkLabels(n, range: d)) }
        for vm in d.vms {
            try engine.startContainer(id: try engine.createContainer(vm, range: d, labels: SpecEncoding.vmLabels(vm, range: d), cpus: 1))
        }
        let before = try engine.observe().observed(range: "t")
        #expect(before.containers.map(\.name) == ["t-db", "t-web"])
        let lock = try RangeLock.acquire("t", on: engine, timeout: 0, host: "here")
        defer { lock.release() }
        let inventory = try engine.observe()
        // The lock carries the range's labels, yet the range's observed objects (what a plan or a
        // teardown is decided from) leave it out: nothing re-plans or removes it.
        #expect(inventory.containers.contains { $0.name == "t.lock" && $0.isOwned(by: "t") })
        let during = inventory.observed(range: "t")
        #expect(during == before)
        #expect(during.fingerprint == before.fingerprint)
    }
}
