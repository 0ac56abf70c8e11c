import Plan
import RangeDiagnostics
import Testing

/// The checks made before any change, against one observation; each diagnostic the preflight
/// emits, where it points, and when it stays silent.
struct PreflightTests {
    let d = Fixture.desired()

    func check(_ desired: DesiredRange, _ inventory: EngineInventory) -> [Diagnostic] {
        Preflight.check(desired, inventory)
    }

    func check(_ inventory: EngineInventory) -> [Diagnostic] { check(d, inventory) }

    func codes(_ diagnostics: [Diagnostic]) -> [String] { diagnostics.map { "\($0.severity.rawValue) \($0.code.rawValue)" } }

    @Test func anEmptyEngineWithTheImageIsClean() {
        #expect(check(Fixture.inventory()).isEmpty)
    }

    @Test func theRangesOwnObjectsNeverConflict() {
        let inventory = Fixture.inventory(networks: d.networks.map { Fixture.live($0, of: d) },
                                          containers: d.vms.map { Fixture.live($0, of: d) })
        #expect(check(inventory).isEmpty)
    }

    // MARK: - name-conflict, subnet-conflict, ip-in-use

    @Test func aForeignNetworkWithTheNameIsANameConflictAtTheNetwork() throws {
        let diagnostics = check(Fixture.inventory(networks: [Fixture.foreignNetwork("t-b", "172.30.0.0/16")]))
        #expect(codes(diagnostics) == ["error name-conflict"])
        let d0 = try #require(diagnostics.first)
        #expect(d0.location == Fixture.at(4))
        #expect(d0.message == "network t-b already exists on the engine (id f-t-b) and is not managed by range t; rename the network or remove the other one")
    }

    @Test func aForeignContainerWithTheNameIsANameConflictAtTheVM() throws {
        let diagnostics = check(Fixture.inventory(containers: [Fixture.foreignContainer("t-db")]))
        #expect(codes(diagnostics) == ["error name-conflict"])
        #expect(diagnostics.first?.location == Fixture.at(7))
        #expect(diagnostics.first?.message.hasPrefix("container t-db already exists on the engine (id f-t-db) and is not managed by range t") == true)
    }

    @Test func anotherRangesNetworkWithTheNameIsNotOursEither() {
        var other = Fixture.live(Fixture.a, of: d)
        other.labels[RangeLabels.range] = "u"
        other.subnet = Fixture.subnet("172.30.0.0/16")
        #expect(codes(check(Fixture.inventory(networks: [other]))) == ["error name-conflict"])
    }

    @Test func aForeignNetworkOverlappingASubnetIsASubnetConflictNamingItsRange() throws {
        let foreign = Fixture.foreignNetwork("u-lan", "10.200.0.0/16", labels: [RangeLabels.range: "u", RangeLabels.managed: "true"])
        let diagnostics = check(Fixture.inventory(networks: [foreign]))
        #expect(codes(diagnostics) == ["error subnet-conflict", "error subnet-conflict"])
        #expect(diagnostics.map(\.location) == [Fixture.at(3), Fixture.at(4)])
        #expect(diagnostics.first?.message == "subnet 10.200.1.0/24 of network 'a' overlaps 10.200.0.0/16 of engine network u-lan (range u), which this range does not own")
    }

    @Test func anyPrefixTheEngineReportsCountsAndNoSubnetIsNoConflict() {
        // The engine module parses what the engine reports (an IPv6 subnet becomes none).
        let networks = [Fixture.foreignNetwork("wide", "0.0.0.0/0"), Fixture.foreignNetwork("none", nil),
                        Fixture.foreignNetwork("near", "10.200.3.0/24")]
        let diagnostics = check(Fixture.inventory(networks: networks))
        #expect(diagnostics.map(\.message).allSatisfy { $0.contains("engine network wide") }, "\(diagnostics.map(\.message))")
        #expect(diagnostics.count == 2)
    }

    @Test func aNameConflictIsNotAlsoASubnetConflict() {
        #expect(codes(check(Fixture.inventory(networks: [Fixture.foreignNetwork("t-a", "10.200.1.0/24")]))) == ["error name-conflict"])
    }

    @Test func anAddressAForeignContainerHoldsOnTheRangesNetworkIsInUse() throws {
        let squatter = Fixture.foreignContainer("squatter", endpoints: [ObservedEndpoint(network: "t-a", configuredIP: Fixture.ip("10.200.1.11"), mac: nil)])
        let diagnostics = check(Fixture.inventory(containers: [squatter]))
        #expect(codes(diagnostics) == ["error ip-in-use"])
        #expect(diagnostics.first?.location == Fixture.at(7))
        #expect(diagnostics.first?.message == "address 10.200.1.11 that db needs on network 'a' is held by container squatter, which range t does not own and never touches; free the address or give db another")
    }

    @Test func aRuntimeAddressIsHeldTooAndOtherNetworksDoNotCount() {
        let runtime = Fixture.foreignContainer("dhcp", endpoints: [ObservedEndpoint(network: "t-b", configuredIP: nil, mac: nil, runtimeIP: Fixture.ip("10.200.2.10"))])
        #expect(codes(check(Fixture.inventory(containers: [runtime]))) == ["error ip-in-use"])
        let elsewhere = Fixture.foreignContainer("x", endpoints: [ObservedEndpoint(network: "bridge", configuredIP: Fixture.ip("10.200.1.11"), mac: nil)])
        #expect(check(Fixture.inventory(containers: [elsewhere])).isEmpty)
    }

    // MARK: - image-missing, helper image

    @Test func aMissingImageIsReportedOnceAtItsFirstVM() {
        let vms = [Fixture.vm("x", image: "alpine:3", [("a", "10.200.1.20")], line: 8), Fixture.vm("y", image: "alpine:3", [("a", "10.200.1.21")], line: 9)]
        let diagnostics = check(Fixture.desired([Fixture.a], vms), Fixture.inventory())
        #expect(codes(diagnostics) == ["error image-missing"])
        #expect(diagnostics.first?.location == Fixture.at(8))
        #expect(diagnostics.first?.message == "image alpine:3 is not present on the engine; load or build it, or let apply pull it (--pull missing)")
    }

    @Test func whenApplyPullsAMissingImageIsAWarningThatSaysSo() {
        let vms = [Fixture.vm("x", image: "alpine:3", [("a", "10.200.1.20")], line: 8), Fixture.db]
        let desired = Fixture.desired([Fixture.a], vms)
        let diagnostics = Preflight.check(desired, Fixture.inventory(), pulling: true)
        #expect(codes(diagnostics) == ["warning image-pull"])
        #expect(diagnostics.first?.message == "image alpine:3 is not present on the engine; apply pulls it")
        // What each policy pulls: what is absent, every image the range uses, or nothing.
        #expect(ImageNeeds.toPull(desired, Fixture.inventory(), policy: .missing).map(\.image) == ["alpine:3"])
        #expect(ImageNeeds.toPull(desired, Fixture.inventory(), policy: .always).map(\.image) == ["alpine:3", "busybox"])
        #expect(ImageNeeds.toPull(desired, Fixture.inventory(), policy: .never).isEmpty)
    }

    @Test func imagesAreNeededOncePerNodeAndTheHelperWhereAVMHasRoutes() {
        var a = Fixture.vm("a", [("a", "10.200.1.20")]), b = Fixture.vm("b", [("a", "10.200.1.21")], routes: [Fixture.route("10.9.0.0/16", via: "10.200.1.1")])
        var c = Fixture.vm("c", [("a", "10.200.1.22")])
        a.host = "n1"; b.host = "n2"; c.host = "n1"
        let needs = ImageNeeds.of(Fixture.desired([Fixture.a], [a, b, c], helperImage: "netshoot"), naming: Fixture.dockerNaming)
        #expect(needs.map { "\($0.host ?? "-") \($0.image)\($0.helper ? " (helper)" : "")" } == ["n1 busybox", "n2 busybox", "n2 netshoot (helper)"])
    }

    @Test func imagesCompareInDockersSpelling() {
        let vms = ["busybox", "docker.io/library/busybox", "busybox:latest", "library/busybox:latest"].enumerated().map { i, image in
            Fixture.vm("v\(i)", image: image, [("a", "10.200.1.\(20 + i)")])
        }
        #expect(check(Fixture.desired([Fixture.a], vms), Fixture.inventory()).isEmpty)
    }

    @Test func theHelperImageIsNeededOnlyWhenAVMHasRoutes() throws {
        let routed = Fixture.vm("fw", [("a", "10.200.1.30")], routes: [Fixture.route("10.9.0.0/16", via: "10.200.1.1")], line: 12)
        let noHelper = Fixture.inventory(images: ["busybox:latest"])
        #expect(check(Fixture.desired([Fixture.a], [Fixture.db], helperImage: "nicolaka/netshoot"), noHelper).isEmpty)
        let diagnostics = check(Fixture.desired([Fixture.a], [Fixture.db, routed], helperImage: "nicolaka/netshoot"), noHelper)
        #expect(codes(diagnostics) == ["error image-missing"])
        #expect(diagnostics.first?.location == Fixture.at(12))
        #expect(diagnostics.first?.message == "helper image nicolaka/netshoot, which sets VM routes, is not present on the engine; load it, set helper_image, or let apply pull it (--pull missing)")
    }

    @Test func aHelperImageAlreadyReportedMissingForAVMIsNotReportedTwice() {
        let routed = Fixture.vm("fw", image: "alpine:3", [("a", "10.200.1.30")], routes: [Fixture.route("10.9.0.0/16", via: "10.200.1.1")])
        #expect(codes(check(Fixture.desired([Fixture.a], [routed], helperImage: "alpine:3"), Fixture.inventory())) == ["error image-missing"])
    }

    @Test(arguments: [
        ("busybox", "busybox:latest"), ("busybox:1.36", "busybox:1.36"), ("docker.io/library/busybox", "busybox:latest"),
        ("index.docker.io/library/alpine:3", "alpine:3"), ("library/nginx", "nginx:latest"), ("docker.io/team/tools", "team/tools:latest"),
        ("localhost:5000/img", "localhost:5000/img:latest"), ("localhost:5000/img:2", "localhost:5000/img:2"),
        ("quay.io/podman/hello", "quay.io/podman/hello:latest"), ("busybox@sha256:5acba83a746c", "busybox@sha256:5acba83a746c"),
        ("docker.io/library/busybox@sha256:5acba83a746c", "busybox@sha256:5acba83a746c"),
    ])
    func theReferenceDefaultsSpellImagesAsDockerListsThem(_ written: String, _ canonical: String) {
        #expect(Fixture.dockerNaming.canonical(written) == canonical)
    }

    /// Images are compared in the engine's own spelling, which it reports: never a fixed one.
    @Test func imagesAreComparedAsTheEngineSpellsThem() {
        let naming = ImageNaming(implicitRegistries: ["registry.lab/"], implicitNamespace: "", defaultTag: "stable")
        let vms = [Fixture.vm("x", image: "registry.lab/tools", [("a", "10.200.1.20")]), Fixture.vm("y", image: "tools:stable", [("a", "10.200.1.21")])]
        #expect(check(Fixture.desired([Fixture.a], vms), Fixture.inventory(images: ["tools:stable"], naming: naming)).isEmpty)
        #expect(codes(check(Fixture.desired([Fixture.a], vms), Fixture.inventory(images: ["tools:latest"], naming: naming))) == ["error image-missing"])
    }

    // MARK: - resource-limit, engine-limit

    @Test func moreCPUsThanTheEngineHasIsAWarningAtTheVM() {
        let big = Fixture.vm("big", [("a", "10.200.1.40")], cpu: 8, line: 14)
        let diagnostics = check(Fixture.desired([Fixture.a], [big]), Fixture.inventory(cpus: 4))
        #expect(codes(diagnostics) == ["warning resource-limit"])
        #expect(diagnostics.first?.location == Fixture.at(14))
        #expect(diagnostics.first?.message == "big asks for 8 CPUs; the engine has 4, so it is limited to 4")
        #expect(check(Fixture.desired([Fixture.a], [big]), Fixture.inventory(cpus: 8)).isEmpty)
    }

    @Test func aDiskSizeIsAWarningWhereTheManifestSetsIt() {
        var vm = Fixture.db
        vm.diskGB = 20
        vm.diskGBLocation = SourceLocation(file: "t.yaml", line: 7, column: 40)
        let diagnostics = check(Fixture.desired([Fixture.a], [vm]), Fixture.inventory())
        #expect(codes(diagnostics) == ["warning resource-limit"])
        #expect(diagnostics.first?.location == vm.diskGBLocation)
        #expect(diagnostics.first?.message == "disk_gb is recorded but this engine cannot enforce a disk size")
    }

    @Test func aRoutedRangeOnAnEngineThatDropsForwardedTrafficIsWarnedAtItsFirstRoutedNetwork() {
        let networks = [Fixture.a, Fixture.network("dmz", "10.200.3.0/24", router: "fw", line: 5), Fixture.network("lan", "10.200.4.0/24", router: "fw", line: 6)]
        let diagnostics = check(Fixture.desired(networks, [Fixture.db]), Fixture.inventory(forwards: false))
        #expect(codes(diagnostics) == ["warning engine-limit"])
        #expect(diagnostics.first?.location == Fixture.at(5))
        #expect(diagnostics.first?.message.hasPrefix("this engine (test engine) drops traffic that a router VM forwards between its networks: network 'dmz' and the other segments of fw will get their addresses and routes but will not reach each other through it") == true)
        #expect(check(Fixture.desired(networks, [Fixture.db]), Fixture.inventory(forwards: true)).isEmpty)
        #expect(check(Fixture.inventory(forwards: false)).isEmpty)
    }

    // MARK: - nic-order

    /// `web` is on [b, a]: an engine that sorts NICs by name gives it eth0 a, eth1 b, and routes it through a.
    static let crossed = Fixture.vm("web", [("b", "10.200.2.10"), ("a", "10.200.1.10")], line: 6)

    @Test func anEngineThatSortsNICsByNameIsWarnedAboutNamesAndRoute() {
        let diagnostics = check(Fixture.desired([Fixture.a, Fixture.b], [Self.crossed]), Fixture.inventory(layout: .sortedByName))
        #expect(codes(diagnostics) == ["warning nic-order"])
        #expect(diagnostics.first?.location == Fixture.at(6))
        #expect(diagnostics.first?.message == "web will get eth0 a, eth1 b on this engine (it orders NICs by network name, not manifest order); its default route goes through a, not b")
    }

    @Test func aPinnedDefaultRouteLeavesOnlyTheNamesToWarnAbout() {
        let pinned = PrimaryRoute.pinned(Fixture.desired([Fixture.a, Fixture.b], [Self.crossed]), layout: .sortedByName)
        let diagnostics = check(pinned, Fixture.inventory(layout: .sortedByName))
        #expect(diagnostics.map(\.message) == ["web will get eth0 a, eth1 b on this engine (it orders NICs by network name, not manifest order); rangectl sets its default route via 10.200.2.1 after start"])
    }

    @Test func namesInOrderAndTheRouteThroughThePrimaryAreNotWarnedAbout() {
        // [a, b] sorts as it is written; one NIC has nothing to order.
        #expect(check(Fixture.desired(), Fixture.inventory(layout: .sortedByName)).isEmpty)
        #expect(check(Fixture.desired([Fixture.a, Fixture.b], [Self.crossed]), Fixture.inventory(layout: .manifest)).isEmpty)
    }

    @Test func anEngineThatRoutesThroughAnyNetworkIsWarnedWhenThePrimaryCannotBePinned() {
        let c = Fixture.network("c", "10.200.3.0/24", internal: true, line: 5)
        let vm = Fixture.vm("web", [("c", "10.200.3.10"), ("a", "10.200.1.10"), ("b", "10.200.2.10")], line: 6)
        let diagnostics = check(Fixture.desired([Fixture.a, Fixture.b, c], [vm]), Fixture.inventory(layout: .manifestNamesAnyRoute))
        #expect(diagnostics.map(\.message) == ["web: its default route goes through whichever of a, b the engine picks, not c"])
    }

    @Test func aVMWithOnlyInternalNetworksIsToldItGetsNoDefaultRoute() {
        let c = Fixture.network("c", "10.200.3.0/24", internal: true)
        let e = Fixture.network("e", "10.200.5.0/24", internal: true)
        let vm = Fixture.vm("iso", [("e", "10.200.5.10"), ("c", "10.200.3.10")])
        let diagnostics = check(Fixture.desired([c, e], [vm]), Fixture.inventory(layout: .sortedByName))
        #expect(diagnostics.map(\.message) == ["iso will get eth0 c, eth1 e on this engine (it orders NICs by network name, not manifest order); it gets no default route"])
    }
}
