import Applier
import Engine
import Foundation
import InMemoryEngine
import Plan
import Testing

/// An apply killed while its create was in flight: the engine finishes that request after the next
/// apply has observed, so the next apply's create of the same object conflicts. The range's own
/// object as planned is adopted after a fresh observation; anything else is reported, never touched.
@Suite
struct CreationConflictTests {
    static let text = lab("  - {hostname: web, image: busybox, networks: [a, b]}\n  - {hostname: db, image: busybox, networks: [a]}")

    /// Applies with `late` run once, just before the first call named `call` on `target` takes effect.
    /// Notes of the progress events, by object name.
    final class Notes: @unchecked Sendable {
        private let lock = NSLock()
        private var notes: [String: String] = [:]
        func add(_ e: ApplyEvent) { lock.lock(); if let n = e.note { notes[e.operation.objectName] = n }; lock.unlock() }
        var all: [String: String] { lock.lock(); defer { lock.unlock() }; return notes }
    }

    func apply(_ engine: InMemoryEngine, lateBefore call: String, _ target: String, notes: Notes = Notes(),
               _ late: @escaping @Sendable (InMemoryEngine, DesiredRange) -> Void) throws -> (Planned, ApplyReport) {
        let p = try plan(Self.text, on: engine)
        let fired = Counter()
        let desired = p.desired
        engine.beforeCall = { c in
            if c.name == call && c.target == target && fired.next() == 1 { late(engine, desired) }
        }
        defer { engine.beforeCall = nil }
        let applier = Applier(engine: engine, desired: p.desired, cpus: 2, parallelism: 2, conflictWaits: [0.25, 0.5], clock: ManualClock()) { notes.add($0) }
        return (p, applier.apply(p.reconciliation))
    }

    static func labels(_ pairs: [KeyValue]) -> [String: String] {
        Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { _, b in b })
    }

    @Test func aNetworkTheKilledApplyCreatedLateIsAdopted() throws {
        let engine = InMemoryEngine()
        let notes = Notes()
        let (_, report) = try apply(engine, lateBefore: "createNetwork", "t-a", notes: notes) { e, desired in
            let n = desired.networks[0]
            e.addNetwork(name: n.dockerName, subnet: n.subnet.description, labels: Self.labels(SpecEncoding.networkLabels(n, range: desired)))
        }
        #expect(report.succeeded, "\(report.failed.map(\.error))")
        #expect(engine.allNetworks.filter { $0.name == "t-a" }.count == 1)
        // The progress line says so: it was found, not made.
        #expect(notes.all == ["t-a": "found as planned, left by an interrupted apply: adopted"])
        #expect(try plan(Self.text, on: engine).reconciliation.changes.isEmpty)
    }

    @Test func aContainerTheKilledApplyCreatedCompletelyIsAdoptedAndStarted() throws {
        let engine = InMemoryEngine()
        let (_, report) = try apply(engine, lateBefore: "createContainer", "t-web") { e, desired in
            let vm = desired.vms[0]
            e.addContainer(name: vm.dockerName, labels: Self.labels(SpecEncoding.vmLabels(vm, range: desired)), running: false,
                           endpoints: vm.interfaces.map { ("t-\($0.network)", $0.ip.description) })
        }
        #expect(report.succeeded, "\(report.failed.map(\.error))")
        let web = try #require(engine.container(named: "t-web"))
        #expect(web.running)
        #expect(engine.calls.filter { $0.name == "removeContainer" }.isEmpty)
        #expect(try plan(Self.text, on: engine).reconciliation.changes.isEmpty)
    }

    @Test func aNeverStartedContainerMissingANICIsCreatedAgain() throws {
        let engine = InMemoryEngine()
        let notes = Notes()
        let (_, report) = try apply(engine, lateBefore: "createContainer", "t-web", notes: notes) { e, desired in
            // Killed between create and connect (engines before API 1.44): only the primary NIC.
            let vm = desired.vms[0]
            e.addContainer(name: vm.dockerName, labels: Self.labels(SpecEncoding.vmLabels(vm, range: desired)), running: false,
                           endpoints: [("t-a", vm.interfaces[0].ip.description)])
        }
        #expect(report.succeeded, "\(report.failed.map(\.error))")
        #expect(engine.container(named: "t-web")?.endpoints.count == 2)
        #expect(engine.calls.filter { $0.name == "removeContainer" }.count == 1)
        #expect(notes.all == ["t-web": "found half-made by an interrupted apply: created again"])
        #expect(try plan(Self.text, on: engine).reconciliation.changes.isEmpty)
    }

    @Test func aForeignContainerThatTookTheNameIsReportedAndLeftAlone() throws {
        let engine = InMemoryEngine()
        let (_, report) = try apply(engine, lateBefore: "createContainer", "t-web") { e, _ in
            e.addContainer(name: "t-web", labels: ["owner": "someone else"], running: true)
        }
        #expect(!report.succeeded)
        #expect(report.failed.map(\.error).contains { $0.contains("409") }, "\(report.failed.map(\.error))")
        let intruder = try #require(engine.container(named: "t-web"))
        #expect(intruder.labels == ["owner": "someone else"] && intruder.running)
        #expect(engine.calls.filter { $0.name == "removeContainer" }.isEmpty)
    }

    @Test func theRangesOwnNetworkWithAnotherSpecIsReportedNotAdopted() throws {
        let engine = InMemoryEngine()
        let (_, report) = try apply(engine, lateBefore: "createNetwork", "t-b") { e, desired in
            var labels = Self.labels(SpecEncoding.networkLabels(desired.networks[1], range: desired))
            labels[RangeLabels.specHash] = "0000000000000000"
            e.addNetwork(name: "t-b", subnet: "10.200.2.0/24", labels: labels)
        }
        #expect(!report.succeeded)
        #expect(report.failed.first?.error.contains("already exists") == true)
        #expect(engine.allNetworks.first { $0.name == "t-b" }?.labels[RangeLabels.specHash] == "0000000000000000")
    }

    @Test func aConflictWhoseObjectNeverShowsIsReportedAfterTheBoundedWaits() throws {
        let engine = InMemoryEngine()
        engine.fault = { $0.name == "createNetwork" && $0.target == "t-a" ? .http(status: 403, message: "Pool overlaps with other one on this address space", request: "POST /networks/create") : nil }
        let p = try plan(Self.text, on: engine)
        let clock = ManualClock()
        let report = Applier(engine: engine, desired: p.desired, cpus: 2, parallelism: 2, conflictWaits: [0.25, 0.5], clock: clock) { _ in }.apply(p.reconciliation)
        #expect(report.failed.first?.error.contains("Pool overlaps") == true)
        // One observation, then one after each wait; every wait asked for once, in order.
        #expect(engine.calls.filter { $0.name == "inventory" }.count == 1 + 3)
        #expect(clock.sleeps == [0.25, 0.5])
    }
}
