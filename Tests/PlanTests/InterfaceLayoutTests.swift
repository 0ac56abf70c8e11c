import Plan
import Testing

/// How each engine names a VM's NICs and picks its default route (ENGINE.md's measurements, as a value).
struct InterfaceLayoutTests {
    static let a = Fixture.a
    static let b = Fixture.b
    static let c = Fixture.network("c", "10.200.3.0/24", internal: true)
    static let desired = Fixture.desired([a, b, c], [])
    static let internalNetworks: Set<String> = ["c"]

    func names(_ layout: InterfaceLayout, _ nics: [String]) -> [String] {
        let vm = Fixture.vm("v", nics.enumerated().map { ($1, "10.200.\($0 + 1).9") })
        return layout.names(vm, Self.desired, internal: Self.internalNetworks).map(\.network)
    }

    func route(_ layout: InterfaceLayout, _ nics: [String]) -> String? {
        let vm = Fixture.vm("v", nics.enumerated().map { ($1, "10.200.\($0 + 1).9") })
        return layout.defaultRouteNetwork(vm, Self.desired, internal: Self.internalNetworks)
    }

    @Test func sortedByNamePutsOutwardNetworksFirstThenSortsByEngineName() {
        #expect(names(.sortedByName, ["c", "b", "a"]) == ["a", "b", "c"])
        #expect(names(.sortedByName, ["b", "c", "a"]) == ["a", "b", "c"])
        #expect(names(.sortedByName, ["c", "a"]) == ["a", "c"])
    }

    @Test func theOtherLayoutsKeepTheManifestsOrder() {
        for layout in [InterfaceLayout.manifest, .manifestNamesAnyRoute] {
            #expect(names(layout, ["c", "b", "a"]) == ["c", "b", "a"], "\(layout)")
        }
    }

    @Test func sortedByNameRoutesThroughTheFirstOutwardNetworkByName() {
        #expect(route(.sortedByName, ["b", "a"]) == "a")
        #expect(route(.sortedByName, ["c", "b"]) == "b")
        #expect(route(.sortedByName, ["c"]) == nil)
    }

    @Test func manifestRoutesThroughThePrimaryOrTheOnlyOutwardNetwork() {
        #expect(route(.manifest, ["b", "a"]) == "b")
        #expect(route(.manifest, ["c", "a"]) == "a")
        #expect(route(.manifest, ["c", "a", "b"]) == nil)   // which one wins is not predictable
        #expect(route(.manifest, ["c"]) == nil)
    }

    @Test func anyRouteIsPredictableOnlyWithOneOutwardNetwork() {
        #expect(route(.manifestNamesAnyRoute, ["a"]) == "a")
        #expect(route(.manifestNamesAnyRoute, ["c", "a"]) == "a")
        #expect(route(.manifestNamesAnyRoute, ["a", "b"]) == nil)
    }

    @Test func aRoutedSegmentIsOutwardOnTheEngine() {
        let dmz = Fixture.network("dmz", "10.200.4.0/24", internal: true, router: "fw", bridge: "10.200.4.254")
        #expect(!dmz.engineInternal && dmz.engineGateway.description == "10.200.4.254")
        #expect(Preflight.engineInternal(Fixture.desired([Self.a, Self.c, dmz], [])) == ["c"])
    }
}

/// The default route rangectl sets itself where the engine would route a VM elsewhere.
struct PrimaryRoutePinningTests {
    static let c = Fixture.network("c", "10.200.3.0/24", internal: true)
    static let networks = [Fixture.a, Fixture.network("b", "10.200.2.0/24", gateway: "10.200.2.7"), c]

    func pinned(_ vms: [DesiredVM], _ layout: InterfaceLayout, networks: [DesiredNetwork] = networks) -> [String: [String]] {
        let out = PrimaryRoute.pinned(Fixture.desired(networks, vms), layout: layout)
        return Dictionary(uniqueKeysWithValues: out.vms.map { ($0.hostname, $0.routes.map { $0.description + ($0.implicit ? " (implicit)" : "") }) })
    }

    static let web = Fixture.vm("web", [("b", "10.200.2.10"), ("a", "10.200.1.10")])
    static let db = Fixture.vm("db", [("a", "10.200.1.11"), ("b", "10.200.2.11")])
    static let one = Fixture.vm("one", [("b", "10.200.2.12")])

    @Test func anEngineHonouringTheManifestGetsNothingAdded() {
        let desired = Fixture.desired(Self.networks, [Self.web, Self.db])
        #expect(PrimaryRoute.pinned(desired, layout: .manifest) == desired)
    }

    @Test func whereNamesAreSortedOnlyAVMTheEngineWouldRouteElsewhereIsPinned() {
        #expect(pinned([Self.web, Self.db, Self.one], .sortedByName) == ["web": ["default via 10.200.2.7 (implicit)"], "db": [], "one": []])
    }

    @Test func whereAnyRouteMayWinEveryMultiNICVMWithAnOutwardPrimaryIsPinned() {
        #expect(pinned([Self.web, Self.db, Self.one], .manifestNamesAnyRoute)
            == ["web": ["default via 10.200.2.7 (implicit)"], "db": ["default via 10.200.1.1 (implicit)"], "one": []])
    }

    @Test func anOwnDefaultRouteOrAnInternalPrimaryIsLeftAlone() {
        let own = Fixture.vm("own", [("b", "10.200.2.13"), ("a", "10.200.1.13")], routes: [Fixture.route("default", via: "10.200.2.99")])
        let inside = Fixture.vm("inside", [("c", "10.200.3.13"), ("a", "10.200.1.14")])
        #expect(pinned([own, inside], .sortedByName) == ["own": ["default via 10.200.2.99"], "inside": []])
    }

    @Test func thePinnedRouteGoesFirstViaTheBridgeWhereARouterHoldsTheGateway() {
        let routed = Fixture.network("dmz", "10.200.4.0/24", router: "fw", bridge: "10.200.4.254")
        let vm = Fixture.vm("web", [("dmz", "10.200.4.10"), ("a", "10.200.1.10")], routes: [Fixture.route("10.9.0.0/16", via: "10.200.4.1")])
        #expect(pinned([vm], .sortedByName, networks: [Fixture.a, routed])
            == ["web": ["default via 10.200.4.254 (implicit)", "10.9.0.0/16 via 10.200.4.1"]])
    }
}
