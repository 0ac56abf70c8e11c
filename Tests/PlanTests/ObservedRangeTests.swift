import Plan
import Testing

/// The observed state of one range: which objects are its own, the addresses it keeps, and the
/// fingerprint a saved plan is checked against before it is applied.
struct ObservedRangeTests {
    let d = Fixture.desired()

    var owned: ObservedRange {
        Fixture.inventory(networks: d.networks.enumerated().map { Fixture.live($1, of: d, id: "n\($0)") },
                          containers: d.vms.enumerated().map { i, vm in
                              var c = Fixture.live(vm, of: d, id: "c\(i)")
                              c.startedAt = "2026-12-01T10:00:00Z"
                              return c
                          })
            .observed(range: "t")
    }

    // MARK: - Fingerprint

    /// Each field the plan is decided from, changed on its own, changes the fingerprint.
    @Test func everyObservedFieldChangesTheFingerprint() {
        let base = owned
        let changes: [(String, (inout ObservedRange) -> Void)] = [
            ("range", { $0.range = "u" }),
            ("network id", { $0.networks[0].id = "n9" }),
            ("network name", { $0.networks[0].name = "t-z" }),
            ("network subnet", { $0.networks[0].subnet = Fixture.subnet("10.200.9.0/24") }),
            ("network subnet gone", { $0.networks[0].subnet = nil }),
            ("network gateway", { $0.networks[0].gateway = Fixture.ip("10.200.1.254") }),
            ("network internal", { $0.networks[0].internal.toggle() }),
            ("network label", { $0.networks[0].labels["team"] = "blue" }),
            ("network label added", { $0.networks[0].labels["extra"] = "" }),
            ("network gone", { $0.networks.removeLast() }),
            ("container id", { $0.containers[0].id = "c9" }),
            ("container name", { $0.containers[0].name = "t-z" }),
            ("container state", { $0.containers[0].state = .exited }),
            ("container image", { $0.containers[0].image = "busybox:1.36" }),
            ("container start", { $0.containers[0].startedAt = "2026-12-01T11:00:00Z" }),
            ("container start unknown", { $0.containers[0].startedAt = nil }),
            ("container label", { $0.containers[0].labels[RangeLabels.specHash] = "0" }),
            ("endpoint address", { $0.containers[1].endpoints[0].configuredIP = Fixture.ip("10.200.1.99") }),
            ("endpoint address gone", { $0.containers[1].endpoints[0].configuredIP = nil }),
            ("endpoint network", { $0.containers[1].endpoints[0].network = "t-b" }),
            ("endpoint gone", { $0.containers[1].endpoints.removeLast() }),
            ("container gone", { $0.containers.removeLast() }),
        ]
        var seen = [base.fingerprint: "base"]
        for (field, change) in changes {
            var observed = base
            change(&observed)
            let f = observed.fingerprint
            #expect(seen[f] == nil, "\(field) gives the fingerprint of \(seen[f] ?? "")")
            seen[f] = field
        }
    }

    /// Values the engine fills in that no plan is decided from (a MAC, a runtime address) do not
    /// make a saved plan stale.
    @Test func valuesNoPlanReadsLeaveTheFingerprint() {
        var observed = owned
        observed.containers[0].endpoints[0].mac = "02:42:ac:11:00:02"
        observed.containers[0].endpoints[0].runtimeIP = Fixture.ip("10.200.1.10")
        #expect(observed.fingerprint == owned.fingerprint)
    }

    /// The daemon's list order is not stable: the inventory sorts, so the fingerprint does not move.
    @Test func theEnginesListOrderDoesNotChangeTheFingerprint() {
        let networks = d.networks.map { Fixture.live($0, of: d, id: "n-\($0.name)") }
        let containers = d.vms.map { Fixture.live($0, of: d, id: "c-\($0.hostname)") }
        let one = Fixture.inventory(networks: networks, containers: containers).observed(range: "t")
        var reversedEndpoints = containers.reversed().map { $0 }
        for i in reversedEndpoints.indices {
            let c = reversedEndpoints[i]
            reversedEndpoints[i] = ObservedContainer(id: c.id, name: c.name, labels: c.labels, state: c.state, image: c.image,
                                                     endpoints: c.endpoints.reversed())
        }
        let other = Fixture.inventory(networks: networks.reversed(), containers: reversedEndpoints).observed(range: "t")
        #expect(one.networks.map(\.name) == ["t-a", "t-b"] && one.containers.map(\.name) == ["t-db", "t-web"])
        #expect(other == one && other.fingerprint == one.fingerprint)
    }

    // MARK: - What the range owns

    @Test func theRangeOwnsWhatCarriesItsLabelsOnlyAndNeverItsLock() {
        var otherRange = Fixture.live(Fixture.a, of: d, id: "n-u")
        otherRange.name = "u-a"
        otherRange.labels[RangeLabels.range] = "u"
        var unmanaged = Fixture.live(Fixture.db, of: d, id: "c-x")
        unmanaged.name = "t-x"
        unmanaged.labels[RangeLabels.managed] = "false"
        let lock = ObservedContainer(id: "l", name: "t.lock", labels: [RangeLabels.range: "t", RangeLabels.managed: "true",
                                                                      "io.rangectl.lock-token": "abc"], state: .created, image: "busybox", endpoints: [])
        // Named like the range's objects, but without its labels.
        let impostor = Fixture.foreignContainer("t-web")
        let inventory = Fixture.inventory(networks: [Fixture.live(Fixture.a, of: d), otherRange, Fixture.foreignNetwork("t-b", nil)],
                                          containers: [Fixture.live(Fixture.db, of: d), unmanaged, lock, impostor])
        let observed = inventory.observed(range: "t")
        #expect(observed.networks.map(\.name) == ["t-a"])
        #expect(observed.containers.map(\.name) == ["t-db"])
        #expect(inventory.observed(range: "u").networks.map(\.name) == ["u-a"])
    }

    @Test func theAddressesKeptAreThoseTheLabelsRecord() {
        var edited = Fixture.live(Fixture.web, of: d)
        // Changed by hand on the engine: the label still says what rangectl assigned.
        edited.endpoints[0].configuredIP = Fixture.ip("10.200.1.99")
        var marker = Fixture.live(Fixture.db, of: d, id: "m")
        marker.name = "t-db.routes"
        marker.labels[RangeLabels.vm] = nil
        var garbled = Fixture.live(Fixture.db, of: d)
        garbled.labels[RangeLabels.interfaces] = "a=10.200.1.300,b=10.200.2.11,junk"
        let observed = ObservedRange(range: "t", networks: [], containers: [edited, marker, garbled])
        #expect(observed.assignedAddresses.map { "\($0.hostname) \($0.network) \($0.ip)" }
            == ["web a 10.200.1.10", "web b 10.200.2.10", "db b 10.200.2.11"])
    }

    @Test func anEndpointHoldsItsConfiguredAddressElseItsRuntimeOne() {
        let (two, three) = (Fixture.ip("10.0.0.2"), Fixture.ip("10.0.0.3"))
        #expect(ObservedEndpoint(network: "n", configuredIP: two, mac: nil, runtimeIP: three).heldIP == two)
        #expect(ObservedEndpoint(network: "n", configuredIP: nil, mac: nil, runtimeIP: three).heldIP == three)
        #expect(ObservedEndpoint(network: "n", configuredIP: nil, mac: nil).heldIP == nil)
    }
}
