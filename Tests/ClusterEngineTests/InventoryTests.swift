import ClusterEngine
import Engine
import InMemoryEngine
import Plan
import Testing

/// What the core sees of a swarm: one engine named by its nodes, with the oldest node's API, and
/// one inventory: the manager's networks, every node's containers each with its node's name,
/// each node's images, the fewest CPUs, and the manager's capabilities said to be a swarm's.
struct InventoryTests {
    @Test func theNodesAreSortedByNameWithTheManagerNamedAndTheEndpointListsEach() throws {
        let swarm = Swarm(order: ["n3", "n1", "n2"], manager: "n2")
        #expect(swarm.cluster.hostNames == ["n1", "n2", "n3"])
        #expect(swarm.cluster.nodes.map(\.name) == ["n1", "n2", "n3"])
        #expect(swarm.cluster.manager.name == "n2" && swarm.cluster.manager.engine === swarm["n2"])
        #expect(swarm.cluster.endpoint == "n1=memory://n1,n2=memory://n2,n3=memory://n3")
    }

    @Test func theAPIVersionIsTheOldestNodesAlsoInTheInventory() throws {
        let versions = ["n1": APIVersion(1, 51), "n2": APIVersion(1, 44), "n3": APIVersion(1, 48)]
        let swarm = Swarm(apiVersions: versions)
        #expect(swarm.cluster.apiVersion == APIVersion(1, 44))
        // The manager's own inventory says 1.51; the cluster's says what every node speaks.
        #expect(try swarm["n1"].inventory().apiVersion == "1.51")
        #expect(try swarm.cluster.inventory().apiVersion == "1.44")
    }

    @Test func everyNodesContainersAreThereEachWithItsNodesName() throws {
        let swarm = Swarm()
        let ids = try swarm.applied()
        let foreign = swarm["n3"].addContainer(name: "foreign", running: false)
        let inventory = try swarm.cluster.inventory()
        #expect(inventory.containers.map { "\($0.name)@\($0.host ?? "-")" }
            == ["foreign@n3", "t-one@n1", "t-three@n3", "t-two@n2"])
        #expect(inventory.containers.first { $0.name == "foreign" }?.id == foreign)
        #expect(inventory.containers.first { $0.name == "t-two" }?.id == ids["two"])
        // Each container as its node reports it, but for the node's name.
        let two = try #require(try swarm["n2"].inventory().containers.first { $0.name == "t-two" })
        var named = two
        named.host = "n2"
        #expect(inventory.containers.first { $0.name == "t-two" } == named)
    }

    @Test func theNetworksAreTheManagersOnly() throws {
        let swarm = Swarm()
        try swarm.applied()
        // A worker's own networks (its bridge, say) are not the range's overlays.
        swarm["n2"].addNetwork(name: "docker_gwbridge", subnet: "172.18.0.0/16")
        swarm["n1"].addNetwork(name: "ingress", subnet: "10.0.0.0/24")
        let inventory = try swarm.cluster.inventory()
        #expect(inventory.networks.map(\.name) == ["ingress", "t-a"])
        #expect(inventory.networks == (try swarm["n1"].inventory().networks))
    }

    @Test func theImagesAreEachNodesOwnAndAllOfThem() throws {
        let images = ["n1": Set(["busybox:latest"]), "n2": Set(["busybox:latest", "alpine:3"]), "n3": Set<String>()]
        let swarm = Swarm { name, e in
            // The images a node has are those it was made with or has pulled.
            e.registry = images[name]!
            for image in images[name]! { try? e.pullImage(image, host: nil) }
        }
        let n3 = try swarm["n3"].inventory().images
        let inventory = try swarm.cluster.inventory()
        #expect(inventory.imagesByHost == ["n1": ["busybox:latest"], "n2": ["busybox:latest", "alpine:3"], "n3": n3])
        #expect(inventory.images == Set(["busybox:latest", "alpine:3"]).union(n3))
    }

    @Test(arguments: ["n1", "n2", "n3"])
    func theCPUsAreTheFewestAnyNodeHas(fewest: String) throws {
        let swarm = Swarm { name, e in e.cpus = name == fewest ? 2 : 8 }
        #expect(try swarm.cluster.inventory().cpus == 2)
    }

    @Test func theCapabilitiesAreTheManagersSaidToBeASwarmsWithNoAddedAddressReached() throws {
        let swarm = Swarm(manager: "n2") { name, e in
            e.capabilities.engineName = name == "n2" ? "Docker 28.5.2" : "Docker 28.5.1"
            e.capabilities.forwardsBetweenNetworks = false
        }
        let managers = try swarm["n2"].inventory().capabilities
        #expect(managers.reachesAddedAddresses)
        let capabilities = try swarm.cluster.inventory().capabilities
        var expected = managers
        expected.engineName = "a swarm of 3 engines (Docker 28.5.2 on n2)"
        expected.reachesAddedAddresses = false
        #expect(capabilities == expected)
    }

    @Test func eachNodeIsReadOnceTheManagerFirstThenTheOthersInNameOrder() throws {
        let swarm = Swarm(manager: "n2")
        let log = Log()
        for (name, node) in swarm.nodes { node.beforeCall = { call in log.add("\(name) \(call.name)") } }
        _ = try swarm.cluster.inventory()
        #expect(log.entries == ["n2 inventory", "n1 inventory", "n3 inventory"])
    }

    @Test func observeReadsEachRoutedVMsStartTimeOnItsOwnNode() throws {
        let swarm = Swarm()
        let route = DesiredRoute(to: "10.9.0.0/16", via: IPv4Address("10.200.1.1")!)
        let vms = Fixture.vms.map { vm in Fixture.vm(vm.hostname, on: vm.host, ip: vm.interfaces[0].ip.description, routes: [route]) }
        let ids = try swarm.applied(vms)
        for vm in vms { try swarm.cluster.setRoutes(vm, containerID: ids[vm.hostname]!, range: Fixture.desired) }
        // t-two restarted by hand on n2: its start time there is its second.
        swarm["n2"].restart(named: "t-two")
        swarm.resetCalls()
        let observed = try swarm.cluster.observe()
        #expect(observed.containers.filter { $0.labels[RangeLabels.vm] != nil }.map { "\($0.name) \($0.startedAt ?? "-")" }
            == ["t-one start-1", "t-three start-1", "t-two start-2"])
        for vm in vms {
            #expect(swarm.calls[vm.host!] == ["inventory ", "startedAt \(ids[vm.hostname]!)"], "\(vm.host!)")
        }
    }
}

/// One range plans one engine behaviour: a node whose engine behaves otherwise than the
/// manager's is refused at the inventory, before anything is planned.
struct MixedBehaviourTests {
    @Test func aNodeWithAnotherNICOrderIsRefusedNamingItAndTheManager() throws {
        let swarm = Swarm()
        swarm["n3"].capabilities.interfaceLayout = .sortedByName
        swarm["n3"].capabilities.engineName = "Docker 26.1.5"
        let error = #expect(throws: EngineError.self) { _ = try swarm.cluster.inventory() }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("node n3 runs Docker 26.1.5 and the manager n1 in-memory engine"), "\(text)")
    }

    @Test func onlyTheEnginesNameMayDiffer() throws {
        let swarm = Swarm()
        swarm["n2"].capabilities.engineName = "Docker 28.5.1"
        #expect(try swarm.cluster.inventory().containers.isEmpty)
        swarm["n2"].capabilities.exactEndpointCount = false
        #expect(throws: EngineError.self) { _ = try swarm.cluster.inventory() }
    }
}
