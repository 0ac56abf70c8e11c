@testable import Planner
import Manifest
import Plan
import RangeDiagnostics
import Testing

/// Placement over a swarm's nodes: `host:` pins, else rendezvous hashing of the hostname.
struct PlacementTests {
    static func manifest(_ vms: [String], extra: String = "") -> String {
        "version: 1\nname: tpl\nnetworks:\n  - {name: a, subnet: 10.201.0.0/16}\n  - {name: c, subnet: 10.202.0.0/24, internal: true}\nvms:\n"
            + vms.map { "  - {hostname: \($0), image: busybox, networks: [a]\(extra)}\n" }.joined()
    }

    static func hosts(_ text: String, over nodes: [String]) -> [String: String] {
        let c = RangeCompiler.compile(Array(text.utf8), file: "t.yaml", hosts: nodes)
        return Dictionary(uniqueKeysWithValues: (c.desired?.vms ?? []).map { ($0.hostname, $0.host ?? "") })
    }

    static let names = (1...400).map { "vm\($0)" }

    @Test func placementIgnoresTheOrderOfVMsAndOfNodes() {
        let a = Self.hosts(Self.manifest(Self.names), over: ["n1", "n2", "n3"])
        let b = Self.hosts(Self.manifest(Self.names.reversed()), over: ["n3", "n1", "n2"])
        #expect(a == b)
        #expect(Set(a.values) == ["n1", "n2", "n3"])
        // Spread: each node gets a fair share of 400 (about 133).
        for n in ["n1", "n2", "n3"] { #expect((100...170).contains(a.values.filter { $0 == n }.count)) }
    }

    @Test func addingAVMMovesNone() {
        let before = Self.hosts(Self.manifest(Self.names), over: ["n1", "n2", "n3"])
        let after = Self.hosts(Self.manifest(["new1"] + Self.names + ["new2"]), over: ["n1", "n2", "n3"])
        for (vm, host) in before { #expect(after[vm] == host) }
    }

    @Test func addingANodeMovesAboutOneInNAndOnlyToIt() {
        let before = Self.hosts(Self.manifest(Self.names), over: ["n1", "n2", "n3"])
        let after = Self.hosts(Self.manifest(Self.names), over: ["n1", "n2", "n3", "n4"])
        let moved = before.filter { after[$0.key] != $0.value }
        #expect((60...140).contains(moved.count), "moved \(moved.count) of 400")
        #expect(moved.allSatisfy { after[$0.key] == "n4" })
    }

    @Test func removingANodeMovesOnlyItsVMs() {
        let before = Self.hosts(Self.manifest(Self.names), over: ["n1", "n2", "n3"])
        let after = Self.hosts(Self.manifest(Self.names), over: ["n1", "n2"])
        for (vm, host) in before where host != "n3" { #expect(after[vm] == host) }
    }

    @Test func hostPinsAndAnUnknownHostIsLocatedAtItsValueEachTime() {
        let text = "version: 1\nname: tpl\nnetworks:\n  - {name: a, subnet: 10.201.0.0/24}\nvms:\n"
            + "  - {hostname: x, image: busybox, networks: [a], host: n2}\n"
            + "  - {hostname: y, image: busybox, networks: [a], host: nope}\n"
            + "  - {hostname: z, image: busybox, networks: [a], host: gone}\n"
        #expect(Self.hosts(text.replacingOccurrences(of: "host: nope", with: "host: n1").replacingOccurrences(of: "host: gone", with: "host: n1"), over: ["n1", "n2"])["x"] == "n2")
        let c = RangeCompiler.compile(Array(text.utf8), file: "t.yaml", hosts: ["n1", "n2"])
        let unknown = c.diagnostics.filter { $0.code == .unknownHost }
        #expect(unknown.map { $0.location?.line } == [7, 8])
        #expect(unknown.first?.message == "host 'nope' of vm 'y' is not one of the engines given (n1, n2)")
        #expect(c.desired == nil)
    }

    @Test func withOneEngineHostIsIgnoredWithAWarning() {
        let text = Self.manifest(["x"], extra: ", host: n2")
        for hosts in [[], ["n1"]] {
            let c = RangeCompiler.compile(Array(text.utf8), file: "t.yaml", hosts: hosts)
            #expect(c.desired?.vms.first?.host == nil)
            #expect(c.diagnostics.map(\.code) == [.hostIgnored])
        }
    }

    @Test func onASwarmTheDefaultRouteGoesThroughThePrimaryGatewayUnlessInternal() throws {
        let text = "version: 1\nname: tpl\nnetworks:\n  - {name: a, subnet: 10.201.0.0/24}\n  - {name: c, subnet: 10.202.0.0/24, internal: true}\nvms:\n"
            + "  - {hostname: x, image: busybox, networks: [a, c]}\n  - {hostname: y, image: busybox, networks: [c, a]}\n"
        let swarm = try #require(RangeCompiler.compile(Array(text.utf8), file: "t.yaml", hosts: ["n1", "n2"]).desired)
        #expect(swarm.vms[0].routes.map(\.description) == ["default via 10.201.0.1"])
        #expect(swarm.vms[1].routes.isEmpty)
        let one = try #require(RangeCompiler.compile(Array(text.utf8), file: "t.yaml").desired)
        #expect(one.vms.allSatisfy { $0.routes.isEmpty && $0.host == nil })
    }

    @Test func theSwarmsLoadBalancerBlockIsNeverAssignedAndRefusedForStaticAddresses() throws {
        let subnet = try IPv4Subnet.parse("10.201.0.0/24", allowedPrefixes: 8...30).get()
        #expect(SwarmAddresses.loadBalancerBlock(subnet, nodes: 3).description == "10.201.0.248/29")
        #expect(SwarmAddresses.loadBalancerBlock(subnet, nodes: 10).description == "10.201.0.240/28")
        let text = "version: 1\nname: tpl\nnetworks:\n  - {name: a, subnet: 10.201.0.0/24, reserved: 0}\nvms:\n"
            + "  - {hostname: x, image: busybox, networks: [{network: a, ip: 10.201.0.250}]}\n"
        let c = RangeCompiler.compile(Array(text.utf8), file: "t.yaml", hosts: ["n1", "n2", "n3"])
        #expect(c.diagnostics.map(\.code) == [.ipReserved])
        #expect(c.diagnostics.first?.message.contains("load-balancer") == true)
    }
}
