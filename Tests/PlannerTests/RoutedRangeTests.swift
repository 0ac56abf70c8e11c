import Plan
import Planner
import Testing

/// MANIFEST.md, "Routed ranges": every rule and code, and what the planner derives.
struct RoutedRangeTests {
    /// Networks `a` (routed by fw) and `b` (not routed); `vms` follow a router VM `fw` on both.
    static func routed(_ extraNetwork: String = "", fw: String = "{hostname: fw, image: b, sysctls: {net.ipv4.ip_forward: 1}, networks: [a, b]}", _ vms: String = "") -> String {
        "version: 1\nname: t\nnetworks:\n  - {name: a, subnet: 10.200.1.0/24, router: fw\(extraNetwork)}\n  - {name: b, subnet: 10.200.2.0/24}\nvms:\n  - \(fw)\n\(vms)"
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "unknown-router", text: "version: 1\nname: t\nnetworks:\n  - {name: a, subnet: 10.200.1.0/24, router: ghost}\nvms: []\n", expected: ["unknown-router@4:46"]),
        Case(name: "router-not-attached", text: routed(fw: "{hostname: fw, image: b, sysctls: {net.ipv4.ip_forward: 1}, networks: [b]}"), expected: ["router-not-attached@4:46"]),
        Case(name: "router's static address must be the gateway", text: routed(fw: "{hostname: fw, image: b, sysctls: {net.ipv4.ip_forward: 1}, networks: [{network: a, ip: 10.200.1.7}]}"), expected: ["ip-reserved@7:93"]),
        Case(name: "nobody else may hold the bridge address", text: routed("", "  - {hostname: v, image: b, networks: [{network: a, ip: 10.200.1.254}]}\n"), expected: ["ip-reserved@8:57"]),
        Case(name: "bridge_ip outside the subnet", text: routed(", bridge_ip: 10.200.9.1"), expected: ["ip-outside-subnet@4:61"]),
        Case(name: "bridge_ip on the gateway", text: routed(", bridge_ip: 10.200.1.1"), expected: ["ip-reserved@4:61"]),
        Case(name: "bridge_ip malformed", text: routed(", bridge_ip: x"), expected: ["invalid-ip@4:61"]),
        Case(name: "bridge_ip without a router", text: "version: 1\nname: t\nnetworks:\n  - {name: a, subnet: 10.200.1.0/24, bridge_ip: 10.200.1.254}\nvms: []\n", expected: ["conflicting-fields@4:49"]),
        Case(name: "invalid-route: not a CIDR", text: routed("", "  - {hostname: v, image: b, networks: [a], routes: [{to: somewhere, via: 10.200.1.1}]}\n"), expected: ["invalid-route@8:58"]),
        Case(name: "invalid-route: host bits", text: routed("", "  - {hostname: v, image: b, networks: [a], routes: [{to: 10.9.0.1/16, via: 10.200.1.1}]}\n"), expected: ["invalid-route@8:58"]),
        Case(name: "invalid-ip via", text: routed("", "  - {hostname: v, image: b, networks: [a], routes: [{to: default, via: 10.200.1}]}\n"), expected: ["invalid-ip@8:72"]),
        Case(name: "route-unreachable: via outside every attached subnet", text: routed("", "  - {hostname: v, image: b, networks: [a], routes: [{to: 10.9.0.0/16, via: 10.200.2.1}]}\n"), expected: ["route-unreachable@8:76"]),
        Case(name: "route-unreachable: via is the VM's own address", text: routed("", "  - {hostname: v, image: b, networks: [a], routes: [{to: 10.9.0.0/16, via: 10.200.1.10}]}\n"), expected: ["route-unreachable@8:76"]),
        Case(name: "duplicate-default-route", text: routed("", "  - hostname: v\n    image: b\n    networks: [a]\n    routes:\n      - {to: default, via: 10.200.1.1}\n      - {to: 0.0.0.0/0, via: 10.200.1.1}\n"), expected: ["duplicate-default-route@13:14"]),
        Case(name: "router-forwarding warning", text: routed(fw: "{hostname: fw, image: b, networks: [a, b]}"), expected: ["router-forwarding@7:16"]),
    ]

    @Test(arguments: cases)
    func reportsCodeAtPlace(_ c: Case) {
        #expect(codes(c.text) == c.expected)
    }

    @Test func routerHoldsTheGatewayAndTheBridgeIsNeverAssigned() throws {
        let text = "version: 1\nname: t\nnetworks:\n  - {name: a, subnet: 10.200.1.0/29, reserved: 1, router: fw}\nvms:\n"
            + "  - {hostname: fw, image: b, sysctls: {net.ipv4.ip_forward: '1'}, networks: [a]}\n"
            + (1...4).map { "  - {hostname: v\($0), image: b, networks: [a]}\n" }.joined()
        // A /29: hosts .1-.6; .1 is the gateway (fw), .6 the bridge: v1-v4 get .2-.5.
        #expect(addresses(text) == ["fw/eth0=10.200.1.1", "v1/eth0=10.200.1.2", "v2/eth0=10.200.1.3", "v3/eth0=10.200.1.4", "v4/eth0=10.200.1.5"])
        let range = try #require(compile(text).desired)
        #expect(range.networks[0].bridgeIP?.description == "10.200.1.6")
        #expect(range.networks[0].engineGateway.description == "10.200.1.6")
        #expect(range.vms[0].interfaces[0].router)
        #expect(!range.vms[1].interfaces[0].router)
        let overflow = text + "  - {hostname: v5, image: b, networks: [a]}\n"
        #expect(codes(overflow) == ["pool-exhausted@11:41"])
    }

    @Test func implicitDefaultRouteThroughThePrimaryNetworksRouter() throws {
        let text = Self.routed("", "  - {hostname: v, image: b, networks: [a, b]}\n  - {hostname: w, image: b, networks: [b, a]}\n")
        let range = try #require(compile(text).desired)
        let vms = Dictionary(uniqueKeysWithValues: range.vms.map { ($0.hostname, $0) })
        #expect(vms["v"]?.routes == [DesiredRoute(to: "default", via: IPv4Address("10.200.1.1")!, implicit: true)])
        #expect(vms["w"]?.routes == [])   // its primary network b has no router
        // The router itself goes out through the engine's bridge of its primary network.
        #expect(vms["fw"]?.routes == [DesiredRoute(to: "default", via: IPv4Address("10.200.1.254")!, implicit: true)])
    }

    @Test func declaredDefaultReplacesTheImplicitOneAndComesFirst() throws {
        let text = Self.routed(", bridge_ip: 10.200.1.200", "  - hostname: v\n    image: b\n    networks: [a]\n    routes:\n      - {to: 10.99.0.0/16, via: 10.200.1.200}\n      - {to: default, via: 10.200.1.1}\n")
        let v = try #require(compile(text).desired?.vms.last)
        #expect(v.routes.map(\.description) == ["default via 10.200.1.1", "10.99.0.0/16 via 10.200.1.200"])
        #expect(v.routes.map(\.implicit) == [false, false])
    }

    @Test func routedInternalSegmentIsNotEngineInternal() throws {
        let text = "version: 1\nname: t\nnetworks:\n  - {name: a, subnet: 10.200.1.0/24, router: fw, internal: true}\n  - {name: b, subnet: 10.200.2.0/24, internal: true}\nvms:\n"
            + "  - {hostname: fw, image: b, sysctls: {net.ipv4.ip_forward: '1'}, networks: [a, b]}\n"
        let range = try #require(compile(text).desired)
        #expect(range.networks.map(\.engineInternal) == [false, true])
        #expect(range.networks.map(\.internal) == [true, true])
    }
}
