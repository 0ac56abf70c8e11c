import Manifest
import Plan
import Planner
import RangeDiagnostics
import Testing

/// `instances:` in the manifest: names or a count, each copy in its own block with every address
/// at its offset, the diagnostics, the lock's blocks and `--instance`.
struct InstanceRulesTests {
    /// A routed range in 172.16.0.0/22 (its span), with a static address and an explicit route.
    static func range(_ instances: String) -> String {
        """
        version: 1
        name: lab
        instances:
        \(instances)
        networks:
          - {name: outside, subnet: 172.16.0.0/24, router: fw}
          - {name: inside, subnet: 172.16.2.0/24, router: fw, internal: true}
        vms:
          - {hostname: fw, image: busybox, sysctls: {net.ipv4.ip_forward: "1"}, networks: [outside, inside]}
          - {hostname: db, image: busybox, networks: [{network: inside, ip: 172.16.2.5}], routes: [{to: 172.16.0.0/24, via: 172.16.2.1}]}
        """
    }

    func desired(_ text: String, pins: [Pin] = [], blocks: [BlockPin] = [], lock: LockFile? = nil) throws -> DesiredRange {
        let read = lock.map { LockFile.read(Array($0.text.utf8), file: "t.yaml.lock") }
        let c = RangeCompiler.plan(RangeCompiler.parse(Array(text.utf8), file: "t.yaml"), pins: pins, blocks: blocks, lock: read)
        return try #require(c.desired, "\(c.diagnostics.map(\.message))")
    }

    @Test func eachNamedInstanceIsACopyInItsOwnBlock() throws {
        let d = try desired(Self.range("  names: [alice, bob]\n  address_space: 10.128.0.0/16"))
        #expect(d.name == "lab")
        #expect(d.instances.map { "\($0.name) \($0.block)" } == ["alice 10.128.0.0/22", "bob 10.128.4.0/22"])
        #expect(d.networks.map { "\($0.instance ?? "-") \($0.dockerName) \($0.subnet) gw \($0.gateway) bridge \($0.bridgeIP?.description ?? "-")" } == [
            "alice lab-alice-outside 10.128.0.0/24 gw 10.128.0.1 bridge 10.128.0.254",
            "alice lab-alice-inside 10.128.2.0/24 gw 10.128.2.1 bridge 10.128.2.254",
            "bob lab-bob-outside 10.128.4.0/24 gw 10.128.4.1 bridge 10.128.4.254",
            "bob lab-bob-inside 10.128.6.0/24 gw 10.128.6.1 bridge 10.128.6.254",
        ])
        let db = d.vms.filter { $0.hostname == "db" }
        #expect(db.map { "\($0.dockerName) \($0.interfaces[0].ip) \($0.routes.map(\.description))" } == [
            "lab-alice-db 10.128.2.5 [\"default via 10.128.2.1\", \"10.128.0.0/24 via 10.128.2.1\"]",
            "lab-bob-db 10.128.6.5 [\"default via 10.128.6.1\", \"10.128.4.0/24 via 10.128.6.1\"]",
        ])
        // Hostnames stay as written: each copy's db is `db` inside its container.
        #expect(Set(d.vms.map(\.hostname)) == ["fw", "db"])
        // The labels carry the instance; every key is unique across instances.
        let labels = SpecEncoding.vmLabels(db[1], range: d)
        #expect(labels.contains(KeyValue(RangeLabels.instance, "bob")) && labels.contains(KeyValue(RangeLabels.vm, "db")))
        #expect(Set(d.vms.map(\.key)).count == d.vms.count && Set(d.networks.map(\.key)).count == d.networks.count)
    }

    @Test func aCountNamesTheInstancesInOrderWithAtLeastTwoDigits() throws {
        let three = try desired(Self.range("  count: 3\n  address_space: 10.128.0.0/16"))
        #expect(three.instances.map(\.name) == ["01", "02", "03"])
        #expect(three.vms.map(\.dockerName).prefix(2) == ["lab-01-fw", "lab-01-db"])
        let many = try desired(Self.range("  count: 100\n  address_space: 10.128.0.0/12"))
        #expect(many.instances.first?.name == "001" && many.instances.last?.name == "100")
        #expect(many.instances.last?.block.description == "10.128.0.0/22".replacingOccurrences(of: "10.128.0.0", with: "10.129.140.0"))
    }

    @Test func spansThatAreNotAlignedAndTinyRangesKeepTheirOffsets() throws {
        // Two /24s at .1 and .2 span a /22 (not /23: .1 and .2 lie in different /23s); a /30 range spans a /30.
        let odd = """
            version: 1
            name: lab
            instances: {names: [a, b], address_space: 10.128.0.0/16}
            networks: [{name: x, subnet: 172.16.1.0/24}, {name: y, subnet: 172.16.2.0/24}]
            vms: [{hostname: v, image: busybox, networks: [{network: y, ip: 172.16.2.77}]}]
            """
        let d = try desired(odd)
        #expect(d.instances.map(\.block.description) == ["10.128.0.0/22", "10.128.4.0/22"])
        #expect(d.networks.map(\.subnet.description) == ["10.128.1.0/24", "10.128.2.0/24", "10.128.5.0/24", "10.128.6.0/24"])
        #expect(d.vms.map(\.interfaces[0].ip.description) == ["10.128.2.77", "10.128.6.77"])
        let tiny = """
            version: 1
            name: lab
            instances: {count: 2, address_space: 10.128.0.0/29}
            networks: [{name: p2p, subnet: 192.168.7.4/30, reserved: 0}]
            vms: [{hostname: v, image: busybox, networks: [p2p]}]
            """
        let t = try desired(tiny)
        #expect(t.networks.map { "\($0.subnet) \($0.gateway)" } == ["10.128.0.0/30 10.128.0.1", "10.128.0.4/30 10.128.0.5"])
        #expect(t.vms.map(\.interfaces[0].ip.description) == ["10.128.0.2", "10.128.0.6"])
    }

    @Test(arguments: [
        // Too small: a /23 holds no /22 block; a /21 holds two of three.
        ("  names: [a, b, c]\n  address_space: 10.128.0.0/23", ["address-space-exhausted@5:18"], "holds 0 blocks"),
        ("  names: [a, b, c]\n  address_space: 10.128.0.0/21", ["address-space-exhausted@5:18"], "holds 2 blocks of the range's size /22"),
        // Overlapping the range's own subnets.
        ("  names: [a]\n  address_space: 172.16.0.0/16", ["address-space-overlap@5:18"], "overlaps the range's own networks"),
        ("  names: [a]\n  address_space: 172.16.0.0/12x", ["invalid-cidr@5:18"], "not an IPv4 CIDR"),
        ("  names: [a]\n  address_space: 10.128.0.1/16", ["invalid-cidr@5:18"], "did you mean 10.128.0.0/16"),
        ("  names: [a, b, a]\n  address_space: 10.128.0.0/16", ["duplicate-name@4:17"], "listed twice (line 4, column 11)"),
        ("  names: [Alice]\n  address_space: 10.128.0.0/16", ["invalid-name@4:11"], "lowercase"),
        ("  names: [a]\n  count: 2\n  address_space: 10.128.0.0/16", ["conflicting-fields@5:3"], "cannot be used together"),
        ("  address_space: 10.128.0.0/16", ["missing-field@4:3"], "needs 'names'"),
        ("  names: [a]", ["missing-field@4:3"], "address_space"),
        ("  count: 0\n  address_space: 10.128.0.0/16", ["out-of-range@4:10"], "count"),
    ])
    func everyProblemIsLocated(_ instances: String, _ expected: [String], _ words: String) {
        let text = Self.range(instances)
        let c = compile(text)
        #expect(codes(text) == expected)
        #expect(c.desired == nil)
        #expect(c.diagnostics.contains { $0.message.contains(words) }, "\(c.diagnostics.map(\.message))")
    }

    @Test func aNameAddedAtTheEndMovesNothingAndARemovedOneFreesItsBlock() throws {
        let three = try desired(Self.range("  names: [alice, bob, carol]\n  address_space: 10.128.0.0/16"))
        let lock = LockFile(three)
        // Removed from the middle, with the lock: alice and carol keep their blocks and addresses.
        let two = try desired(Self.range("  names: [alice, carol]\n  address_space: 10.128.0.0/16"), lock: lock)
        #expect(two.instances.map { "\($0.name) \($0.block)" } == ["alice 10.128.0.0/22", "carol 10.128.8.0/22"])
        // While bob's objects are still on the engine (a live block pin), dave does not get bob's block.
        let withDave = Self.range("  names: [alice, carol, dave]\n  address_space: 10.128.0.0/16")
        let held = try desired(withDave, blocks: [BlockPin(instance: "bob", address: IPv4Address("10.128.4.0")!)], lock: LockFile(two))
        #expect(held.instances.map { "\($0.name) \($0.block)" } == ["alice 10.128.0.0/22", "carol 10.128.8.0/22", "dave 10.128.12.0/22"])
        // Once they are gone, the freed block is the lowest free one again.
        let freed = try desired(withDave, lock: LockFile(two))
        #expect(freed.instances.map { "\($0.name) \($0.block)" } == ["alice 10.128.0.0/22", "carol 10.128.8.0/22", "dave 10.128.4.0/22"])
        // The same manifest and pins give the same range, byte for byte.
        #expect(PlanJSON.text(.offline(held, diagnostics: [])) == PlanJSON.text(.offline(try desired(withDave, blocks: [BlockPin(instance: "bob", address: IPv4Address("10.128.4.0")!)], lock: LockFile(two)), diagnostics: [])))
    }

    @Test func eachInstanceKeepsTheAddressesItsOwnVMsHold() throws {
        // bob's fw held .20 on outside (a pin in bob's block); alice's did not: only bob's moves.
        let text = Self.range("  names: [alice, bob]\n  address_space: 10.128.0.0/16")
            .replacingOccurrences(of: "networks: [outside, inside]}",
                                  with: "networks: [outside, inside]}\n  - {hostname: web, image: busybox, networks: [outside]}")
        let d = try desired(text, pins: [Pin(hostname: "web", network: "outside", address: IPv4Address("10.128.4.20")!, instance: "bob")])
        #expect(d.vms.filter { $0.hostname == "web" }.map { "\($0.instance!) \($0.interfaces[0].ip)" } == ["alice 10.128.0.10", "bob 10.128.4.20"])
        // A pin that can no longer be kept is warned about as that instance's.
        let c = RangeCompiler.plan(RangeCompiler.parse(Array(text.utf8), file: "t.yaml"),
                                   pins: [Pin(hostname: "web", network: "outside", address: IPv4Address("10.128.4.1")!, instance: "bob")])
        let warning = try #require(c.diagnostics.first { $0.code == .invalidPin })
        #expect(warning.message.hasPrefix("instance bob: the address 172.16.0.1 that web holds on 'outside' is the gateway")
                && warning.message.hasSuffix("bob's block is 10.128.4.0/22)"), "\(warning.message)")
        #expect(c.desired?.vms.filter { $0.hostname == "web" }.map(\.interfaces[0].ip.description) == ["10.128.0.10", "10.128.4.10"])
    }

    @Test func theLockRecordsTheBlocksAndEachInstancesInterfaces() throws {
        let d = try desired(Self.range("  names: [alice, bob]\n  address_space: 10.128.0.0/16"))
        let lock = LockFile(d)
        #expect(lock.text.hasPrefix("""
            {
              "format_version": "1",
              "instances": [
                {"block": "10.128.0.0/22", "name": "alice"},
                {"block": "10.128.4.0/22", "name": "bob"}
              ],
              "interfaces": [
                {"instance": "alice", "ip": "10.128.2.5", "network": "inside", "vm": "db"},
            """))
        let read = LockFile.read(Array(lock.text.utf8), file: "t.yaml.lock")
        #expect(read.diagnostics.isEmpty && read.lock?.sorted == lock)
        // An instance the manifest lost is pruned, at its entries' own lines.
        let fewer = RangeCompiler.plan(RangeCompiler.parse(Array(Self.range("  names: [alice]\n  address_space: 10.128.0.0/16").utf8), file: "t.yaml"), lock: read)
        let pruned = fewer.diagnostics.filter { $0.code == .lockPruned }
        #expect(pruned.count == 3 && pruned.allSatisfy { $0.message.contains("instance 'bob'") && ($0.location?.line ?? 0) > 8 })
    }

    @Test func instanceSelectsTheChosenInstancesOnly() throws {
        let c = compile(Self.range("  names: [alice, bob, carol]\n  address_space: 10.128.0.0/16"))
        let bob = InstanceRules.select(c, ["bob"])
        let d = try #require(bob.desired)
        #expect(d.instanceScope == ["bob"] && d.instances.map(\.name) == ["bob"])
        #expect(Set(d.networks.map(\.instance)) == ["bob"] && Set(d.vms.map(\.instance)) == ["bob"])
        #expect(InstanceRules.select(c, []).desired == c.desired)
        let unknown = InstanceRules.select(c, ["bob", "dave"])
        #expect(unknown.desired == nil && unknown.diagnostics.map(\.code) == [.unknownInstance])
        #expect(unknown.diagnostics[0].message.contains("no instance 'dave' (it has alice, bob, carol)"))
        let none = InstanceRules.select(compile(manifest(networks: "  - {name: a, subnet: 10.200.1.0/24}", vms: "  - {hostname: v, image: busybox, networks: [a]}")), ["x"])
        #expect(none.desired == nil && none.diagnostics.map(\.code) == [.unknownInstance])
        // graph and export show one copy: the one named, else the first.
        #expect(InstanceRules.one(c, nil).desired?.copyName == "lab-alice")
        #expect(InstanceRules.one(c, "carol").desired?.copyName == "lab-carol")
    }

    @Test func overASwarmTheCopiesSpreadOverTheNodes() throws {
        let text = Self.range("  count: 12\n  address_space: 10.128.0.0/16")
        let c = RangeCompiler.plan(RangeCompiler.parse(Array(text.utf8), file: "t.yaml"), hosts: ["n1", "n2", "n3"])
        let d = try #require(c.desired)
        let fws = d.vms.filter { $0.hostname == "fw" }.compactMap(\.host)
        #expect(fws.count == 12 && Set(fws) == ["n1", "n2", "n3"])
        // The same names always land on the same nodes.
        let again = RangeCompiler.plan(RangeCompiler.parse(Array(text.utf8), file: "t.yaml"), hosts: ["n3", "n1", "n2"])
        #expect(again.desired?.vms.map(\.host) == d.vms.map(\.host))
    }

    @Test func withoutInstancesNothingChanges() throws {
        let text = manifest(networks: "  - {name: a, subnet: 10.200.1.0/24}", vms: "  - {hostname: v, image: busybox, networks: [a]}")
        let d = try #require(compile(text).desired)
        #expect(d.instances.isEmpty && d.instanceScope == nil && d.copyName == "t")
        #expect(d.networks[0].dockerName == "t-a" && d.vms[0].dockerName == "t-v" && d.vms[0].instance == nil)
        #expect(!SpecEncoding.vmLabels(d.vms[0], range: d).contains { $0.key == RangeLabels.instance })
        #expect(!PlanJSON.text(.offline(d, diagnostics: [])).contains("instance"))
    }
}
