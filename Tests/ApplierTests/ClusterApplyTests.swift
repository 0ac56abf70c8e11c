import Applier
import ClusterEngine
import Engine
import InMemoryEngine
import Plan
import Planner
import Testing
import RangeDiagnostics
import Workflows

/// One range planned and applied over three in-memory nodes of a swarm: networks only through the
/// manager, each VM on the node it is placed on, every later call on a container to its own node,
/// and the preflight's per-node images. (ClusterEngine's own behaviour, call by call, is
/// ClusterEngineTests'.)
struct ClusterApplyTests {
    static let text = lab((1...9).map { "  - {hostname: v\($0), image: busybox, networks: [a, b]}" }.joined(separator: "\n")
                          + "\n  - {hostname: pinned, image: busybox, host: n3, networks: [b]}")

    static func cluster() -> (ClusterEngine, [String: InMemoryEngine]) {
        var nodes: [String: InMemoryEngine] = [:]
        for (k, name) in ["n1", "n2", "n3"].enumerated() {
            let e = InMemoryEngine(apiVersion: APIVersion(1, 51), layout: .manifest)
            e.idBase = (k + 1) << 32
            nodes[name] = e
        }
        for name in ["n2", "n3"] { nodes[name]!.overlaysOf = nodes["n1"] }
        return (ClusterEngine(nodes: nodes.map { ClusterEngine.Node(name: $0.key, engine: $0.value) }, manager: "n1"), nodes)
    }

    func plan(_ text: String, on cluster: ClusterEngine) throws -> LivePlan {
        let parsed = RangeCompiler.parse(Array(text.utf8), file: "t.yaml")
        return LivePlanning.plan(parsed, inventory: try cluster.observe(), endpoint: cluster.endpoint, hosts: cluster.hostNames)
    }

    @Test func eachVMRunsOnItsNodeAndTheNetworksOnTheManager() throws {
        let (cluster, nodes) = Self.cluster()
        let live = try plan(Self.text, on: cluster)
        let desired = try #require(live.plan.desired, "\(live.plan.diagnostics.map(\.message))")
        let report = try #require(live.apply(on: cluster, parallelism: 4))
        #expect(report.succeeded, "\(report.failed.map(\.error))")
        #expect(nodes["n1"]!.allNetworks.count == 2)
        #expect(nodes["n2"]!.allNetworks.isEmpty && nodes["n3"]!.allNetworks.isEmpty)
        for vm in desired.vms {
            let host = try #require(vm.host)
            let c = try #require(nodes[host]!.container(named: vm.dockerName), "\(vm.hostname) not on \(host)")
            #expect(c.running)
            for (other, engine) in nodes where other != host { #expect(engine.container(named: vm.dockerName) == nil) }
        }
        #expect(desired.vms.first { $0.hostname == "pinned" }?.host == "n3")
        #expect(Set(desired.vms.compactMap(\.host)).count == 3, "9 VMs over 3 nodes")
        // On a swarm every VM gets its default route through its primary gateway, set after start.
        #expect(nodes.values.flatMap { $0.allContainers }.filter { (c: InMemoryEngine.Container) in !c.name.hasSuffix(".routes") }
            .allSatisfy { (c: InMemoryEngine.Container) in c.routes.contains { $0.hasPrefix("default via") } })
        // Observed again: nothing to do.
        #expect(try plan(Self.text, on: cluster).reconciliation.changes.isEmpty)
    }

    @Test func aContainerOnTheWrongNodeIsRecreatedOnItsOwn() throws {
        let (cluster, nodes) = Self.cluster()
        let pinned = Self.text.replacingOccurrences(of: "host: n3", with: "host: n2")
        let first = try plan(pinned, on: cluster)
        #expect(first.apply(on: cluster, parallelism: 4)?.succeeded == true)
        #expect(nodes["n2"]!.container(named: "t-pinned") != nil)
        let moved = try plan(Self.text, on: cluster)
        #expect(describe(moved.reconciliation.changes) == ["replace vm pinned: placed on n3, runs on n2"])
        // The text plan says where a re-created VM is to run, as it does for a new one.
        #expect(PlanText.render(moved.plan).contains("-/+ vm pinned  on n3   placed on n3, runs on n2"), "\(PlanText.render(moved.plan))")
        // A saved plan goes stale when a container is on another node, even one with the same id.
        var observed = try cluster.observe().observed(range: "t")
        let before = observed.fingerprint
        let k = try #require(observed.containers.firstIndex { $0.name == "t-pinned" })
        observed.containers[k].host = "n1"
        #expect(observed.fingerprint != before)
        #expect(moved.apply(on: cluster, parallelism: 4)?.succeeded == true)
        #expect(nodes["n2"]!.container(named: "t-pinned") == nil && nodes["n3"]!.container(named: "t-pinned")?.running == true)
    }

    @Test func anImageMissingOnTheVMsOwnNodeIsRefused() throws {
        let nodes3 = ["n1", "n2", "n3"].enumerated().map { k, name -> ClusterEngine.Node in
            let e = InMemoryEngine(apiVersion: APIVersion(1, 51), layout: .manifest, images: name == "n3" ? [] : ["busybox:latest"])
            e.idBase = (k + 1) << 32
            return ClusterEngine.Node(name: name, engine: e)
        }
        let live = try plan(Self.text, on: ClusterEngine(nodes: nodes3, manager: "n1"))
        let missing = live.plan.diagnostics.filter { $0.code == DiagnosticCode.imageMissing }
        #expect(!missing.isEmpty && missing.allSatisfy { $0.message.contains("node n3") }, "\(missing.map(\.message))")
    }

    @Test func theHelperImageMustBeOnEveryNodeOfARoutedVMSaidOncePerNode() throws {
        // On a swarm every VM gets its default route from the helper, on the VM's own node.
        let nodes = ["n1", "n2", "n3"].enumerated().map { k, name -> ClusterEngine.Node in
            let e = InMemoryEngine(apiVersion: APIVersion(1, 51), layout: .manifest,
                                   images: name == "n3" ? ["busybox:latest"] : ["busybox:latest", "helper:1"])
            e.idBase = (k + 1) << 32
            return ClusterEngine.Node(name: name, engine: e)
        }
        let live = try plan("helper_image: helper:1\n" + Self.text, on: ClusterEngine(nodes: nodes, manager: "n1"))
        let missing = live.plan.diagnostics.filter { $0.code == DiagnosticCode.imageMissing }
        #expect(missing.count == 1 && missing[0].message.contains("helper image helper:1") && missing[0].message.contains("node n3"), "\(missing.map(\.message))")
    }
}
