import Plan
import RangeDiagnostics
import Testing

/// What rangectl records on engine objects: the spec, its hash (which decides a re-create), the
/// interfaces label (read back to keep a VM's addresses) and the routes marker's text.
struct SpecEncodingTests {
    let d = Fixture.desired()

    /// FNV-1a 64's published test vectors: the hash is the algorithm, not this process's `Hasher`.
    @Test(arguments: [("", "cbf29ce484222325"), ("a", "af63dc4c8601ec8c"), ("foobar", "85944171f73967e8")])
    func hashIsFNV1a64InSixteenHexDigits(_ text: String, _ hash: String) {
        #expect(SpecEncoding.hash(text) == hash)
    }

    @Test func hashIsAlwaysSixteenLowercaseHexDigits() {
        for i in 0..<2000 {
            let h = SpecEncoding.hash("item \(i)")
            #expect(h.utf8.count == 16 && h.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }, "\(h)")
        }
    }

    /// The hash of a spec is on every object of every range already applied: if it changed, the
    /// next apply would re-create them all. These values must only change on purpose.
    @Test func specHashesAreStableAcrossVersions() {
        #expect(SpecEncoding.hash(of: SpecEncoding.vmSpec(Fixture.web, labels: d.labels)) == "b993e7077a637154")
        #expect(SpecEncoding.hash(of: SpecEncoding.networkSpec(Fixture.a, labels: d.labels)) == "fa54235793c7f3ac")
    }

    @Test func theSpecLabelHoldsTheFieldsInAFixedOrderAndItsHashIsTheSpecHash() throws {
        let labels = Fixture.labels(SpecEncoding.vmLabels(Fixture.web, range: d))
        let spec = try #require(labels[RangeLabels.spec])
        #expect(spec.hasPrefix(#"{"hostname":"web","image":"busybox","command":["sleep","infinity"],"env":{},"cpu":1,"ram_mb":256,"disk_gb":0,"cap_add":[],"sysctls":{},"privileged":false,"labels":""#), "\(spec)")
        #expect(labels[RangeLabels.specHash] == SpecEncoding.hash(spec))
        #expect(labels[RangeLabels.specHash] == SpecEncoding.hash(of: SpecEncoding.vmSpec(Fixture.web, labels: d.labels)))
    }

    /// Every field that needs a re-create changes the hash; the addresses do not (they are
    /// changed in place, and recorded in the interfaces label instead).
    @Test func everyRecreatedFieldChangesTheVMsHashAndNoOtherDoes() {
        func hash(_ vm: DesiredVM, labels: [KeyValue] = Fixture.desired().labels) -> String {
            SpecEncoding.hash(of: SpecEncoding.vmSpec(vm, labels: labels))
        }
        let base = Fixture.web
        let changed: [(String, (inout DesiredVM) -> Void)] = [
            ("hostname", { $0.hostname = "web2" }),
            ("image", { $0.image = "busybox:1.36" }),
            ("command", { $0.command = nil }),
            ("env", { $0.env = [KeyValue("PORT", "80")] }),
            ("env value", { $0.env = [KeyValue("PORT", "81")] }),
            ("cpu", { $0.cpu = 2 }),
            ("ram_mb", { $0.ramMB = 512 }),
            ("disk_gb", { $0.diskGB = 10 }),
            ("cap_add", { $0.capAdd = ["NET_ADMIN"] }),
            ("sysctls", { $0.sysctls = [KeyValue("net.ipv4.ip_forward", "1")] }),
            ("privileged", { $0.privileged = true }),
        ]
        var seen: Set<String> = [hash(base)]
        for (field, change) in changed {
            var vm = base
            change(&vm)
            #expect(seen.insert(hash(vm)).inserted, "\(field) did not change the hash")
        }
        #expect(hash(base, labels: [KeyValue("team", "blue")]) != hash(base))
        var moved = base
        moved.interfaces[0].ip = Fixture.ip("10.200.1.99")
        moved.routes = [Fixture.route("default", via: "10.200.1.1")]
        moved.location = Fixture.at(99)
        #expect(hash(moved) == hash(base))
    }

    @Test func secretsNeverReachALabel() {
        var vm = Fixture.web
        vm.env = [KeyValue("DB_PASSWORD", "hunter2"), KeyValue("PORT", "8080")]
        let text = SpecEncoding.vmLabels(vm, range: d).map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
        #expect(!text.contains("hunter2") && !text.contains("8080"))
        #expect(text.contains(SpecEncoding.hash("hunter2")))
    }

    /// An optional field is recorded only when set, so adding one to rangectl keeps the hashes
    /// of the networks that do not use it.
    @Test func aNetworksOptionalFieldsAreRecordedOnlyWhenSet() {
        #expect(SpecEncoding.networkSpec(Fixture.a, labels: []).map(\.0) == ["subnet", "gateway", "internal", "labels"])
        let routed = Fixture.network("dmz", "10.200.3.0/24", router: "fw", bridge: "10.200.3.254")
        #expect(SpecEncoding.networkSpec(routed, labels: []).map(\.0) == ["subnet", "gateway", "internal", "labels", "router", "bridge_ip"])
        var other = Fixture.a
        other.internal = true
        #expect(SpecEncoding.hash(of: SpecEncoding.networkSpec(other, labels: [])) != SpecEncoding.hash(of: SpecEncoding.networkSpec(Fixture.a, labels: [])))
    }

    @Test func canonicalMapsSortKeysBytewise() {
        #expect(SpecEncoding.canonical(["b": "2", "a": "1", "B": "3", "é": "4"]) == "B=3\na=1\nb=2\né=4")
        #expect(SpecEncoding.canonical([:]) == "")
    }

    @Test func theInterfacesLabelRoundTrips() {
        let text = SpecEncoding.interfaces(Fixture.web)
        #expect(text == "a=10.200.1.10,b=10.200.2.10")
        #expect(SpecEncoding.interfaces(label: text).map { "\($0.network) \($0.ip)" } == ["a 10.200.1.10", "b 10.200.2.10"])
    }

    @Test(arguments: [("", [String]()), (",,", []), ("a=1,junk,b=2", ["a 1", "b 2"]), ("=x,a=", []), ("a=b=c", ["a b=c"])])
    func aMalformedInterfacesLabelKeepsOnlyItsWellFormedItems(_ label: String, _ expected: [String]) {
        #expect(SpecEncoding.interfaces(label: label).map { "\($0.network) \($0.ip)" } == expected)
    }

    @Test func routesAreRecordedInOrder() {
        let vm = Fixture.vm("fw", [("a", "10.200.1.2")], routes: [Fixture.route("default", via: "10.200.1.1"),
                                                                  Fixture.route("10.9.0.0/16", via: "10.200.1.254")])
        #expect(SpecEncoding.routes(vm) == "default via 10.200.1.1,10.9.0.0/16 via 10.200.1.254")
        #expect(SpecEncoding.routes(Fixture.db) == "")
    }

    @Test func everyObjectCarriesTheRangesLabelsItsOwnNameAndItsSpec() {
        let vm = SpecEncoding.vmLabels(Fixture.web, range: d).map(\.key)
        #expect(vm == ["team", RangeLabels.range, RangeLabels.managed, RangeLabels.vm, RangeLabels.specHash, RangeLabels.spec, RangeLabels.interfaces])
        let net = SpecEncoding.networkLabels(Fixture.a, range: d)
        #expect(net.map(\.key) == ["team", RangeLabels.range, RangeLabels.managed, RangeLabels.network, RangeLabels.specHash, RangeLabels.spec])
        #expect(Fixture.labels(net)[RangeLabels.network] == "a" && Fixture.labels(net)[RangeLabels.range] == "t")
        #expect(Fixture.labels(net)[RangeLabels.managed] == "true")
    }
}
