import Applier
import Engine
import Foundation
import InMemoryEngine
import Plan
import Planner
import Testing

/// A counter shared with a fault closure.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
}

/// Engine faults (500s, timeouts, connection resets, 409 races) through `RetryingEngine`, the
/// wrapper the CLI uses: reads retry with a bounded back-off, writes are never repeated, a failed
/// apply reports what it did, and the next apply converges. The wrapper's own rules are tested
/// in EngineTests; its waits here are a manual clock's.
@Suite(.serialized)
struct EngineFaultTests {
    static let vms = (0..<6).map { "  - {hostname: v\($0), image: busybox, networks: [a, b]}" }.joined(separator: "\n")
    static let text = lab(vms)
    static let fast: [TimeInterval] = [0.01, 0.02, 0.04]

    /// Plans and applies through the retrying wrapper, its waits asked of `clock`.
    func applyThroughRetry(_ engine: InMemoryEngine, clock: ManualClock = ManualClock()) throws -> ApplyReport {
        let wrapped = RetryingEngine(engine, delays: Self.fast, clock: clock)
        let p = try plan(Self.text, on: wrapped)
        return Applier(engine: wrapped, desired: p.desired, cpus: 2, parallelism: 3, conflictWaits: Self.fast, clock: clock) { _ in }.apply(p.reconciliation)
    }

    func converged(_ engine: InMemoryEngine) throws -> Bool {
        try plan(Self.text, on: engine).reconciliation.changes.isEmpty
    }

    @Test func transientReadFaultsAreRetriedWithinTheBound() throws {
        let engine = InMemoryEngine()
        let count = Counter()
        engine.fault = { call in
            call.name == "inventory" && count.next() <= 2 ? .http(status: 500, message: "Internal Server Error", request: "GET /containers/json") : nil
        }
        let clock = ManualClock()
        let report = try applyThroughRetry(engine, clock: clock)
        #expect(report.succeeded)
        #expect(engine.calls.filter { $0.name == "inventory" }.count == 3)
        #expect(clock.sleeps == Array(Self.fast.prefix(2)))
        engine.fault = nil
        #expect(try converged(engine))
        print("faults: 2 x HTTP 500 on a read: retried, apply succeeded")
    }

    @Test(arguments: [
        ("createContainer", EngineError.unreachable(endpoint: "memory://test", reason: "Connection reset by peer")),
        ("createContainer", EngineError.http(status: 500, message: "Internal Server Error", request: "POST /containers/create")),
        ("startContainer", EngineError.unreachable(endpoint: "memory://test", reason: "Operation timed out after 300000 milliseconds")),
        ("createNetwork", EngineError.http(status: 409, message: "network with name t-b already exists", request: "POST /networks/create")),
        ("removeContainer", EngineError.http(status: 500, message: "driver failed", request: "DELETE /containers")),
    ])
    func aFailedWriteIsSentOnceReportedAndTheNextApplyConverges(_ callName: String, _ fault: EngineError) throws {
        let engine = InMemoryEngine()
        if callName == "removeContainer" {
            // Something to remove: a VM of the range that the manifest no longer has.
            try apply(lab(Self.vms + "\n  - {hostname: gone, image: busybox, networks: [a]}"), on: engine)
            engine.modifyContainer(named: "t-v3") { $0.running = false }
        }
        engine.resetCalls()
        let fired = Counter()
        engine.fault = { call in call.name == callName && fired.next() == 1 ? fault : nil }
        let report = try applyThroughRetry(engine)
        #expect(!report.succeeded, "\(callName)")
        #expect(report.failed.count == 1)
        #expect(report.failed.first?.engineUnreachable == (fault == .unreachable(endpoint: "memory://test", reason: "Connection reset by peer")
            || fault == .unreachable(endpoint: "memory://test", reason: "Operation timed out after 300000 milliseconds")))
        // Writes are never repeated: the failing call was made exactly once for its target.
        let failedTarget = engine.calls.first { $0.name == callName }!.target
        #expect(engine.calls.filter { $0.name == callName && $0.target == failedTarget }.count == 1)
        engine.fault = nil
        let again = try applyThroughRetry(engine)
        #expect(again.succeeded, "\(callName): \(again.failed.map(\.error))")
        #expect(try converged(engine))
        print("faults: \(callName) failing with \(fault): sent once, reported, next apply converged")
    }
}
