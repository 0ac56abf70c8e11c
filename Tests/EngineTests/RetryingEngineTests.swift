import Engine
import Foundation
import InMemoryEngine
import Plan
import Testing

/// `RetryingEngine`, the wrapper the CLI talks through: a read that meets no answer or a server
/// error is tried again after each of its delays, then the fault is reported; anything else, and
/// every write, is passed through once. The delays are waited on a manual clock and asserted as
/// the waits asked for.
struct RetryingEngineTests {
    static let reset = EngineError.unreachable(endpoint: "memory://test", reason: "Connection reset by peer")
    static let serverError = EngineError.http(status: 500, message: "Internal Server Error", request: "GET /containers/json")

    /// A counter shared with a fault closure.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func next() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
    }

    /// An engine whose calls named `name` fail with `error` the first `times` times.
    func failing(_ name: String, _ error: EngineError, times: Int = .max) -> InMemoryEngine {
        let engine = InMemoryEngine()
        let count = Counter()
        engine.fault = { call in call.name == name && count.next() <= times ? error : nil }
        return engine
    }

    func count(_ engine: InMemoryEngine, _ name: String) -> Int { engine.calls.filter { $0.name == name }.count }

    @Test func aReadThatFailsBrieflyIsTriedAgainAfterEachDelay() throws {
        let engine = failing("inventory", Self.serverError, times: 2)
        let clock = ManualClock()
        let inventory = try RetryingEngine(engine, clock: clock).inventory()
        #expect(inventory.images == ["busybox:latest"])
        #expect(count(engine, "inventory") == 3)
        #expect(clock.sleeps == [0.2, 0.4])
    }

    @Test func aReadThatKeepsFailingIsReportedAfterEveryDelay() throws {
        let engine = failing("inventory", Self.reset)
        let clock = ManualClock()
        #expect(throws: Self.reset) { _ = try RetryingEngine(engine, clock: clock).observe() }
        #expect(count(engine, "inventory") == 4)   // once, then three retries
        #expect(clock.sleeps == [0.2, 0.4, 0.8])
    }

    @Test func theDelaysGivenAreTheWaitsAskedFor() throws {
        let engine = failing("inventory", Self.reset)
        let clock = ManualClock()
        #expect(throws: Self.reset) { _ = try RetryingEngine(engine, delays: [1, 5], clock: clock).inventory() }
        #expect(clock.sleeps == [1, 5])
        let once = failing("inventory", Self.reset)
        #expect(throws: Self.reset) { _ = try RetryingEngine(once, delays: [], clock: clock).inventory() }
        #expect(count(once, "inventory") == 1)
    }

    @Test(arguments: ["startedAt", "readRoutes"])
    func everyReadIsRetried(_ name: String) throws {
        let engine = failing(name, Self.reset, times: 1)
        let clock = ManualClock()
        let retrying = RetryingEngine(engine, clock: clock)
        if name == "startedAt" { _ = try retrying.startedAt(container: "x") } else { _ = try retrying.readRoutes(containerID: "x", range: Fixture.desired) }
        #expect(count(engine, name) == 2)
        #expect(clock.sleeps == [0.2])
    }

    /// A refusal is the engine's answer, not a fault: trying again would get the same one.
    @Test(arguments: [
        EngineError.http(status: 404, message: "No such container: x", request: "GET /containers/x/json"),
        EngineError.http(status: 409, message: "conflict", request: "GET /containers/json"),
        EngineError.http(status: 499, message: "client closed", request: "GET /containers/json"),
        EngineError.unsupported("the engine's answer could not be read"),
    ])
    func aReadRefusedIsReportedAtOnce(_ error: EngineError) throws {
        let engine = failing("inventory", error)
        let clock = ManualClock()
        #expect(throws: error) { _ = try RetryingEngine(engine, clock: clock).inventory() }
        #expect(count(engine, "inventory") == 1)
        #expect(clock.sleeps.isEmpty)
    }

    /// Repeating a write blindly could do it twice: it is sent once and its fault reported.
    @Test(arguments: ["createNetwork", "removeNetwork", "createContainer", "startContainer", "removeContainer",
                      "exec", "setRoutes", "claimLock", "releaseLock"])
    func aWriteIsSentOnceWhateverItsFault(_ name: String) throws {
        let engine = failing(name, Self.reset)
        let clock = ManualClock()
        let retrying = RetryingEngine(engine, clock: clock)
        let d = Fixture.desired
        #expect(throws: Self.reset) {
            switch name {
            case "createNetwork": _ = try retrying.createNetwork(Fixture.a, labels: [])
            case "removeNetwork": try retrying.removeNetwork(id: "x")
            case "createContainer": _ = try retrying.createContainer(Fixture.db, range: d, labels: [], cpus: 1)
            case "startContainer": try retrying.startContainer(id: "x")
            case "removeContainer": try retrying.removeContainer(id: "x")
            case "exec": _ = try retrying.exec(container: "x", command: ["true"])
            case "setRoutes": try retrying.setRoutes(Fixture.db, containerID: "x", range: d)
            case "claimLock": _ = try retrying.claimLock(name: "t.lock", labels: [])
            default: try retrying.releaseLock(id: "x")
            }
        }
        #expect(count(engine, name) == 1)
        #expect(clock.sleeps.isEmpty)
    }

    @Test func itSpeaksForTheEngineItWraps() {
        let engine = InMemoryEngine(apiVersion: APIVersion(1, 48))
        let retrying = RetryingEngine(engine)
        #expect(retrying.endpoint == engine.endpoint && retrying.apiVersion == APIVersion(1, 48))
    }
}
