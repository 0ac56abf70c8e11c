import Manifest
import Plan
import Planner
import RangeDiagnostics
import Testing

/// `policy:` (issue 11): every diagnostic the planner gives a policy, each at the value that is
/// wrong, and what a valid policy resolves to.
struct PolicyRulesTests {
    /// Networks `a` and `b` routed by `fw`, `c` with no router; `va`, `va2` and `vs` (static .50)
    /// on `a`, `vb` on `b`, `vc` on `c`. The policy's own lines follow `policy:` (line 14).
    static let base = "version: 1\nname: t\nnetworks:\n"
        + "  - {name: a, subnet: 10.1.1.0/24, router: fw}\n  - {name: b, subnet: 10.1.2.0/24, router: fw}\n  - {name: c, subnet: 10.1.3.0/24}\nvms:\n"
        + "  - {hostname: fw, image: b, sysctls: {net.ipv4.ip_forward: \"1\"}, networks: [a, b]}\n"
        + "  - {hostname: va, image: b, networks: [a]}\n  - {hostname: va2, image: b, networks: [a]}\n  - {hostname: vb, image: b, networks: [b]}\n"
        + "  - {hostname: vc, image: b, networks: [c]}\n  - {hostname: vs, image: b, networks: [{network: a, ip: 10.1.1.50}]}\n"
        + "policy:\n"

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var policy: String
        var expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "unknown-policy-target in from", policy: "  allow:\n    - {from: ghost, to: vb, ports: [any]}\n", expected: ["unknown-policy-target@16:14"]),
        Case(name: "unknown-policy-target in to", policy: "  allow:\n    - {from: va, to: nowhere, ports: [any]}\n", expected: ["unknown-policy-target@16:22"]),
        Case(name: "unknown-policy-target: a NAT to no VM", policy: "  nat:\n    - {on: a, address: 10.1.1.100, port: tcp/80, to: ghost}\n", expected: ["unknown-policy-target@16:54"]),
        Case(name: "unknown-policy-target: a NAT to a network", policy: "  nat:\n    - {on: a, address: 10.1.1.100, port: tcp/80, to: b}\n", expected: ["unknown-policy-target@16:54"]),
        Case(name: "unknown-network: a NAT on no network", policy: "  nat:\n    - {on: zz, address: 10.1.1.100, port: tcp/80, to: vb}\n", expected: ["unknown-network@16:12"]),
        Case(name: "invalid-policy: port 0", policy: "  allow:\n    - {from: va, to: vb, ports: [tcp/0]}\n", expected: ["invalid-policy@16:34"]),
        Case(name: "invalid-policy: port above 65535", policy: "  allow:\n    - {from: va, to: vb, ports: [udp/65536]}\n", expected: ["invalid-policy@16:34"]),
        Case(name: "invalid-policy: a reversed range", policy: "  allow:\n    - {from: va, to: vb, ports: [icmp, tcp/22-21]}\n", expected: ["invalid-policy@16:40"]),
        Case(name: "invalid-policy: an unknown protocol", policy: "  allow:\n    - {from: va, to: vb, ports: [sctp/9]}\n", expected: ["invalid-policy@16:34"]),
        Case(name: "invalid-policy: a leading zero", policy: "  allow:\n    - {from: va, to: vb, ports: [tcp/022]}\n", expected: ["invalid-policy@16:34"]),
        Case(name: "invalid-policy: empty ports", policy: "  allow:\n    - {from: va, to: vb, ports: []}\n", expected: ["invalid-policy@16:33"]),
        Case(name: "invalid-policy: a CIDR with host bits", policy: "  allow:\n    - {from: 10.1.1.7/24, to: vb, ports: [any]}\n", expected: ["invalid-policy@16:14"]),
        Case(name: "invalid-policy: a prefix above 32", policy: "  allow:\n    - {from: va, to: 10.1.2.0/33, ports: [any]}\n", expected: ["invalid-policy@16:22"]),
        Case(name: "invalid-policy: an address without a prefix", policy: "  allow:\n    - {from: 10.1.1.10, to: vb, ports: [any]}\n", expected: ["invalid-policy@16:14"]),
        Case(name: "invalid-policy: default neither deny nor allow", policy: "  default: maybe\n", expected: ["invalid-policy@15:12"]),
        Case(name: "invalid-policy: a NAT port range", policy: "  nat:\n    - {on: a, address: 10.1.1.100, port: tcp/80-81, to: vb}\n", expected: ["invalid-policy@16:42"]),
        Case(name: "invalid-policy: a NAT port icmp", policy: "  nat:\n    - {on: a, address: 10.1.1.100, port: icmp, to: vb}\n", expected: ["invalid-policy@16:42"]),
        Case(name: "policy-unrouted: both in one segment", policy: "  allow:\n    - {from: va, to: va2, ports: [any]}\n", expected: ["policy-unrouted@16:22"]),
        Case(name: "policy-unrouted: a network to itself", policy: "  allow:\n    - {from: a, to: 10.1.1.0/25, ports: [any]}\n", expected: ["policy-unrouted@16:21"]),
        Case(name: "policy-unrouted: no router joins the segments", policy: "  allow:\n    - {from: va, to: vc, ports: [any]}\n", expected: ["policy-unrouted@16:22"]),
        Case(name: "policy-unrouted: a CIDR outside the range", policy: "  allow:\n    - {from: va, to: 8.8.8.0/24, ports: [any]}\n", expected: ["policy-unrouted@16:22"]),
        Case(name: "policy-unrouted: a NAT target off the router's segments", policy: "  nat:\n    - {on: a, address: 10.1.1.100, port: tcp/80, to: vc}\n", expected: ["policy-unrouted@16:54"]),
        Case(name: "policy-unrouted: a NAT target on the network it is published on", policy: "  nat:\n    - {on: a, address: 10.1.1.100, port: tcp/80, to: va}\n", expected: ["policy-unrouted@16:54"]),
        Case(name: "policy-unrouted: a NAT to the router itself", policy: "  nat:\n    - {on: a, address: 10.1.1.100, port: tcp/80, to: fw}\n", expected: ["policy-unrouted@16:54"]),
        Case(name: "nat-address outside the network", policy: "  nat:\n    - {on: a, address: 10.1.2.100, port: tcp/80, to: vb}\n", expected: ["nat-address@16:24"]),
        Case(name: "nat-address on the gateway", policy: "  nat:\n    - {on: a, address: 10.1.1.1, port: tcp/80, to: vb}\n", expected: ["nat-address@16:24"]),
        Case(name: "nat-address on the bridge", policy: "  nat:\n    - {on: a, address: 10.1.1.254, port: tcp/80, to: vb}\n", expected: ["nat-address@16:24"]),
        Case(name: "nat-address on the network address", policy: "  nat:\n    - {on: a, address: 10.1.1.0, port: tcp/80, to: vb}\n", expected: ["nat-address@16:24"]),
        Case(name: "nat-address held by a static interface", policy: "  nat:\n    - {on: a, address: 10.1.1.50, port: tcp/80, to: vb}\n", expected: ["nat-address@16:24"]),
        Case(name: "nat-address published twice", policy: "  nat:\n    - {on: a, address: 10.1.1.100, port: tcp/80, to: vb}\n    - {on: a, address: 10.1.1.100, port: tcp/80, to: vb, to_port: 81}\n", expected: ["nat-address@17:42"]),
        Case(name: "invalid-ip: a NAT address", policy: "  nat:\n    - {on: a, address: 10.1.1, port: tcp/80, to: vb}\n", expected: ["invalid-ip@16:24"]),
        Case(name: "policy-no-router: a NAT on a network without one", policy: "  nat:\n    - {on: c, address: 10.1.3.100, port: tcp/80, to: vb}\n", expected: ["policy-no-router@16:12"]),
    ]

    @Test(arguments: cases)
    func reportsCodeAtPlace(_ c: Case) {
        #expect(codes(Self.base + c.policy) == c.expected)
    }

    @Test func aRuleFromOrToTheRouterItselfIsUnrouted() {
        // The router's own traffic goes through OUTPUT and INPUT, not FORWARD.
        #expect(codes(Self.base + "  allow:\n    - {from: fw, to: vb, ports: [any]}\n") == ["policy-unrouted@16:14"])
        #expect(codes(Self.base + "  allow:\n    - {from: va, to: FW, ports: [any]}\n") == ["policy-unrouted@16:22"])
    }

    @Test func aPolicyWithoutAnyRouterIsOneDiagnosticAtThePolicy() {
        let text = "version: 1\nname: t\nnetworks: [{name: a, subnet: 10.1.1.0/24}, {name: b, subnet: 10.1.2.0/24}]\nvms:\n"
            + "  - {hostname: v, image: b, networks: [a, b]}\npolicy:\n  allow:\n    - {from: a, to: b, ports: [any]}\n"
        #expect(codes(text) == ["policy-no-router@7:3"])
    }

    @Test func aNameOfBothAVMAndANetworkIsAmbiguous() {
        let text = Self.base.replacingOccurrences(of: "hostname: vc,", with: "hostname: b,") + "  allow:\n    - {from: va, to: b, ports: [any]}\n"
        #expect(codes(text) == ["invalid-policy@16:22"])
    }

    @Test func everyProblemIsReportedInOneRun() {
        let text = Self.base + """
          default: never
          allow:
            - {from: ghost, to: vb, ports: [tcp/0, icmp]}
            - {from: va, to: va2, ports: [any]}
          nat:
            - {on: a, address: 10.1.1.1, port: tcp/80-90, to: vc}

        """
        #expect(codes(text) == ["invalid-policy@15:12", "unknown-policy-target@17:14", "invalid-policy@17:37", "policy-unrouted@18:22",
                                "nat-address@20:24", "invalid-policy@20:40", "policy-unrouted@20:55"])
    }

    @Test func unroutedNamesTheSegmentsAndNotesTheSource() throws {
        let d = try #require(compile(Self.base + "  allow:\n    - {from: va, to: vc, ports: [any]}\n").diagnostics.first)
        #expect(d.message == "no router VM is attached both to 'a' (of 'va') and to another network of 'vc' ('c'); the policy applies to traffic through one router (one hop)")
        #expect(d.notes.map { "\($0.message)@\($0.location.line):\($0.location.column)" } == ["the source is given here@16:14"])
        let same = try #require(compile(Self.base + "  allow:\n    - {from: va, to: va2, ports: [any]}\n").diagnostics.first)
        #expect(same.message == "'va' and 'va2' are both on 'a' only: traffic inside one segment passes no router and is not filtered")
    }

    @Test func aNATAddressHeldByAnInterfaceNamesIt() throws {
        let d = try #require(compile(Self.base + "  nat:\n    - {on: a, address: 10.1.1.50, port: tcp/80, to: vb}\n").diagnostics.first)
        #expect(d.message == "NAT address 10.1.1.50 is already the address of vs on network 'a'")
        #expect(d.notes.first?.location.line == 13)
    }

    @Test func aValidPolicyIsResolved() throws {
        let text = Self.base + """
          default: allow
          allow:
            - {from: VA, to: b, ports: [tcp/22, udp/5000-5100, icmp]}
            - {from: 10.1.0.0/16, to: vb, ports: [any]}
          nat:
            - {on: a, address: 10.1.1.100, port: tcp/80, to: vb, to_port: 8080}
            - {on: a, address: 10.1.1.100, port: udp/80, to: vb}

        """
        let range = try #require(compile(text).desired)
        let policy = try #require(range.policy)
        #expect(policy.defaultAction == .allow)
        #expect(policy.rules.map(\.text) == ["VA -> b tcp/22, udp/5000-5100, icmp", "10.1.0.0/16 -> vb any"])
        #expect(policy.rules.map { $0.sources.map(\.description) } == [["10.1.1.10/32"], ["10.1.0.0/16"]])
        #expect(policy.rules.map { $0.destinations.map(\.description) } == [["10.1.2.0/24"], ["10.1.2.10/32"]])
        #expect(policy.rules[0].ports == [.tcp(22...22), .udp(5000...5100), .icmp])
        #expect(policy.nat == [
            NATEntry(router: "fw", network: "a", address: IPv4Address("10.1.1.100")!, proto: .tcp, port: 80, target: "vb",
                     targetAddress: IPv4Address("10.1.2.10")!, targetPort: 8080),
            NATEntry(router: "fw", network: "a", address: IPv4Address("10.1.1.100")!, proto: .udp, port: 80, target: "vb",
                     targetAddress: IPv4Address("10.1.2.10")!, targetPort: 80),
        ])
        #expect(policy.nat[0].text == "a 10.1.1.100 tcp/80 -> vb 10.1.2.10:8080")
    }

    @Test func theDefaultIsDenyAndNoPolicyIsNil() throws {
        var policy = try #require(compile(Self.base + "  allow: []\n").desired).policy
        #expect(policy?.location?.line == 15)
        policy?.location = nil
        #expect(policy == DesiredPolicy(defaultAction: .deny))
        #expect(try #require(compile(Self.base.replacingOccurrences(of: "policy:\n", with: "")).desired).policy == nil)
    }

    @Test func aNATAddressIsNeverAssignedToAnInterface() {
        // va would get .10, the first automatic address: the NAT holds it, so va gets .11.
        let text = Self.base + "  nat:\n    - {on: a, address: 10.1.1.10, port: tcp/80, to: vb}\n"
        #expect(codes(text) == [])
        #expect(addresses(text).contains("va/eth0=10.1.1.11"))
        #expect(addresses(text, pins: [Pin(hostname: "va", network: "a", address: IPv4Address("10.1.1.10")!)]).contains("va/eth0=10.1.1.11"))
    }

    @Test func aVMWithSeveralNICsStandsForEachAddress() throws {
        let text = Self.base.replacingOccurrences(of: "{hostname: vb, image: b, networks: [b]}", with: "{hostname: vb, image: b, networks: [b, c]}")
            + "  allow:\n    - {from: vb, to: va, ports: [any]}\n"
        let rule = try #require(compile(text).desired?.policy?.rules.first)
        #expect(rule.sources.map(\.description) == ["10.1.2.10/32", "10.1.3.10/32"])
    }

    @Test(arguments: [
        ("tcp/22", PolicyPorts.tcp(22...22)), ("udp/1-65535", .udp(1...65535)), ("icmp", .icmp), ("any", .any), ("tcp/8080-8080", .tcp(8080...8080)),
    ])
    func portsParse(_ text: String, _ expected: PolicyPorts) {
        #expect(PolicyPorts.parse(text) == expected)
    }

    @Test(arguments: ["", "tcp", "tcp/", "tcp/-1", "tcp/1-", "tcp/1-2-3", "TCP/22", "tcp/+1", "tcp/ 22", "icmp/8", "udp/99999", "tcp/0-10"])
    func portsDoNotParse(_ text: String) {
        #expect(PolicyPorts.parse(text) == nil)
    }

    @Test func crossingNeedsTwoSegmentsOfOneRouter() {
        let a = IPv4Subnet(network: IPv4Address("10.1.1.0")!, prefixLength: 24), b = IPv4Subnet(network: IPv4Address("10.1.2.0")!, prefixLength: 24)
        let host = IPv4Subnet(network: IPv4Address("10.1.1.7")!, prefixLength: 32)
        #expect(DesiredPolicy.crosses(from: host, to: b, segments: [a, b]))
        #expect(!DesiredPolicy.crosses(from: host, to: a, segments: [a, b]))
        #expect(!DesiredPolicy.crosses(from: host, to: b, segments: [a]))
    }
}
