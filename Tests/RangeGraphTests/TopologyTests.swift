import Plan
import Planner
@testable import RangeGraph
import Testing

/// The range compiled as the CLI compiles it.
func desired(_ text: String) throws -> DesiredRange {
    let c = RangeCompiler.compile(Array(text.utf8), file: "t.yaml")
    return try #require(c.desired, "\(c.diagnostics.map(\.message))")
}

/// A router that holds the dmz's gateway, a forwarder, a one-NIC VM with forwarding on, a host on two networks.
let lab = """
    version: 1
    name: lab
    networks:
      - {name: lan, subnet: 10.0.1.0/24}
      - {name: dmz, subnet: 10.0.2.0/24, router: fw}
      - {name: core, subnet: 10.0.3.0/24, internal: true}
    vms:
      - {hostname: fw, image: busybox:latest, networks: [lan, dmz], sysctls: {net.ipv4.ip_forward: "1"}}
      - {hostname: fwd, image: busybox:latest, networks: [lan, core], sysctls: {net.ipv4.ip_forward: "1"}}
      - {hostname: lone, image: busybox:latest, networks: [core], sysctls: {net.ipv4.ip_forward: "1"}}
      - {hostname: web, image: "nginx:1.27", networks: [dmz, core]}
    """

struct TopologyTests {
    @Test func rolesFollowRoutersAndForwarding() throws {
        let t = Topology(try desired(lab))
        #expect(t.vms.map(\.role) == [.router, .forwarder, .host, .host])
        #expect(t.networks.map(\.router) == [nil, "fw", nil] && t.networks.map(\.internal) == [false, false, true])
        #expect(!t.live && t.vms.allSatisfy { $0.state == nil })
    }

    @Test func offlineLinksAreThePlannedNICsInOrder() throws {
        let t = Topology(try desired(lab))
        let fw = t.vms[0], web = t.vms[3]
        #expect(fw.links.map(Captions.link) == ["eth0 10.0.1.10 (primary)", "eth1 10.0.2.1 (gateway)"])
        #expect(web.links.map(Captions.link) == ["eth0 10.0.2.10 (primary)", "eth1 10.0.3.12"])
        #expect(t.vms.flatMap(\.links).allSatisfy { $0.state == .planned })
    }

    @Test func captionsNameWhatTheBoxesAndNodesAre() throws {
        let t = Topology(try desired(lab))
        #expect(Captions.network(t.networks[1]) == ("dmz", ["10.0.2.0/24", "gateway 10.0.2.1 (fw)"]))
        #expect(Captions.network(t.networks[2]) == ("core", ["10.0.3.0/24", "gateway 10.0.3.1", "internal"]))
        #expect(Captions.vm(t.vms[0]) == ("fw", ["busybox:latest", "router"]))
        #expect(Captions.vm(t.vms[1]) == ("fwd", ["busybox:latest", "forwards packets"]))
        #expect(Captions.vm(t.vms[3]) == ("web", ["nginx:1.27"]))
    }

    /// A router lists its share of the policy under its name, and each NAT address on the NIC
    /// that publishes it; past eight lines the rest is counted, not drawn.
    @Test func aRoutersPolicyIsOnItsNodeAndItsNATAddressOnItsNIC() throws {
        let t = Topology(try desired(lab + """

            policy:
              allow: [{from: lan, to: web, ports: [tcp/443]}]
              nat: [{on: dmz, address: 10.0.2.80, port: tcp/80, to: fwd}]
            """))
        #expect(Captions.vm(t.vms[0]).details == [
            "busybox:latest", "router", "policy:",
            "allow lan -> web tcp/443", "nat dmz 10.0.2.80 tcp/80 -> fwd 10.0.1.11:80", "default deny",
        ])
        #expect(t.vms[0].links.map(Captions.link) == ["eth0 10.0.1.10 (primary)", "eth1 10.0.2.1 (gateway, publishes 10.0.2.80)"])
        #expect(t.vms.dropFirst().allSatisfy { $0.policy.isEmpty && $0.links.allSatisfy(\.published.isEmpty) })

        let many = (1...9).map { "{from: lan, to: web, ports: [tcp/\($0)]}" }.joined(separator: ", ")
        let big = Topology(try desired(lab + "\npolicy:\n  allow: [\(many)]\n"))
        let details = Captions.vm(big.vms[0]).details
        #expect(details.count == 2 + 1 + 8 && details.last == "and 3 more rules (rangectl plan lists them)", "\(details)")
    }

    @Test func liveLinksShowWhatTheEngineHoldsAndWhatDiffers() throws {
        let d = try desired(lab)
        let observed = [
            // fw: eth0 as planned; eth1 moved to another address.
            ObservedVM(hostname: "fw", state: .running, nics: [
                nic("eth0", "lan", "10.0.1.10"), nic("eth1", "dmz", "10.0.2.7"),
            ]),
            // fwd: stopped, its second NIC disconnected, one on a network of the manifest it should not be on,
            // one on a network the manifest does not have.
            ObservedVM(hostname: "FWD", state: .exited, nics: [
                nic("eth0", "lan", "10.0.1.11"), nic("eth1", "dmz", "10.0.2.30"), ObservedNIC(name: "eth2", network: "bridge", rangeNetwork: false, address: IPv4Address("172.17.0.2"), nameRead: true),
            ]),
            // web: the engine named its NICs in another order (read inside), and a name that is only predicted.
            ObservedVM(hostname: "web", state: .paused, nics: [
                nic("eth1", "dmz", "10.0.2.10"), ObservedNIC(name: "eth7", network: "core", rangeNetwork: true, address: IPv4Address("10.0.3.12"), nameRead: false),
            ]),
            // lone is absent: not observed at all.
        ]
        let t = Topology(d, observed: observed)
        #expect(t.live)
        #expect(t.vms.map(\.state) == [.running, .stopped, .absent, .other("paused")])
        #expect(t.vms[0].links.map(Captions.link) == ["eth0 10.0.1.10 (primary)", "eth1 10.0.2.7 (planned 10.0.2.1) (gateway)"])
        #expect(t.vms[0].links.map(\.state) == [.asPlanned, .drifted])
        #expect(t.vms[1].links.map(Captions.link) == ["eth0 10.0.1.11 (primary)", "eth1 10.0.3.10 (not connected)", "eth1 10.0.2.30 (not in the manifest)"])
        #expect(t.vms[1].links.map(\.state) == [.asPlanned, .notConnected, .unplanned])
        #expect(Captions.vm(t.vms[1]).details == ["busybox:latest", "forwards packets", "stopped", "eth2 172.17.0.2 on bridge (not in the manifest)"])
        #expect(t.vms[2].links.map(\.state) == [.vmAbsent] && Captions.vm(t.vms[2]).details.last == "absent")
        #expect(t.vms[3].links.map(Captions.link) == ["eth1 10.0.2.10 (planned eth0) (primary)", "eth1 10.0.3.12"])
    }

    @Test(arguments: [
        (ContainerState?.none, Topology.State.absent), (.running, .running), (.exited, .stopped), (.created, .stopped),
        (.paused, .other("paused")), (.restarting, .other("restarting")), (.removing, .other("removing")), (.dead, .other("dead")),
        (.other("frozen"), .other("frozen")),
    ])
    func statesAreReadAsAPersonSaysThem(_ row: (observed: ContainerState?, shown: Topology.State)) {
        #expect(Topology.State(row.observed) == row.shown)
    }

    @Test func theSameRangeGivesTheSameBytesWhateverTheObservationsOrder() throws {
        let d = try desired(lab)
        let observed = ["fw", "fwd", "lone", "web"].map { ObservedVM(hostname: $0, state: .running, nics: [nic("eth0", "lan", "10.0.1.99")]) }
        let a = Topology(d, observed: observed), b = Topology(d, observed: observed.reversed())
        #expect(a == b)
        #expect(DOTRenderer.render(a) == DOTRenderer.render(b) && MermaidRenderer.render(a) == MermaidRenderer.render(b))
        #expect(DOTRenderer.render(Topology(try desired(lab))) == DOTRenderer.render(Topology(try desired(lab))))
    }

    @Test func routersAndForwardersAreDrawnAboveTheNetworksOthersBelow() throws {
        let t = Topology(try desired(lab))
        let dot = DOTRenderer.render(t)
        #expect(dot.contains("  vm0 -- net0 [") && dot.contains("  vm1 -- net2 [") && dot.contains("  net2 -- vm2 [") && dot.contains("  net1 -- vm3 ["))
        #expect(dot.contains("vm0 [shape=hexagon") && dot.contains("vm1 [shape=hexagon") && dot.contains("vm2 [shape=box"))
        let mermaid = MermaidRenderer.render(t)
        #expect(mermaid.contains("    vm0 ===|\"eth0 10.0.1.10 (primary)\"| net0\n"))
        #expect(mermaid.contains("    net2 ---|\"eth1 10.0.3.12\"| vm3\n"))
        #expect(mermaid.contains("    vm0{{\"<b>fw</b><br>busybox:latest<br>router\"}}\n"))
    }

    @Test func liveDriftIsRedAndWhatIsNotConnectedDashed() throws {
        let d = try desired(lab)
        let t = Topology(d, observed: [ObservedVM(hostname: "fw", state: .running, nics: [nic("eth0", "lan", "10.0.1.12")])])
        let dot = DOTRenderer.render(t)
        #expect(dot.contains("vm0 -- net0 [label=<eth0 10.0.1.12 (planned 10.0.1.10) (primary)>, style=\"bold\", penwidth=2, color=\"#c62828\", fontcolor=\"#c62828\"]"))
        #expect(dot.contains("vm0 -- net1 [label=<eth1 10.0.2.1 (not connected) (gateway)>, style=\"dashed\", color=\"#c62828\", fontcolor=\"#c62828\"]"))
        #expect(dot.contains("vm2 [shape=box, style=\"rounded,filled,dashed\", fillcolor=\"#ffffff\""))
        let mermaid = MermaidRenderer.render(t)
        #expect(mermaid.contains("    vm0 ===|\"eth0 10.0.1.12 (planned 10.0.1.10) (primary)\"| net0\n"))
        #expect(mermaid.contains("    vm0 -.-|\"eth1 10.0.2.1 (not connected) (gateway)\"| net1\n"))
        #expect(mermaid.contains("    linkStyle 0,1 stroke:#c62828,color:#c62828\n"))
        #expect(mermaid.contains("    class vm0 running\n") && mermaid.contains("    class vm1,vm2,vm3 absent\n"))
    }
}

func nic(_ name: String, _ network: String, _ ip: String) -> ObservedNIC {
    ObservedNIC(name: name, network: network, rangeNetwork: true, address: IPv4Address(ip), nameRead: true)
}
