import Applier
import Foundation
import InMemoryEngine
import Plan
import RangeDiagnostics
import Testing

/// The operation graph: what each operation waits for, and the walk that runs it.
struct OperationGraphTests {
    static let split = lab("""
          - {hostname: web, image: busybox, networks: [a]}
          - {hostname: db, image: busybox, networks: [b, a]}
          - {hostname: gw, image: busybox, networks: [b], routes: [{to: 10.200.9.0/24, via: 10.200.2.1}]}
        """)

    @Test func aVMWaitsForItsOwnNetworksOnlyAndItsRoutesForItsStart() throws {
        let p = try plan(Self.split, on: InMemoryEngine())
        #expect(edges(p.reconciliation.graph) == [
            "create-network:a <- []",
            "create-network:b <- []",
            "create-vm:web <- [create-network:a]",
            "start-vm:web <- [create-vm:web]",
            "create-vm:db <- [create-network:b, create-network:a]",
            "start-vm:db <- [create-vm:db]",
            // On API 1.41 the engine would route db through a (sorted first): rangectl sets its default via b.
            "set-routes:db <- [start-vm:db]",
            "create-vm:gw <- [create-network:b]",
            "start-vm:gw <- [create-vm:gw]",
            "set-routes:gw <- [start-vm:gw]",
        ])
        #expect(p.reconciliation.graph["create-vm:web"]?.cause == "not on the engine")
        #expect(p.reconciliation.graph["set-routes:gw"]?.cause == "routes 10.200.9.0/24 via 10.200.2.1")
    }

    @Test func aReCreatedNetworkWaitsForTheOldOneAndTheOldOneForItsContainers() throws {
        let engine = InMemoryEngine()
        try apply(Self.split, on: engine)
        // b's subnet changes: b is re-created, and with it every VM on b.
        let next = Self.split.replacingOccurrences(of: "10.200.2.0/24", with: "10.200.3.0/24")
            .replacingOccurrences(of: "via: 10.200.2.1", with: "via: 10.200.3.1")
        let p = try plan(next, on: engine)
        let graph = p.reconciliation.graph
        #expect(graph["remove-network:t-b"]?.dependsOn == ["remove-container:t-db", "remove-container:t-gw"])
        #expect(graph["create-network:b"]?.dependsOn == ["remove-network:t-b"])
        #expect(graph["create-vm:db"]?.dependsOn == ["create-network:b", "remove-container:t-db"])
        #expect(graph["create-vm:web"] == nil, "web is on a only and stays")
        #expect(graph["remove-container:t-db"]?.cause.hasPrefix("re-created: ") == true)
        let (_, report) = try apply(next, on: engine)
        #expect(report.succeeded)
        #expect(try plan(next, on: engine).reconciliation.changes.isEmpty)
    }

    @Test func aNewNetworkWaitsForTheRemovalOfAnOverlappingOne() throws {
        let engine = InMemoryEngine()
        try apply(lab("  - {hostname: web, image: busybox, networks: [a]}"), on: engine)
        // a is renamed c on the same subnet: c's create must wait for a's removal (the pool).
        let next = lab("  - {hostname: web, image: busybox, networks: [c]}", networks: "  - {name: c, subnet: 10.200.1.0/24}")
        let p = try plan(next, on: engine)
        #expect(p.reconciliation.graph["create-network:c"]?.dependsOn == ["remove-network:t-a"])
        #expect(try apply(next, on: engine).1.succeeded)
    }

    @Test func teardownRemovesEachNetworkAfterItsOwnContainers() throws {
        let engine = InMemoryEngine()
        try apply(Self.split, on: engine)
        let teardown = Reconciler.teardown(try engine.observe().observed(range: "t"), engine.capabilities)
        #expect(teardown.graph["remove-network:t-a"]?.dependsOn == ["remove-container:t-db", "remove-container:t-web"])
        #expect(teardown.graph["remove-network:t-b"]?.dependsOn == ["remove-container:t-db", "remove-container:t-gw"])
    }

    @Test func withoutExactEndpointCountsRemovalsOnOneNetworkWaitForEachOther() throws {
        let engine = InMemoryEngine(images: ["busybox:latest", "other:latest"])
        try apply(Self.split, on: engine)
        engine.capabilities.exactEndpointCount = false
        let teardown = Reconciler.teardown(try engine.observe().observed(range: "t"), engine.capabilities)
        // db is on a and b, gw on b, web on a: one chain per network, sorted by name.
        #expect(edges(teardown.graph).prefix(3) == [
            "remove-container:t-db <- []",
            "remove-container:t-gw <- [remove-container:t-db]",
            "remove-container:t-web <- [remove-container:t-db]",
        ])
        // A VM created on such a network waits for the last removal on it.
        let next = Self.split.replacingOccurrences(of: "hostname: web, image: busybox", with: "hostname: web, image: other")
        let p = try plan(next, on: engine)
        #expect(p.reconciliation.graph["create-vm:web"]?.dependsOn == ["remove-container:t-web"])
        #expect(try apply(next, on: engine).1.succeeded)
    }

    @Test func anOperationStartsAsSoonAsWhatItDependsOnIsDone() throws {
        let engine = InMemoryEngine()
        // b's create is held until web (on a only) has been created: with a barrier between the
        // networks and the VMs, web would never start while b is in flight.
        let webCreated = DispatchSemaphore(value: 0)
        let released = Flag()
        engine.beforeCall = { call in
            if call.name == "createNetwork" && call.target == "t-b" { released.set(webCreated.wait(timeout: .now() + 10) == .success) }
            if call.name == "createContainer" && call.target == "t-web" { webCreated.signal() }
        }
        let (_, report) = try apply(Self.split, on: engine, parallelism: 2)
        #expect(report.succeeded)
        #expect(released.value, "web was not created while network b's create was in flight")
    }

    @Test func afterAFailureUnrelatedWorkFinishesAndEachSkippedOneNamesWhatItWaitedFor() throws {
        let engine = InMemoryEngine()
        engine.fault = { $0.name == "createNetwork" && $0.target == "t-b" ? .http(status: 500, message: "boom", request: "POST /networks/create") : nil }
        let (_, report) = try apply(Self.split, on: engine, parallelism: 1)
        #expect(report.failed.map(\.id) == ["create-network:b"])
        #expect(report.done.map { "\($0.intent) \($0.objectName)" } == ["create network t-a", "create vm t-web", "start vm t-web"])
        #expect(report.notStarted.map { "\($0.id) <- \($0.waitedFor ?? "")" } == [
            "create-vm:db <- create-network:b", "start-vm:db <- create-network:b", "set-routes:db <- create-network:b",
            "create-vm:gw <- create-network:b", "start-vm:gw <- create-network:b", "set-routes:gw <- create-network:b",
        ])
        #expect(engine.container(named: "t-web")?.running == true)
    }

    @Test func anEngineThatStopsAnsweringStopsTheWalk() throws {
        let engine = InMemoryEngine()
        engine.fault = { $0.name == "createNetwork" && $0.target == "t-a" ? .unreachable(endpoint: "memory://test", reason: "gone") : nil }
        let (_, report) = try apply(Self.split, on: engine, parallelism: 1)
        #expect(report.failed.map(\.id) == ["create-network:a"] && report.failed[0].engineUnreachable)
        #expect(report.done.isEmpty)
        // b did not depend on a, but nothing new starts once the engine is gone.
        #expect(report.notStarted.first { $0.id == "create-network:b" }?.waitedFor == nil)
    }

    @Test func planJSONCarriesTheGraph() throws {
        let p = try plan(Self.split, on: InMemoryEngine())
        let text = PlanJSON.text(Plan(range: "t", diagnostics: [], desired: p.desired, changes: p.reconciliation.changes,
                                      engine: EngineInfo(host: "memory://test", apiVersion: "1.41"), fingerprint: p.fingerprint,
                                      operations: p.reconciliation.graph))
        let document = try #require(JSONValue.parse(text))
        guard case let .array(operations)? = document["operations"] else { Issue.record("no operations"); return }
        #expect(operations.count == p.reconciliation.graph.count)
        #expect(text.contains(#"{"id":"create-vm:db","operation":"create vm","name":"t-db","cause":"not on the engine","depends_on":["create-network:b","create-network:a"]}"#))
        // Offline plans carry none.
        #expect(JSONValue.parse(PlanJSON.text(Plan.offline(p.desired, diagnostics: [])))?["operations"] == nil)
    }

    @Test func idsAreUniqueAndStable() throws {
        var graph = OperationGraph()
        let op = EngineOperation.removeContainer(name: "x", id: "1")
        #expect(graph.append(PlannedOperation(id: "remove-container:x", operation: op, cause: "", dependsOn: [])) == "remove-container:x")
        #expect(graph.append(PlannedOperation(id: "remove-container:x", operation: op, cause: "", dependsOn: [])) == "remove-container:x#2")
        let engine = InMemoryEngine()
        #expect(edges(try plan(Self.split, on: engine).reconciliation.graph) == edges(try plan(Self.split, on: engine).reconciliation.graph))
    }
}

final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = false
    func set(_ v: Bool) { lock.lock(); stored = v; lock.unlock() }
    var value: Bool { lock.lock(); defer { lock.unlock() }; return stored }
}
