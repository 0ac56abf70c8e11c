import ClusterEngine
import Engine
import InMemoryEngine
import Plan
import Testing

/// A node that fails or does not answer: the inventory fails with that node's own error, reading
/// no node after it and teaching the cluster nothing; a call on a container fails with its node's
/// error and no other node is asked; the other nodes stay usable.
struct NodeFailureTests {
    static func gone(_ name: String) -> EngineError { .unreachable(endpoint: "memory://\(name)", reason: "connection refused") }

    @Test(arguments: ["n1", "n2", "n3"])
    func aNodeThatDoesNotAnswerFailsTheInventoryWithItsOwnErrorAndNoLaterNodeIsRead(failing: String) throws {
        let swarm = Swarm()
        swarm[failing].fault = { $0.name == "inventory" ? Self.gone(failing) : nil }
        #expect(engineError { _ = try swarm.cluster.inventory() } == Self.gone(failing))
        // Read in order (the manager n1 first): those before the failing node once, none after it.
        let order = ["n1", "n2", "n3"]
        let k = order.firstIndex(of: failing)!
        for (i, name) in order.enumerated() {
            #expect(swarm.calls[name] == (i <= k ? ["inventory "] : []), "\(name)")
        }
    }

    @Test func aFailedInventoryTeachesTheClusterNoContainer() throws {
        let swarm = Swarm()
        let stray = swarm["n3"].addContainer(name: "t-stray")
        swarm["n2"].fault = { $0.name == "inventory" ? Self.gone("n2") : nil }
        // n2 fails after n1 is read and before n3 is: even n1's containers are not learned.
        let onN1 = swarm["n1"].addContainer(name: "t-other")
        #expect(engineError { _ = try swarm.cluster.inventory() } == Self.gone("n2"))
        #expect(engineError { try swarm.cluster.removeContainer(id: onN1) }?.unsupportedMessage != nil)
        #expect(engineError { try swarm.cluster.removeContainer(id: stray) }?.unsupportedMessage != nil)
        swarm["n2"].fault = nil
        _ = try swarm.cluster.inventory()
        try swarm.cluster.removeContainer(id: onN1)
        try swarm.cluster.removeContainer(id: stray)
        #expect(swarm["n1"].container(named: "t-other") == nil && swarm["n3"].container(named: "t-stray") == nil)
    }

    @Test func aCallOnAContainerWhoseNodeIsGoneFailsWithThatNodesErrorAndTheOthersWorkOn() throws {
        let swarm = Swarm()
        let ids = try swarm.applied()
        swarm.resetCalls()
        swarm["n2"].fault = { _ in Self.gone("n2") }
        #expect(engineError { try swarm.cluster.removeContainer(id: ids["two"]!) } == Self.gone("n2"))
        #expect(engineError { _ = try swarm.cluster.startedAt(container: ids["two"]!) } == Self.gone("n2"))
        #expect(swarm.calls["n1"]!.isEmpty && swarm.calls["n3"]!.isEmpty)
        // n3's containers are still reached on n3, and a VM placed there still created there.
        try swarm.cluster.removeContainer(id: ids["three"]!)
        let again = try swarm.cluster.createContainer(Fixture.vms[2], range: Fixture.desired, labels: [], cpus: 1)
        try swarm.cluster.startContainer(id: again)
        #expect(swarm["n3"].container(named: "t-three")?.id == again && swarm["n3"].container(named: "t-three")?.running == true)
        #expect(swarm["n2"].container(named: "t-two")?.running == true)
    }

    @Test func aNetworkCallFailsWithTheManagersErrorWithoutAskingAWorker() throws {
        let swarm = Swarm()
        swarm["n1"].fault = { $0.name == "createNetwork" ? .http(status: 500, message: "boom", request: "POST /networks/create") : nil }
        #expect(engineError { _ = try swarm.cluster.createNetwork(Fixture.a, labels: []) }
            == .http(status: 500, message: "boom", request: "POST /networks/create"))
        #expect(swarm.calls["n2"]!.isEmpty && swarm.calls["n3"]!.isEmpty)
        #expect(swarm.nodes.values.allSatisfy { $0.allNetworks.isEmpty })
    }
}
