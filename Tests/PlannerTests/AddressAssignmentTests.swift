import Plan
import Planner
import Testing

/// MANIFEST.md's address assignment: statics first, then the lowest free offset above `reserved`.
struct AddressAssignmentTests {
    @Test func seedLabGetsTenThenEleven() {
        let text = manifest(networks: """
              - {name: internal, subnet: 10.0.1.0/24}
              - {name: dmz, subnet: 10.0.2.0/24}
            """, vms: """
              - {hostname: web01, image: b, networks: [internal, dmz]}
              - {hostname: db01, image: b, networks: [internal]}
            """)
        #expect(addresses(text) == ["web01/eth0=10.0.1.10", "web01/eth1=10.0.2.10", "db01/eth0=10.0.1.11"])
    }

    @Test func laterStaticAddressIsNeverTakenByAnEarlierAutomaticOne() {
        let text = manifest(networks: "  - {name: a, subnet: 10.0.1.0/24}", vms: """
              - {hostname: first, image: b, networks: [a]}
              - {hostname: second, image: b, networks: [{network: a, ip: 10.0.1.10}]}
              - {hostname: third, image: b, networks: [a]}
            """)
        #expect(addresses(text) == ["first/eth0=10.0.1.11", "second/eth0=10.0.1.10", "third/eth0=10.0.1.12"])
    }

    @Test func slash16AssignsAcrossOctetBoundaries() {
        let vms = (0..<260).map { "  - {hostname: h\($0), image: b, networks: [a]}" }.joined(separator: "\n")
        let text = manifest(networks: "  - {name: a, subnet: 10.5.0.0/16, reserved: 0}", vms: vms)
        let got = addresses(text)
        #expect(got.count == 260)
        // Offset 1 is the gateway; offsets 2...255 come first, then offset 256 is 10.5.1.0 (a valid host in a /16).
        #expect(got[0] == "h0/eth0=10.5.0.2")
        #expect(got[253] == "h253/eth0=10.5.0.255")
        #expect(got[254] == "h254/eth0=10.5.1.0")
        #expect(got[259] == "h259/eth0=10.5.1.5")
    }

    @Test func staticAddressWithZeroLastOctetIsValidInASlash16() {
        let text = manifest(networks: "  - {name: a, subnet: 10.5.0.0/16}", vms: "  - {hostname: h, image: b, networks: [{network: a, ip: 10.5.3.0}]}")
        #expect(addresses(text) == ["h/eth0=10.5.3.0"])
    }

    @Test func slash28RunsOutWithOneErrorPerNetwork() {
        // A /28 has 14 hosts; offsets 10...14 are free with the default reserved 9: five VMs fit.
        let vms = (0..<8).map { "  - {hostname: h\($0), image: b, networks: [a]}" }.joined(separator: "\n")
        let text = manifest(networks: "  - {name: a, subnet: 10.0.0.0/28}", vms: vms)
        let diagnostics = compile(text).diagnostics
        #expect(diagnostics.map(\.code.rawValue) == ["pool-exhausted"])
        #expect(diagnostics.first?.location?.line == 11) // h5 (line 11), the sixth VM: the first to find it empty
        #expect(diagnostics.first?.message.contains("'a'") == true)
    }

    @Test func slash29HasNoAutomaticAddressesWithTheDefaultReserved() {
        let text = manifest(networks: "  - {name: a, subnet: 10.0.0.0/29}", vms: "  - {hostname: h, image: b, networks: [a]}")
        #expect(codes(text) == ["pool-exhausted@6:40"])
        let lowered = manifest(networks: "  - {name: a, subnet: 10.0.0.0/29, reserved: 1}", vms: "  - {hostname: h, image: b, networks: [a]}")
        #expect(addresses(lowered) == ["h/eth0=10.0.0.2"])
    }

    @Test func customGatewayAndReservedAreHonoured() {
        let text = manifest(networks: "  - {name: a, subnet: 10.0.0.0/24, gateway: 10.0.0.21, reserved: 19}", vms: """
              - {hostname: h1, image: b, networks: [a]}
              - {hostname: h2, image: b, networks: [a]}
              - {hostname: h3, image: b, networks: [a]}
            """)
        #expect(addresses(text) == ["h1/eth0=10.0.0.20", "h2/eth0=10.0.0.22", "h3/eth0=10.0.0.23"])
        #expect(compile(text).desired?.networks.first?.gateway.description == "10.0.0.21")
    }

    @Test func reservedZeroStartsAtTheFirstHostAfterTheGateway() {
        let text = manifest(networks: "  - {name: a, subnet: 10.0.0.0/24, reserved: 0}", vms: "  - {hostname: h, image: b, networks: [a]}")
        #expect(addresses(text) == ["h/eth0=10.0.0.2"])
    }

    @Test func legacyFormIsOneInterface() {
        let text = manifest(networks: "  - {name: a, subnet: 10.0.0.0/24}", vms: """
              - {hostname: h, image: b, network: a, ip: 10.0.0.50}
              - {hostname: i, image: b, network: a}
            """)
        #expect(addresses(text) == ["h/eth0=10.0.0.50", "i/eth0=10.0.0.10"])
    }

    @Test func interfacesAreNamedInManifestOrderWithThePrimaryFirst() throws {
        let text = manifest(networks: """
              - {name: z, subnet: 10.0.1.0/24}
              - {name: a, subnet: 10.0.2.0/24}
            """, vms: "  - {hostname: h, image: b, networks: [z, {network: a, ip: 10.0.2.5}]}")
        let vm = try #require(compile(text).desired?.vms.first)
        #expect(vm.interfaces.map(\.name) == ["eth0", "eth1"])
        #expect(vm.interfaces.map(\.network) == ["z", "a"])
        #expect(vm.interfaces.map(\.primary) == [true, false])
        #expect(vm.interfaces.map(\.auto) == [true, false])
    }

    // MARK: - Pins

    static let pinned = manifest(networks: "  - {name: a, subnet: 10.0.0.0/24}", vms: """
          - {hostname: new, image: b, networks: [a]}
          - {hostname: old, image: b, networks: [a]}
        """)

    @Test func validPinWinsOverFreshAssignment() {
        let pins = [Pin(hostname: "old", network: "a", address: IPv4Address("10.0.0.10")!)]
        #expect(addresses(Self.pinned, pins: pins) == ["new/eth0=10.0.0.11", "old/eth0=10.0.0.10"])
        #expect(compile(Self.pinned, pins: pins).diagnostics.isEmpty)
    }

    @Test func pinsMatchHostnamesCaseInsensitively() {
        let pins = [Pin(hostname: "OLD", network: "a", address: IPv4Address("10.0.0.77")!)]
        #expect(addresses(Self.pinned, pins: pins) == ["new/eth0=10.0.0.10", "old/eth0=10.0.0.77"])
    }

    struct BadPin: CustomTestStringConvertible, Sendable {
        var address: String
        var why: String
        var testDescription: String { why }
    }

    @Test(arguments: [
        BadPin(address: "10.9.0.10", why: "outside its subnet"),
        BadPin(address: "10.0.0.1", why: "is the gateway"),
        BadPin(address: "10.0.0.255", why: "network or broadcast"),
        BadPin(address: "10.0.0.5", why: "reserved range"),
    ])
    func invalidPinIsIgnoredWithAWarning(_ bad: BadPin) {
        let pins = [Pin(hostname: "old", network: "a", address: IPv4Address(bad.address)!)]
        #expect(addresses(Self.pinned, pins: pins) == ["new/eth0=10.0.0.10", "old/eth0=10.0.0.11"])
        let d = compile(Self.pinned, pins: pins).diagnostics
        #expect(d.map(\.severity) == [.warning])
        #expect(d.map(\.code.rawValue) == ["invalid-pin"])
        #expect(d.first?.location?.line == 7)
        #expect(d.first?.message.contains(bad.why) == true)
    }

    @Test func pinTakenByAStaticAddressIsIgnored() {
        let text = manifest(networks: "  - {name: a, subnet: 10.0.0.0/24}", vms: """
              - {hostname: old, image: b, networks: [a]}
              - {hostname: s, image: b, networks: [{network: a, ip: 10.0.0.10}]}
            """)
        let pins = [Pin(hostname: "old", network: "a", address: IPv4Address("10.0.0.10")!)]
        #expect(addresses(text, pins: pins) == ["old/eth0=10.0.0.11", "s/eth0=10.0.0.10"])
        #expect(compile(text, pins: pins).diagnostics.map(\.code.rawValue) == ["invalid-pin"])
    }

    @Test func pinsForOtherNetworksOrGoneVMsChangeNothing() {
        let pins = [Pin(hostname: "gone", network: "a", address: IPv4Address("10.0.0.10")!),
                    Pin(hostname: "old", network: "elsewhere", address: IPv4Address("10.0.0.10")!)]
        #expect(addresses(Self.pinned, pins: pins) == ["new/eth0=10.0.0.10", "old/eth0=10.0.0.11"])
        #expect(compile(Self.pinned, pins: pins).diagnostics.isEmpty)
    }

    @Test func removingAnEarlierVMDoesNotMoveAPinnedOne() {
        // First plan: a, b, c get .10, .11, .12. Then a is removed; with pins b and c keep theirs.
        let before = manifest(networks: "  - {name: n, subnet: 10.0.0.0/24}", vms: """
              - {hostname: a, image: b, networks: [n]}
              - {hostname: b, image: b, networks: [n]}
              - {hostname: c, image: b, networks: [n]}
            """)
        let live = compile(before).desired!.vms.flatMap { vm in vm.interfaces.map { Pin(hostname: vm.hostname, network: $0.network, address: $0.ip) } }
        let after = manifest(networks: "  - {name: n, subnet: 10.0.0.0/24}", vms: """
              - {hostname: d, image: b, networks: [n]}
              - {hostname: c, image: b, networks: [n]}
              - {hostname: b, image: b, networks: [n]}
            """)
        #expect(addresses(after, pins: live) == ["d/eth0=10.0.0.10", "c/eth0=10.0.0.12", "b/eth0=10.0.0.11"])
    }
}
