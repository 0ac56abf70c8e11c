import ClusterEngine
import Engine
import InMemoryEngine
import Plan
import Testing

/// status's one-helper read over a swarm: one helper on each node that holds some of the
/// containers, entering only that node's containers; a node whose helper cannot run leaves only
/// its own containers out, to be read one by one.
struct NamespaceReadTests {
    /// Two VMs on n1, one on n2, two on n3.
    static let vms = Fixture.vms + [Fixture.vm("four", on: "n1", ip: "10.200.1.13"), Fixture.vm("five", on: "n3", ip: "10.200.1.14")]

    /// The swarm with `vms` running, each node's helper printing the node's name and the
    /// container's; the running VMs as the cluster's inventory gives them, calls reset.
    static func applied() throws -> (Swarm, [ObservedContainer]) {
        let swarm = Swarm()
        try swarm.applied(vms)
        for (name, node) in swarm.nodes { node.helperScripts = { c, _ in "\(name) read \(c.name)\n" } }
        let vms = try swarm.cluster.inventory().containers.filter { $0.state == .running && $0.labels[RangeLabels.vm] != nil }
        swarm.resetCalls()
        return (swarm, vms)
    }

    /// And a swarm says an added address (NAT) is not reachable there.
    @Test func namespacesAreReadByOneHelperPerNodeOnThatNode() throws {
        let (swarm, vms) = try Self.applied()
        #expect(vms.count == 5)
        #expect(try !swarm.cluster.inventory().capabilities.reachesAddedAddresses)
        swarm.resetCalls()
        let read = try swarm.cluster.readNamespaces(vms.map(\.id), script: "ip route show", range: Fixture.desired)
        #expect(read == Dictionary(uniqueKeysWithValues: vms.map { ($0.id, "\($0.host!) read \($0.name)\n") }))
        for (name, node) in swarm.nodes {
            let held = vms.filter { $0.host == name }.map(\.id)
            #expect(node.calls.map { "\($0.name) \($0.target)" } == ["readNamespaces \(held.joined(separator: ","))"], "\(name)")
        }
        // A node whose helper cannot run leaves only its own VMs to be read one by one.
        swarm["n2"].namespaceReader = false
        let partial = try swarm.cluster.readNamespaces(vms.map(\.id), script: "ip route show", range: Fixture.desired)
        #expect(Set(partial.keys) == Set(vms.filter { $0.host != "n2" }.map(\.id)))
    }

    @Test func aNodeHoldingNoneOfTheContainersGetsNoHelperAndEachNodeReadsThemInTheOrderGiven() throws {
        let (swarm, vms) = try Self.applied()
        let notOnN3 = vms.filter { $0.host != "n3" }.reversed().map(\.id)
        let read = try swarm.cluster.readNamespaces(notOnN3, script: "ip route show", range: Fixture.desired)
        #expect(Set(read.keys) == Set(notOnN3))
        #expect(swarm["n3"].calls.isEmpty)
        #expect(swarm["n1"].calls.map(\.target) == [notOnN3.filter { id in vms.first { $0.id == id }?.host == "n1" }.joined(separator: ",")])
    }

    @Test func theNodesAreAskedOneAfterAnotherInNameOrder() throws {
        let (swarm, vms) = try Self.applied()
        let log = Log()
        for (name, node) in swarm.nodes { node.beforeCall = { call in log.add("\(name) \(call.name)") } }
        _ = try swarm.cluster.readNamespaces(vms.reversed().map(\.id), script: "ip route show", range: Fixture.desired)
        #expect(log.entries == ["n1 readNamespaces", "n2 readNamespaces", "n3 readNamespaces"])
    }

    @Test func aContainerNoInventoryOrCreateNamedIsLeftOutAndNoNodeIsAskedForIt() throws {
        let (swarm, vms) = try Self.applied()
        // Made on n2 by hand after the cluster last read its nodes.
        let late = swarm["n2"].addContainer(name: "late")
        let read = try swarm.cluster.readNamespaces([late] + vms.map(\.id), script: "ip route show", range: Fixture.desired)
        #expect(read[late] == nil && read.count == vms.count)
        #expect(!swarm["n2"].calls.contains { $0.target.contains(late) })
        // Once an inventory has seen it, it is read on its node.
        _ = try swarm.cluster.inventory()
        #expect(try swarm.cluster.readNamespaces([late], script: "ip route show", range: Fixture.desired) == [late: "n2 read late\n"])
    }

    @Test func aNodeThatDoesNotAnswerIsLeftOutLikeOneWhoseHelperCannotRun() throws {
        let (swarm, vms) = try Self.applied()
        swarm["n3"].fault = { $0.name == "readNamespaces" ? .unreachable(endpoint: "memory://n3", reason: "connection refused") : nil }
        let read = try swarm.cluster.readNamespaces(vms.map(\.id), script: "ip route show", range: Fixture.desired)
        #expect(Set(read.keys) == Set(vms.filter { $0.host != "n3" }.map(\.id)))
    }

    @Test func noNodeAbleToReadGivesAnEmptyReadNotAnError() throws {
        let (swarm, vms) = try Self.applied()
        for node in swarm.nodes.values { node.namespaceReader = false }
        let read = try swarm.cluster.readNamespaces(vms.map(\.id), script: "ip route show", range: Fixture.desired)
        #expect(read.isEmpty)
        #expect(swarm.nodes.values.allSatisfy { $0.calls.map(\.name) == ["readNamespaces"] })
    }
}
