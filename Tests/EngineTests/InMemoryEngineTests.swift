import Engine
import InMemoryEngine
import Plan
import Testing

/// The in-memory engine the applier's tests run on: it must answer as ENGINE.md measured Docker
/// 20.10 answering, or those tests prove nothing. Each test checks one of those answers.
struct InMemoryEngineTests {
    let d = Fixture.desired

    /// Creates `vm` with the labels rangectl gives it; returns its id.
    func create(_ vm: DesiredVM, on engine: InMemoryEngine) throws -> String {
        try engine.createContainer(vm, range: d, labels: SpecEncoding.vmLabels(vm, range: d), cpus: 1)
    }

    func status(_ body: () throws -> Void) -> Int? {
        do { try body(); return nil } catch let EngineError.http(status, _, _) { return status } catch { return -1 }
    }

    // MARK: - Networks

    @Test func aNetworkIsCreatedWithTheEnginesGatewayAndLabels() throws {
        let engine = InMemoryEngine()
        let id = try engine.createNetwork(Fixture.a, labels: SpecEncoding.networkLabels(Fixture.a, range: d))
        let inventory = try engine.inventory()
        let n = try #require(inventory.networks.first)
        #expect(n.id == id && n.name == "t-a" && n.subnet?.description == "10.200.1.0/24" && n.gateway?.description == "10.200.1.1" && !n.internal)
        #expect(n.isOwned(by: "t") && n.labels[RangeLabels.network] == "a")
    }

    @Test func aTakenNetworkNameIs409AndAnOverlappingSubnet403() throws {
        let engine = InMemoryEngine()
        _ = try engine.createNetwork(Fixture.a, labels: [])
        #expect(status { _ = try engine.createNetwork(Fixture.a, labels: []) } == 409)
        let overlapping = Fixture.network("c", "10.200.0.0/16")
        #expect(status { _ = try engine.createNetwork(overlapping, labels: []) } == 403)
        #expect(engine.allNetworks.count == 1)
    }

    @Test func removingAMissingNetworkIsNotAnError() throws {
        let engine = InMemoryEngine()
        try engine.removeNetwork(id: "gone")
        #expect(engine.calls.map { "\($0.name) \($0.target)" } == ["removeNetwork gone"])
    }

    @Test func aNetworkARunningContainerIsAttachedToCannotBeRemoved() throws {
        let engine = InMemoryEngine()
        let net = try engine.createNetwork(Fixture.a, labels: [])
        _ = try engine.createNetwork(Fixture.b, labels: [])
        let db = try create(Fixture.db, on: engine)
        try engine.startContainer(id: db)
        #expect(status { try engine.removeNetwork(id: net) } == 403)
        // Stopped, it no longer holds the network.
        engine.modifyContainer(named: "t-db") { $0.running = false }
        try engine.removeNetwork(id: net)
        #expect(engine.allNetworks.map(\.name) == ["t-b"])
    }

    @Test func aRoutedSegmentIsNotInternalOnTheEngineAndItsBridgeHoldsTheGateway() throws {
        var routed = Fixture.network("dmz", "10.200.3.0/24", internal: true)
        routed.router = "fw"
        routed.bridgeIP = IPv4Address("10.200.3.254")
        let engine = InMemoryEngine()
        _ = try engine.createNetwork(routed, labels: [])
        _ = try engine.createNetwork(Fixture.network("back", "10.200.4.0/24", internal: true), labels: [])
        let networks = try engine.inventory().networks
        #expect(networks.map(\.name) == ["t-back", "t-dmz"])
        #expect(networks.map(\.internal) == [true, false])
        #expect(networks.map { $0.gateway?.description } == ["10.200.4.1", "10.200.3.254"])
    }

    // MARK: - Containers

    @Test func aContainerIsCreatedStoppedWithItsNICsInOrder() throws {
        let engine = InMemoryEngine()
        let id = try create(Fixture.web, on: engine)
        let c = try #require(try engine.inventory().containers.first)
        #expect(c.id == id && c.name == "t-web" && c.state == .created && c.image == "busybox")
        #expect(c.isOwned(by: "t") && c.labels[RangeLabels.vm] == "web")
        #expect(c.endpoints.map { "\($0.network)=\($0.configuredIP?.description ?? "")" } == ["t-a=10.200.1.10", "t-b=10.200.2.10"])
        #expect(c.assignedInterfaces.map { $0.ip?.description } == ["10.200.1.10", "10.200.2.10"])
    }

    @Test func aTakenContainerNameIs409() throws {
        let engine = InMemoryEngine()
        engine.addContainer(name: "t-db", labels: ["owner": "someone else"])
        #expect(status { _ = try create(Fixture.db, on: engine) } == 409)
        #expect(engine.container(named: "t-db")?.labels == ["owner": "someone else"])
    }

    @Test func aMissingImageIs404AndImagesCompareAsDockerSpellsThem() throws {
        let engine = InMemoryEngine(images: ["busybox:latest"])
        #expect(status { _ = try create(Fixture.vm("x", image: "alpine:3", [("a", "10.200.1.20")]), on: engine) } == 404)
        for image in ["busybox", "docker.io/library/busybox", "busybox:latest"] {
            let vm = Fixture.vm("v" + String(image.count), image: image, [("a", "10.200.1.\(image.count)")])
            _ = try create(vm, on: engine)
        }
        #expect(engine.allContainers.count == 3)
    }

    @Test func removingAMissingContainerIsNotAnError() throws {
        let engine = InMemoryEngine()
        try engine.removeContainer(id: "gone")
        try engine.releaseLock(id: "gone")
        #expect(engine.allContainers.isEmpty)
    }

    @Test func removingARunningContainerRemovesIt() throws {
        let engine = InMemoryEngine()
        _ = try engine.createNetwork(Fixture.a, labels: [])
        let db = try create(Fixture.db, on: engine)
        try engine.startContainer(id: db)
        try engine.removeContainer(id: db)
        #expect(engine.container(named: "t-db") == nil)
    }

    @Test func startingNeedsEveryNetworkAndFreeAddresses() throws {
        let engine = InMemoryEngine()
        let db = try create(Fixture.db, on: engine)
        // Created fine without its network; the start is what fails.
        #expect(status { try engine.startContainer(id: db) } == 404)
        _ = try engine.createNetwork(Fixture.a, labels: [])
        engine.addContainer(name: "squatter", running: true, endpoints: [("t-a", "10.200.1.11")])
        #expect(status { try engine.startContainer(id: db) } == 403)
        engine.modifyContainer(named: "squatter") { $0.running = false }
        try engine.startContainer(id: db)
        #expect(engine.container(named: "t-db")?.running == true)
        #expect(status { try engine.startContainer(id: "gone") } == 404)
    }

    @Test func aContainerReportsItsStateWordAndItsStarts() throws {
        let engine = InMemoryEngine()
        _ = try engine.createNetwork(Fixture.a, labels: [])
        let db = try create(Fixture.db, on: engine)
        func state() throws -> ContainerState? { try engine.inventory().containers.first?.state }
        #expect(try state() == .created)
        try engine.startContainer(id: db)
        #expect(try state() == .running)
        let first = try engine.startedAt(container: db)
        engine.modifyContainer(named: "t-db") { $0.running = false }
        #expect(try state() == .exited)
        try engine.startContainer(id: db)
        #expect(try engine.startedAt(container: db) != first)
        engine.restart(named: "t-db")
        #expect(engine.container(named: "t-db")?.starts == 3)
    }

    // MARK: - Routes

    @Test func routesAreSetInARunningVMWithAMarkerAndLostToARestart() throws {
        let engine = InMemoryEngine()
        _ = try engine.createNetwork(Fixture.a, labels: [])
        let vm = Fixture.vm("db", [("a", "10.200.1.11")], routes: [DesiredRoute(to: "10.9.0.0/16", via: IPv4Address("10.200.1.1")!)])
        let id = try create(vm, on: engine)
        #expect(status { try engine.setRoutes(vm, containerID: id, range: d) } == 409)   // not running
        try engine.startContainer(id: id)
        try engine.setRoutes(vm, containerID: id, range: d)
        #expect(try engine.readRoutes(containerID: id, range: d) == "10.9.0.0/16 via 10.200.1.1")
        let marker = try #require(engine.container(named: "t-db.routes"))
        #expect(!marker.running && marker.labels[RangeLabels.routesOf] == "db")
        #expect(marker.labels[RangeLabels.routesSet] == "\(id)@\(try engine.startedAt(container: id))")
        engine.restart(named: "t-db")
        #expect(try engine.readRoutes(containerID: id, range: d) == "")
        // Set again: one marker, not two.
        try engine.setRoutes(vm, containerID: id, range: d)
        #expect(engine.allContainers.filter { $0.name == "t-db.routes" }.count == 1)
    }

    @Test func settingRoutesNeedsTheHelperImage() throws {
        let engine = InMemoryEngine(images: ["busybox:latest"])
        _ = try engine.createNetwork(Fixture.a, labels: [])
        let id = try create(Fixture.db, on: engine)
        try engine.startContainer(id: id)
        var range = d
        range.helperImage = "nicolaka/netshoot"
        #expect(status { try engine.setRoutes(Fixture.db, containerID: id, range: range) } == 404)
    }

    // MARK: - The lock, faults and calls

    @Test func aLockNameIsClaimedOnceAndThenReportsItsHolder() throws {
        let engine = InMemoryEngine()
        let first = try engine.claimLock(name: "t.lock", labels: [KeyValue("who", "first")])
        let second = try engine.claimLock(name: "t.lock", labels: [KeyValue("who", "second")])
        #expect(second.id == first.id && second.labels == ["who": "first"])
        try engine.releaseLock(id: first.id)
        #expect(try engine.claimLock(name: "t.lock", labels: [KeyValue("who", "second")]).labels == ["who": "second"])
    }

    @Test func anInjectedFaultFailsTheCallBeforeItHasAnyEffect() throws {
        let engine = InMemoryEngine()
        engine.fault = { $0.name == "createNetwork" ? .http(status: 500, message: "boom", request: "POST /networks/create") : nil }
        #expect(status { _ = try engine.createNetwork(Fixture.a, labels: []) } == 500)
        #expect(engine.allNetworks.isEmpty)
        #expect(engine.calls.map { "\($0.name) \($0.target)" } == ["createNetwork t-a"])
    }

    @Test func beforeCallRunsAheadOfTheCallsEffect() throws {
        let engine = InMemoryEngine()
        // As a killed client's request finished late: the name is taken when the create arrives.
        engine.beforeCall = { [engine] call in
            if call.name == "createNetwork" { engine.addNetwork(name: "t-a", subnet: "10.200.1.0/24") }
        }
        #expect(status { _ = try engine.createNetwork(Fixture.a, labels: []) } == 409)
    }

    @Test func theInventoryReportsTheCapabilitiesTheTestGaveIt() throws {
        // By default Docker 20.10's: NICs sorted by name, each connected after create.
        let docker = try InMemoryEngine().inventory()
        #expect(docker.interfaceLayout == .sortedByName && !docker.capabilities.endpointsAtCreate && docker.capabilities.forwardsBetweenNetworks)
        #expect(try InMemoryEngine(layout: .manifest).inventory().interfaceLayout == .manifest)
        let podman = InMemoryEngine(layout: .manifestNamesAnyRoute)
        podman.capabilities.forwardsBetweenNetworks = false
        podman.cpus = 6
        let inventory = try podman.inventory()
        #expect(inventory.interfaceLayout == .manifestNamesAnyRoute && !inventory.capabilities.forwardsBetweenNetworks && inventory.cpus == 6)
    }

    @Test func observeReadsStartTimesOnlyForRunningVMsWithRouteMarkers() throws {
        let engine = InMemoryEngine()
        _ = try engine.createNetwork(Fixture.a, labels: [])
        let vm = Fixture.vm("db", [("a", "10.200.1.11")], routes: [DesiredRoute(to: "10.9.0.0/16", via: IPv4Address("10.200.1.1")!)])
        let id = try create(vm, on: engine)
        try engine.startContainer(id: id)
        #expect(try engine.observe().containers.first { $0.name == "t-db" }?.startedAt == nil)
        try engine.setRoutes(vm, containerID: id, range: d)
        engine.resetCalls()
        let observed = try engine.observe()
        #expect(observed.containers.first { $0.name == "t-db" }?.startedAt == "start-1")
        #expect(engine.calls.map(\.name) == ["inventory", "startedAt"])
    }
}
