import Applier
import Engine
import InMemoryEngine
import Plan
import Planner
import Testing
import Workflows

/// Instances on one (in-memory) engine: one plan and one apply for every copy, `--instance`
/// acting on some only, an instance dropped from the manifest deleted, destroy of one instance.
/// The same on real engines: EndToEndTests/InstancesEndToEndTests.
struct InstanceApplyTests {
    static func range(_ names: String) -> String {
        """
        version: 1
        name: t
        instances: {names: [\(names)], address_space: 10.201.0.0/16}
        networks:
          - {name: dmz, subnet: 10.200.1.0/24, router: fw, internal: true}
          - {name: lan, subnet: 10.200.2.0/24, router: fw, internal: true}
        vms:
          - {hostname: fw, image: busybox, sysctls: {net.ipv4.ip_forward: "1"}, networks: [dmz, lan]}
          - {hostname: db, image: busybox, networks: [lan]}
        """
    }

    func live(_ text: String, on engine: InMemoryEngine, instances: [String] = []) throws -> LivePlan {
        let parsed = RangeCompiler.parse(Array(text.utf8), file: "t.yaml")
        return LivePlanning.plan(parsed, inventory: try engine.observe(), endpoint: engine.endpoint, instances: instances)
    }

    @discardableResult
    func applied(_ text: String, on engine: InMemoryEngine, instances: [String] = []) throws -> LivePlan {
        let p = try live(text, on: engine, instances: instances)
        _ = try #require(p.plan.desired, "\(p.plan.diagnostics.map(\.message))")
        let report = try #require(p.apply(on: engine, parallelism: 4))
        #expect(report.succeeded)
        return p
    }

    func state(_ engine: InMemoryEngine, _ instance: String) -> [String] {
        (engine.allContainers.filter { $0.labels[RangeLabels.instance] == instance }.map { "\($0.name) \($0.id) \($0.endpoints.map(\.ip))" }
            + engine.allNetworks.filter { $0.labels[RangeLabels.instance] == instance }.map { "\($0.name) \($0.id) \($0.subnet)" }).sorted()
    }

    @Test func everyInstanceIsAppliedInOnePlanAndReAppliedAsANoOp() throws {
        let engine = InMemoryEngine()
        let first = try applied(Self.range("alice, bob"), on: engine)
        #expect(first.plan.changes.map { "\($0.instance ?? "-") \($0.action.rawValue) \($0.kind.rawValue) \($0.name)" } == [
            "alice create network dmz", "alice create network lan", "bob create network dmz", "bob create network lan",
            "alice create vm fw", "alice create vm db", "bob create vm fw", "bob create vm db",
        ])
        // Operation ids are unique across instances; a VM waits only for its own instance's networks.
        let graph = try #require(first.plan.operations)
        #expect(graph["create-vm:bob/db"]?.dependsOn == ["create-network:bob/lan"])
        #expect(engine.container(named: "t-bob-db")?.endpoints.map(\.ip) == ["10.201.6.10"])
        #expect(engine.container(named: "t-alice-fw")?.routes == ["default via 10.201.1.254"])
        #expect(try live(Self.range("alice, bob"), on: engine).plan.changes.isEmpty)
        // The text plan lists each instance's changes under its name.
        let text = PlanText.render(first.plan)
        #expect(text.contains("instance alice  10.201.0.0/22\n  + network t-alice-dmz") && text.contains("instance bob  10.201.4.0/22\n  + network t-bob-dmz"))
    }

    @Test func instanceActsOnTheChosenInstancesAndLeavesTheOthersAlone() throws {
        let engine = InMemoryEngine()
        try applied(Self.range("alice"), on: engine)
        let alice = state(engine, "alice")
        // bob added: a plan of bob only creates bob; a whole plan says the same; alice is not looked at.
        let bobOnly = try live(Self.range("alice, bob"), on: engine, instances: ["bob"])
        #expect(Set(bobOnly.plan.changes.map(\.instance)) == ["bob"] && bobOnly.plan.summary.add == 4)
        try applied(Self.range("alice, bob"), on: engine, instances: ["bob"])
        #expect(state(engine, "alice") == alice)
        #expect(try live(Self.range("alice, bob"), on: engine).plan.changes.isEmpty)

        // destroy --instance bob: bob's objects only; alice exactly as she was.
        let teardown = LivePlanning.teardown("t", instances: ["bob"], inventory: try engine.observe(), endpoint: engine.endpoint)
        #expect(Set(teardown.plan.changes.map(\.instance)) == ["bob"])
        #expect(PlanText.render(teardown.plan, header: "destroy").hasPrefix("destroy\n\ninstance bob\n  - vm db\n  - vm fw\n  - network t-bob-dmz"))
        let report = try #require(teardown.apply(on: engine, parallelism: 4))
        #expect(report.succeeded)
        #expect(state(engine, "bob").isEmpty && state(engine, "alice") == alice)
        // A range whose instances are partly applied plans only what is missing.
        let missing = try live(Self.range("alice, bob"), on: engine)
        #expect(Set(missing.plan.changes.map(\.instance)) == ["bob"] && missing.plan.changes.allSatisfy { $0.action == .create })
    }

    @Test func anInstanceDroppedFromTheManifestIsDeletedAndItsBlockKeptMeanwhile() throws {
        let engine = InMemoryEngine()
        try applied(Self.range("alice, bob, carol"), on: engine)
        let carol = state(engine, "carol")
        // bob removed, dave added: bob's objects still hold block 1, so dave gets block 3; carol keeps hers.
        let p = try live(Self.range("alice, carol, dave"), on: engine)
        let d = try #require(p.plan.desired)
        #expect(d.instances.map { "\($0.name) \($0.block)" } == ["alice 10.201.0.0/22", "carol 10.201.8.0/22", "dave 10.201.12.0/22"])
        #expect(p.plan.changes.filter { $0.instance == "bob" }.allSatisfy { $0.action == .delete })
        #expect(p.plan.changes.filter { $0.instance == "bob" }.count == 4)
        #expect(!p.plan.changes.contains { $0.instance == "alice" || $0.instance == "carol" })
        #expect(PlanText.render(p.plan).contains("instance bob  (no longer in the manifest)\n"))
        try applied(Self.range("alice, carol, dave"), on: engine)
        #expect(state(engine, "bob").isEmpty && state(engine, "carol") == carol)
        #expect(engine.container(named: "t-dave-db")?.endpoints.map(\.ip) == ["10.201.14.10"])
    }

    @Test func anInstanceTheManifestDoesNotHaveIsRefusedBeforeTheEngine() throws {
        let engine = InMemoryEngine()
        let p = try live(Self.range("alice"), on: engine, instances: ["bob"])
        #expect(!p.plan.valid && p.plan.diagnostics.map(\.code) == [.unknownInstance])
        #expect(engine.allContainers.isEmpty && engine.allNetworks.isEmpty)
    }
}
