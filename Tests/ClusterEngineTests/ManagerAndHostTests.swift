import ClusterEngine
import Engine
import InMemoryEngine
import Plan
import Testing

/// What is not a container's: networks and the range lock through the manager; pulls and the
/// helper image's tools on the node named, the manager when none is.
struct ManagerAndHostTests {
    @Test(arguments: ["n1", "n3"])
    func networksAreCreatedAndRemovedThroughTheManagerOnly(manager: String) throws {
        let swarm = Swarm(manager: manager)
        let id = try swarm.cluster.createNetwork(Fixture.a, labels: SpecEncoding.networkLabels(Fixture.a, range: Fixture.desired))
        #expect(swarm[manager].allNetworks.map(\.id) == [id])
        try swarm.cluster.removeNetwork(id: id)
        #expect(swarm[manager].allNetworks.isEmpty)
        #expect(swarm.calls[manager] == ["createNetwork t-a", "removeNetwork \(id)"])
        #expect(swarm.nodes.filter { $0.key != manager }.allSatisfy { $0.value.calls.isEmpty })
    }

    @Test(arguments: ["n1", "n2"])
    func theRangeLockIsHeldOnTheManagerForEveryRunOverTheSameNodes(manager: String) throws {
        let swarm = Swarm(manager: manager)
        let first = try RangeLock.acquire("t", on: swarm.cluster, timeout: 0, host: "runner-1")
        #expect(swarm[manager].container(named: "t.lock")?.id == first.holder.id)
        // Another run, with a cluster of its own over the same nodes, finds it held.
        let other = ClusterEngine(nodes: Array(swarm.cluster.nodes.reversed()), manager: manager)
        do {
            _ = try RangeLock.acquire("t", on: other, timeout: 0, host: "runner-2")
            Issue.record("the second run got the lock")
        } catch let LockError.held(holder, name, _) {
            #expect(name == "t.lock" && holder.host == "runner-1" && holder.id == first.holder.id)
        }
        first.release()
        #expect(swarm[manager].container(named: "t.lock") == nil)
        #expect(swarm.calls[manager]!.map { $0.split(separator: " ")[0] } == ["claimLock", "claimLock", "releaseLock"])
        #expect(swarm.nodes.filter { $0.key != manager }.allSatisfy { $0.value.calls.isEmpty })
    }

    @Test func eachPullGoesToTheNodeNamedAndAnUnnamedOneToTheManager() throws {
        let swarm = Swarm(manager: "n2") { _, e in e.registry = ["alpine:3", "debian:12"] }
        try swarm.cluster.pullImage("alpine:3", host: "n3")
        #expect(swarm["n3"].pulled == ["alpine:3"] && swarm["n1"].pulled.isEmpty && swarm["n2"].pulled.isEmpty)
        try swarm.cluster.pullImage("debian:12", host: nil)
        #expect(swarm["n2"].pulled == ["debian:12"] && swarm["n3"].pulled == ["alpine:3"] && swarm["n1"].pulled.isEmpty)
        // The node's own images, as the next inventory shows them.
        #expect(try swarm.cluster.inventory().imagesByHost["n3"]?.contains("alpine:3") == true)
    }

    @Test func aPullTheNodesRegistryRefusesFailsWithThatNodesError() throws {
        let swarm = Swarm { name, e in e.registry = name == "n2" ? [] : ["alpine:3"] }
        let refused = engineError { try swarm.cluster.pullImage("alpine:3", host: "n2") }
        #expect(refused?.unsupportedMessage?.hasPrefix("pulling alpine:3: pull access denied") == true)
        #expect(swarm.nodes.values.allSatisfy { $0.pulled.isEmpty })
    }

    @Test func theHelperImagesToolsAreAskedOfTheNodeNamedAndOfTheManagerWhenNoneIs() throws {
        let swarm = Swarm(manager: "n3") { name, e in e.helperLacks = ["iptables", "ip-\(name)"] }
        let tools = ["iptables", "ip-n1", "ip-n2", "ip-n3"]
        #expect(try swarm.cluster.missingHelperTools(tools, range: Fixture.desired, host: "n1") == ["iptables", "ip-n1"])
        #expect(try swarm.cluster.missingHelperTools(tools, range: Fixture.desired, host: "n2") == ["iptables", "ip-n2"])
        #expect(try swarm.cluster.missingHelperTools(tools, range: Fixture.desired, host: nil) == ["iptables", "ip-n3"])
        #expect(swarm.calls.mapValues(\.count) == ["n1": 1, "n2": 1, "n3": 1])
    }

    /// `observe(for:)` over a swarm: each node that holds a router with a declared policy and has
    /// the helper image is asked for the tools it lacks, and answers for itself.
    @Test func observingARangeWithAPolicyAsksEachRoutersNodeForTheToolsItLacks() throws {
        let policy = RouterPolicy(declared: true, restore: "", hookCommands: [], hookRules: [], rules: [], addresses: [])
        let swarm = Swarm { name, e in e.helperLacks = name == "n2" ? ["iptables-restore"] : ["ip"] }
        var routers = Fixture.desired
        routers.helperImage = "helper:1"
        for k in routers.vms.indices where routers.vms[k].host != "n1" { routers.vms[k].policy = policy }
        // n1 holds no router; n3 has no helper image (a preflight error of its own): neither is asked.
        for name in ["n1", "n2"] {
            swarm[name].registry = ["helper:1"]
            try swarm[name].pullImage("helper:1", host: nil)
        }
        swarm.resetCalls()
        let inventory = try swarm.cluster.observe(for: routers)
        #expect(inventory.helperMissingTools == ["n2": ["iptables-restore"]])
        #expect(swarm.calls["n2"] == ["inventory ", "missingHelperTools helper:1"])
        #expect(swarm.calls["n1"] == ["inventory "] && swarm.calls["n3"] == ["inventory "])
    }
}
