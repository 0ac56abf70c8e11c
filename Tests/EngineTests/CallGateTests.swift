import Engine
import Foundation
import InMemoryEngine
import Plan
import Testing

/// The in-memory engine's gate, with which the applier's tests make calls overlap without
/// counting on timing: chosen calls held in flight, before any effect, until enough are held at
/// once; a hook run while they are; every other call, and every later one, let through.
struct CallGateTests {
    /// Runs each of `bodies` on a thread of its own and waits for all of them.
    func onThreads(_ bodies: [@Sendable () -> Void]) {
        let group = DispatchGroup()
        for body in bodies {
            group.enter()
            Thread { body(); group.leave() }.start()
        }
        group.wait()
    }

    @Test func theChosenCallsAreHeldInFlightWithoutEffectUntilEnoughOverlap() throws {
        let engine = InMemoryEngine()
        let seen = Seen()
        engine.gate = CallGate(holding: 3, of: { $0.name == "createNetwork" }) { [engine] held in
            // All three are in flight and none has had its effect; a call the gate does not hold passes.
            seen.record(held: held.map(\.target).sorted(), inFlight: engine.callsInFlight, networks: engine.allNetworks.count)
            _ = try? engine.inventory()
        }
        let networks = [Fixture.a, Fixture.b, Fixture.network("c", "10.200.3.0/24")]
        onThreads(networks.map { n in { _ = try? engine.createNetwork(n, labels: []) } })
        #expect(seen.value == .init(held: ["t-a", "t-b", "t-c"], inFlight: 3, networks: 0))
        #expect(engine.gate?.filled == true && engine.gate?.held.count == 3)
        #expect(engine.allNetworks.count == 3)
        // The three held and the hook's inventory.
        #expect(engine.maxInFlight == 4 && engine.callsInFlight == 0)
    }

    @Test func onceFullTheGateHoldsNothingMore() throws {
        let engine = InMemoryEngine()
        let fills = Seen()
        engine.gate = CallGate(holding: 1, of: { $0.name == "createNetwork" }) { held in
            fills.record(held: held.map(\.target), inFlight: 0, networks: 0)
        }
        _ = try engine.createNetwork(Fixture.a, labels: [])
        _ = try engine.createNetwork(Fixture.b, labels: [])
        #expect(fills.value?.held == ["t-a"] && engine.gate?.held.map(\.target) == ["t-a"])
        #expect(engine.allNetworks.count == 2)
    }

    @Test func aGateThatNeverFillsLetsItsCallsGoOnItsGuardSayingSo() throws {
        let engine = InMemoryEngine()
        engine.gate = CallGate(holding: 2, of: { $0.name == "createNetwork" }, guardSeconds: 0.01) { _ in
            Issue.record("a gate that held one call of two filled")
        }
        _ = try engine.createNetwork(Fixture.a, labels: [])
        #expect(engine.gate?.filled == false && engine.gate?.held.map(\.target) == ["t-a"])
        #expect(engine.allNetworks.map(\.name) == ["t-a"])
    }
}

/// What a gate's hook saw. Thread-safe.
private final class Seen: @unchecked Sendable {
    struct Value: Equatable {
        var held: [String]
        var inFlight: Int
        var networks: Int
    }

    private let lock = NSLock()
    private var stored: Value?
    func record(held: [String], inFlight: Int, networks: Int) {
        lock.lock()
        stored = Value(held: held, inFlight: inFlight, networks: networks)
        lock.unlock()
    }
    var value: Value? { lock.lock(); defer { lock.unlock() }; return stored }
}
