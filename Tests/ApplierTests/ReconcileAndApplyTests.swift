import Applier
import Engine
import Foundation
import InMemoryEngine
import Plan
import Planner
import RangeDiagnostics
import Testing

struct ReconcileAndApplyTests {
    static let two = lab("""
          - {hostname: web, image: busybox, networks: [a, b]}
          - {hostname: db, image: busybox, networks: [a]}
        """)

    @Test func createsEverythingWithLabelsThenIsANoOp() throws {
        let engine = InMemoryEngine()
        let (planned, report) = try apply(Self.two, on: engine)
        #expect(describe(planned.reconciliation.changes) == ["create network a", "create network b", "create vm web", "create vm db"])
        #expect(report.succeeded)
        let web = try #require(engine.container(named: "t-web"))
        #expect(web.running)
        #expect(web.endpoints.map { "\($0.network)=\($0.ip)" } == ["t-a=10.200.1.10", "t-b=10.200.2.10"])
        #expect(web.labels[RangeLabels.range] == "t" && web.labels[RangeLabels.managed] == "true" && web.labels[RangeLabels.vm] == "web")
        #expect(web.labels[RangeLabels.interfaces] == "a=10.200.1.10,b=10.200.2.10")
        #expect(engine.allNetworks.allSatisfy { $0.labels[RangeLabels.range] == "t" && $0.labels[RangeLabels.network] != nil })
        // Re-planning finds nothing to do, and costs one observation.
        engine.resetCalls()
        let again = try plan(Self.two, on: engine)
        #expect(again.reconciliation.changes.isEmpty && again.reconciliation.graph.isEmpty)
        #expect(engine.calls.map(\.name) == ["inventory"])
    }

    @Test func networksAreCreatedBeforeVMsAndDeletionsComeFirst() throws {
        let engine = InMemoryEngine()
        try apply(Self.two, on: engine)
        // Move web off b and delete b: the VM is re-created, b removed; removals precede creations.
        let next = lab("  - {hostname: web, image: busybox, networks: [a]}\n  - {hostname: db, image: busybox, networks: [a]}",
                       networks: "  - {name: a, subnet: 10.200.1.0/24}")
        let p = try plan(next, on: engine)
        // The network's removal waits for the container on it; the new web for the old one's
        // removal (its name and address), not for the network's.
        #expect(edges(p.reconciliation.graph) == [
            "remove-container:t-web <- []",
            "remove-network:t-b <- [remove-container:t-web]",
            "create-vm:web <- [remove-container:t-web]",
            "start-vm:web <- [create-vm:web]",
        ])
        #expect(describe(p.reconciliation.changes) == ["replace vm web: b 10.200.2.10 removed", "delete network b"])
        engine.resetCalls()
        let (_, report) = try apply(next, on: engine)
        #expect(report.succeeded)
        // Each call after what it waits for; the network's removal and web's create may run side by side.
        let calls = engine.calls.map(\.name)
        #expect(calls.sorted() == ["createContainer", "inventory", "removeContainer", "removeNetwork", "startContainer"])
        func at(_ name: String) -> Int { calls.firstIndex(of: name) ?? -1 }
        #expect(at("removeContainer") < at("removeNetwork") && at("removeContainer") < at("createContainer") && at("createContainer") < at("startContainer"))
        #expect(engine.allNetworks.map(\.name) == ["t-a"])
        #expect(try plan(next, on: engine).reconciliation.changes.isEmpty)
    }

    @Test func stoppedVMIsStartedInPlace() throws {
        let engine = InMemoryEngine()
        try apply(Self.two, on: engine)
        engine.modifyContainer(named: "t-db") { $0.running = false }
        let p = try plan(Self.two, on: engine)
        #expect(describe(p.reconciliation.changes) == ["update vm db: start (stopped)"])
        let id = engine.container(named: "t-db")!.id
        try apply(Self.two, on: engine)
        #expect(engine.container(named: "t-db")?.id == id)
        #expect(engine.container(named: "t-db")?.running == true)
    }

    @Test(arguments: [
        ("image", "{hostname: db, image: other:2, networks: [a]}", "replace vm db: image busybox -> other:2"),
        ("command", "{hostname: db, image: busybox, networks: [a], command: sleep 5}", "replace vm db: command changed"),
        ("env", "{hostname: db, image: busybox, networks: [a], env: {X: 1}}", "replace vm db: env changed"),
        ("cpu", "{hostname: db, image: busybox, networks: [a], cpu: 1}", "replace vm db: cpu 2 -> 1"),
        ("ram", "{hostname: db, image: busybox, networks: [a], ram_mb: 1024}", "replace vm db: ram_mb 4096 -> 1024"),
        ("caps", "{hostname: db, image: busybox, networks: [a], cap_add: [NET_ADMIN]}", "replace vm db: cap_add changed"),
        ("sysctls", "{hostname: db, image: busybox, networks: [a], sysctls: {net.ipv4.ip_forward: 1}}", "replace vm db: sysctls changed"),
        ("privileged", "{hostname: db, image: busybox, networks: [a], privileged: true}", "replace vm db: privileged false -> true"),
        ("nic added", "{hostname: db, image: busybox, networks: [a, b]}", "replace vm db: eth1 b 10.200.2.11 added"),
        ("address", "{hostname: db, image: busybox, networks: [{network: a, ip: 10.200.1.99}]}", "replace vm db: eth0 a 10.200.1.11 -> 10.200.1.99"),
    ])
    func specChangesReplaceWithTheirCause(_ name: String, _ db: String, _ expected: String) throws {
        let engine = InMemoryEngine(images: ["busybox:latest", "other:2"])
        try apply(Self.two, on: engine)
        let next = lab("  - {hostname: web, image: busybox, networks: [a, b]}\n  - \(db)")
        let p = try plan(next, on: engine)
        #expect(describe(p.reconciliation.changes) == [expected], "\(name)")
        let (_, report) = try apply(next, on: engine)
        #expect(report.succeeded)
        #expect(try plan(next, on: engine).reconciliation.changes.isEmpty, "\(name): apply must converge")
    }

    @Test func reorderingNICsIsAReplace() throws {
        let engine = InMemoryEngine()
        try apply(Self.two, on: engine)
        let next = lab("  - {hostname: web, image: busybox, networks: [b, a]}\n  - {hostname: db, image: busybox, networks: [a]}")
        #expect(describe(try plan(next, on: engine).reconciliation.changes) == ["replace vm web: interface order a, b -> b, a"])
    }

    @Test func changedSubnetReplacesTheNetworkAndItsVMs() throws {
        let engine = InMemoryEngine()
        try apply(Self.two, on: engine)
        let next = lab("""
              - {hostname: web, image: busybox, networks: [a, b]}
              - {hostname: db, image: busybox, networks: [a]}
            """, networks: "  - {name: a, subnet: 10.200.1.0/24}\n  - {name: b, subnet: 10.200.3.0/24}")
        let p = try plan(next, on: engine)
        #expect(describe(p.reconciliation.changes) == [
            "replace network b: subnet 10.200.2.0/24 -> 10.200.3.0/24; gateway 10.200.2.1 -> 10.200.3.1",
            "replace vm web: eth1 b 10.200.2.10 -> 10.200.3.10; network b is (re-)created",
        ])
        let (_, report) = try apply(next, on: engine)
        #expect(report.succeeded, "\(report.failed)")
        #expect(try plan(next, on: engine).reconciliation.changes.isEmpty)
    }

    @Test func existingVMsKeepTheirAddressesWhenOneIsAddedBefore() throws {
        let engine = InMemoryEngine()
        try apply(Self.two, on: engine)
        let next = lab("""
              - {hostname: new, image: busybox, networks: [a]}
              - {hostname: web, image: busybox, networks: [a, b]}
              - {hostname: db, image: busybox, networks: [a]}
            """)
        let p = try plan(next, on: engine)
        #expect(describe(p.reconciliation.changes) == ["create vm new"])
        #expect(p.desired.vms[0].interfaces[0].ip.description == "10.200.1.12")
    }

    @Test func removedVMIsDeletedAndNothingElse() throws {
        let engine = InMemoryEngine()
        try apply(Self.two, on: engine)
        let next = lab("  - {hostname: web, image: busybox, networks: [a, b]}")
        #expect(describe(try plan(next, on: engine).reconciliation.changes) == ["delete vm db"])
        try apply(next, on: engine)
        #expect(engine.allContainers.map(\.name) == ["t-web"])
    }

    /// 16 VMs on one network: once it is made, 16 creates are ready at once. The gate holds the
    /// first `parallelism` of them in flight until that many overlap: so exactly that many are
    /// reached (every worker inside a create at once), and never more.
    @Test(arguments: [1, 2, 3, 5])
    func parallelismBoundsTheOperationsInFlight(parallelism: Int) throws {
        let engine = InMemoryEngine()
        let inFlightWhenFull = Recorded()
        engine.gate = CallGate(holding: parallelism, of: { $0.name == "createContainer" }) { [weak engine] _ in
            inFlightWhenFull.set(engine?.callsInFlight ?? -1)
        }
        let vms = (0..<16).map { "  - {hostname: v\($0), image: busybox, networks: [a]}" }.joined(separator: "\n")
        engine.resetCalls()
        let (_, report) = try apply(lab(vms), on: engine, parallelism: parallelism)
        #expect(report.succeeded)
        #expect(engine.gate?.filled == true && inFlightWhenFull.value == parallelism)
        #expect(engine.maxInFlight == parallelism)
    }

    @Test func failureHalfWayReportsWhatWasAndWasNotDoneAndTheNextApplyConverges() throws {
        let engine = InMemoryEngine()
        let vms = (0..<10).map { "  - {hostname: v\($0), image: busybox, networks: [a]}" }.joined(separator: "\n")
        engine.fault = { call in
            call.name == "createContainer" && call.target == "t-v4" ? .http(status: 500, message: "boom", request: "POST /containers/create") : nil
        }
        let (_, report) = try apply(lab(vms), on: engine, parallelism: 1)
        #expect(!report.succeeded)
        #expect(report.failed.map(\.id) == ["create-vm:v4"])
        #expect(report.failed.first?.error.contains("boom") == true)
        // Only what depends on the failed create waits; unrelated work goes on and is done.
        #expect(report.notStarted.map { "\($0.id) waited for \($0.waitedFor ?? "nothing")" } == ["start-vm:v4 waited for create-vm:v4"])
        #expect(report.done.count == 2 + 9 * 2)
        engine.fault = nil
        let p = try plan(lab(vms), on: engine)
        #expect(describe(p.reconciliation.changes) == ["create vm v4"])
        try apply(lab(vms), on: engine)
        #expect(try plan(lab(vms), on: engine).reconciliation.changes.isEmpty)
    }

    @Test func containerLeftCreatedByAFailedStartIsStartedNext() throws {
        let engine = InMemoryEngine()
        engine.fault = { $0.name == "startContainer" ? .unreachable(endpoint: "memory://test", reason: "connection reset") : nil }
        let (_, report) = try apply(Self.two, on: engine)
        #expect(!report.succeeded)
        engine.fault = nil
        let p = try plan(Self.two, on: engine)
        #expect(describe(p.reconciliation.changes).contains { $0.hasPrefix("update vm") && $0.contains("start (never started)") })
        try apply(Self.two, on: engine)
        #expect(try plan(Self.two, on: engine).reconciliation.changes.isEmpty)
    }

    /// Three workers, each held inside a VM's create until all three are; the interrupt comes
    /// then, while the three are in flight.
    @Test func interruptStartsNothingNew() throws {
        let engine = InMemoryEngine()
        let vms = (0..<6).map { "  - {hostname: v\($0), image: busybox, networks: [a]}" }.joined(separator: "\n")
        let p = try plan(lab(vms), on: engine)
        let box = Box()
        let callsAtInterrupt = Recorded()
        engine.gate = CallGate(holding: 3, of: { $0.name == "createContainer" }) { [weak engine] _ in
            box.applier?.interrupt()
            callsAtInterrupt.set(engine?.calls.count ?? -1)
        }
        let applier = Applier(engine: engine, desired: p.desired, cpus: 2, parallelism: 3) { _ in }
        box.applier = applier
        engine.resetCalls()
        let report = applier.apply(p.reconciliation)
        #expect(engine.gate?.filled == true)
        #expect(report.interrupted && !report.succeeded && report.failed.isEmpty)
        // Nothing started after the interrupt: the engine got no call after those in flight then.
        #expect(engine.calls.count == callsAtInterrupt.value)
        #expect(engine.calls.map { "\($0.name) \($0.target)" }.sorted()
            == ["createContainer t-v0", "createContainer t-v1", "createContainer t-v2", "createNetwork t-a", "createNetwork t-b"])
        // What was in flight finished: the first three creates in plan order (no create had
        // finished, so no start was ready), their containers made and never started.
        #expect(report.done.map { "\($0.intent) \($0.objectName)" } == ["create network t-a", "create network t-b", "create vm t-v0", "create vm t-v1", "create vm t-v2"])
        #expect((0..<3).allSatisfy { engine.container(named: "t-v\($0)")?.running == false })
        // The rest is reported as not started, waiting for nothing that failed.
        #expect(report.notStarted.map(\.id) == (0..<3).map { "start-vm:v\($0)" } + (3..<6).flatMap { ["create-vm:v\($0)", "start-vm:v\($0)"] })
        #expect(report.notStarted.allSatisfy { $0.waitedFor == nil })
        #expect((3..<6).allSatisfy { engine.container(named: "t-v\($0)") == nil })
    }

    @Test func fingerprintChangesWithTheEngineAndOnlyThen() throws {
        let engine = InMemoryEngine()
        try apply(Self.two, on: engine)
        let before = try plan(Self.two, on: engine).fingerprint
        #expect(try plan(Self.two, on: engine).fingerprint == before)
        engine.addContainer(name: "elsewhere")   // not the range's: no effect
        #expect(try plan(Self.two, on: engine).fingerprint == before)
        engine.modifyContainer(named: "t-db") { $0.running = false }
        #expect(try plan(Self.two, on: engine).fingerprint != before)
    }

    @Test func savedPlanRoundTrips() throws {
        let engine = InMemoryEngine()
        try apply(Self.two, on: engine)
        let next = lab("  - {hostname: web, image: busybox, networks: [a, b], env: {K: v}}")
        let p = try plan(next, on: engine)
        let text = PlanJSON.text(Plan(range: "t", diagnostics: [], desired: p.desired, changes: p.reconciliation.changes,
                                      engine: EngineInfo(host: "memory://test", apiVersion: "1.41"), fingerprint: p.fingerprint), pretty: true)
        let saved = try JSONValue.parse(text).map(SavedPlan.read)?.get()
        #expect(saved?.fingerprint == p.fingerprint)
        #expect(saved?.changes == p.reconciliation.changes)
        // Re-planned from the saved plan, the same operations come out (source locations aside: a file has none).
        let observed = try engine.observe().observed(range: "t")
        let replanned = try #require(saved.map { Reconciler.reconcile($0.desired, observed, engine.capabilities) })
        #expect(replanned.changes == p.reconciliation.changes)
        #expect(edges(replanned.graph) == edges(p.reconciliation.graph))
    }
}

final class Box: @unchecked Sendable {
    var applier: Applier?
}

/// A number a hook records on an applier's thread, for the test to read after. Thread-safe.
final class Recorded: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Int?
    func set(_ v: Int) { lock.lock(); stored = v; lock.unlock() }
    var value: Int? { lock.lock(); defer { lock.unlock() }; return stored }
}

struct ForeignObjectTests {
    @Test func foreignObjectsAreNeverTouched() throws {
        let engine = InMemoryEngine()
        engine.addNetwork(name: "other-net", subnet: "10.201.0.0/24", labels: ["io.rangectl.range": "other", "io.rangectl.managed": "true"])
        engine.addContainer(name: "t-stray")                                   // no labels: not the range's
        engine.addContainer(name: "other-x", labels: ["io.rangectl.range": "other", "io.rangectl.managed": "true"])
        let (p, report) = try apply(ReconcileAndApplyTests.two, on: engine)
        #expect(report.succeeded)
        #expect(!describe(p.reconciliation.changes).contains { $0.contains("stray") || $0.contains("other") })
        // Destroy: everything the range owns by label goes, nothing else.
        let teardown = Reconciler.teardown(try engine.inventory().observed(range: "t"), engine.capabilities)
        let destroyed = Applier(engine: engine, desired: p.desired, cpus: 2, parallelism: 4) { _ in }.apply(teardown)
        #expect(destroyed.succeeded)
        #expect(Set(engine.allContainers.map(\.name)) == ["t-stray", "other-x"])
        #expect(engine.allNetworks.map(\.name) == ["other-net"])
    }

    @Test func preflightRefusesNameAndSubnetConflicts() throws {
        let engine = InMemoryEngine()
        engine.addContainer(name: "t-web")
        engine.addNetwork(name: "foreign", subnet: "10.200.0.0/16")
        let p = try plan(ReconcileAndApplyTests.two, on: engine)
        let codes = p.diagnostics.filter { $0.severity == .error }.map(\.code.rawValue)
        #expect(codes == ["subnet-conflict", "subnet-conflict", "name-conflict"])
        #expect(p.diagnostics.first { $0.code == .nameConflict }?.location?.line == 7)
    }

    @Test func aForeignContainerHoldingAPlannedAddressIsRefused() throws {
        let engine = InMemoryEngine()
        try apply(ReconcileAndApplyTests.two, on: engine)
        // Someone attaches their own container to the range's network, on the next free address.
        engine.addContainer(name: "intruder", endpoints: [("t-a", "10.200.1.12")])
        let next = lab("""
              - {hostname: web, image: busybox, networks: [a, b]}
              - {hostname: db, image: busybox, networks: [a]}
              - {hostname: new, image: busybox, networks: [a]}
            """)
        let p = try plan(next, on: engine)
        let errors = p.diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.code.rawValue) == ["ip-in-use"])
        #expect(errors.first?.message.contains("intruder") == true && errors.first?.message.contains("10.200.1.12") == true)
        #expect(engine.container(named: "intruder") != nil)
    }

    @Test func missingImageIsRefusedOnceAtTheFirstVM() throws {
        let engine = InMemoryEngine(images: [])
        let p = try plan(ReconcileAndApplyTests.two, on: engine)
        #expect(p.diagnostics.filter { $0.severity == .error }.map(\.code.rawValue) == ["image-missing"])
    }

    @Test func nicOrderWarningBeforeAPI148AndNoneAfter() throws {
        let text = lab("  - {hostname: web, image: busybox, networks: [b, a]}")
        let old = try plan(text, on: InMemoryEngine(apiVersion: APIVersion(1, 41)))
        #expect(old.diagnostics.map(\.code.rawValue) == ["nic-order"])
        #expect(old.diagnostics.first?.message.contains("eth0 a, eth1 b") == true)
        // The interface names stay the engine's; the default route is rangectl's (PrimaryRoute).
        #expect(old.diagnostics.first?.message.contains("rangectl sets its default route via 10.200.2.1 after start") == true)
        #expect(old.desired.vms[0].routes.map(\.description) == ["default via 10.200.2.1"])
        let inOrder = try plan(lab("  - {hostname: web, image: busybox, networks: [a, b]}"), on: InMemoryEngine(apiVersion: APIVersion(1, 41)))
        #expect(inOrder.diagnostics.isEmpty)
        let new = try plan(text, on: InMemoryEngine(layout: .manifest))
        #expect(new.diagnostics.isEmpty)
        #expect(new.desired.vms[0].routes.isEmpty)
    }
}
