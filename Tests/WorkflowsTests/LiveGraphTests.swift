import Engine
import InMemoryEngine
import Plan
import Planner
import RangeGraph
import Testing
@testable import Workflows

/// `graph --live` on the in-memory engine: the range read as `status` reads it, compared with
/// what a plan against the engine gives, and drawn.
struct LiveGraphTests {
    static let text = """
        version: 1
        name: t
        networks:
          - {name: a, subnet: 10.0.1.0/24}
          - {name: b, subnet: 10.0.2.0/24}
        vms:
          - {hostname: web, image: busybox:latest, networks: [a, b]}
          - {hostname: db, image: busybox:latest, networks: [b]}
          - {hostname: gone, image: busybox:latest, networks: [a]}
        """

    /// The live topology of `manifest` on `engine`, as the command makes it.
    static func topology(_ manifest: String, _ engine: InMemoryEngine) throws -> Topology {
        let parsed = RangeCompiler.parse(Array(manifest.utf8), file: "t.yaml")
        let validated = try #require(RangeCompiler.plan(parsed).desired)
        let e = RetryingEngine(engine)
        return LiveGraph.topology(parsed, validated: validated, inventory: try e.inventory(), engine: e, parallelism: 4)
    }

    @Test func statesAndDriftedAddressesAreDrawn() throws {
        let (engine, _) = try RangeStatusTests.applied(Self.text)
        engine.commands = RangeStatusTests.commands(.shellAndIP)
        // By hand: web's NIC on b moved to another address, db stopped, gone removed.
        engine.modifyContainer(named: "t-web") { c in c.endpoints = c.endpoints.map { $0.network == "t-b" ? ($0.network, "10.0.2.5") : $0 } }
        engine.modifyContainer(named: "t-db") { $0.running = false }
        try engine.removeContainer(id: try #require(engine.container(named: "t-gone")).id)

        let t = try Self.topology(Self.text, engine)
        #expect(t.live && t.vms.map(\.state) == [.running, .stopped, .absent])
        #expect(t.vms[0].links.map(Captions.link) == ["eth0 10.0.1.10 (primary)", "eth1 10.0.2.5 (planned 10.0.2.10)"])
        #expect(t.vms[0].links.map(\.state) == [.asPlanned, .drifted])
        #expect(t.vms[1].links.map(Captions.link) == ["eth0 10.0.2.11 (primary)"] && t.vms[1].links[0].state == .asPlanned)
        #expect(t.vms[2].links.map(\.state) == [.vmAbsent])

        let dot = DOTRenderer.render(t)
        #expect(dot.contains("<B>web</B><BR/>busybox:latest<BR/>running>"))
        #expect(dot.contains("<B>db</B><BR/>busybox:latest<BR/>stopped>"))
        #expect(dot.contains("<B>gone</B><BR/>busybox:latest<BR/>absent>"))
        #expect(dot.contains("net1 -- vm0 [label=<eth1 10.0.2.5 (planned 10.0.2.10)>, color=\"#c62828\", fontcolor=\"#c62828\"]"))
        #expect(dot.contains("net0 -- vm2 [label=<eth0 10.0.1.11 (primary)>, style=\"bold,dashed\", penwidth=2, color=\"#9e9e9e\""))
        let mermaid = MermaidRenderer.render(t)
        #expect(mermaid.contains("    net1 ---|\"eth1 10.0.2.5 (planned 10.0.2.10)\"| vm0\n"))
        #expect(mermaid.contains("    class vm0 running\n    class vm1 stopped\n    class vm2 absent\n"))
    }

    @Test func plannedAddressesAreTheOnesAPlanKeeps() throws {
        let (engine, _) = try RangeStatusTests.applied(Self.text)
        engine.commands = RangeStatusTests.commands(.shellAndIP)
        // A VM added before the others would take their addresses in a fresh compile; a plan
        // against the engine keeps theirs (pins), so nothing is drawn as drift.
        let grown = Self.text.replacingOccurrences(of: "vms:\n", with: "vms:\n  - {hostname: new, image: busybox:latest, networks: [a, b]}\n")
        let t = try Self.topology(grown, engine)
        #expect(t.vms.map(\.hostname) == ["new", "web", "db", "gone"])
        #expect(t.vms[0].state == .absent && t.vms[0].links.map(Captions.link) == ["eth0 10.0.1.12 (primary)", "eth1 10.0.2.12"])
        #expect(t.vms.dropFirst().allSatisfy { $0.state == .running && $0.links.allSatisfy { $0.state == .asPlanned } })
    }

    @Test func namesReadInsideTheVMAreShownAndPredictionsAreNot() throws {
        // The in-memory engine connects NICs in manifest order; its VMs answer `ip` with eth0, eth1
        // in that order. Without `ip` the names are predicted (by network name here) and not shown.
        let (engine, _) = try RangeStatusTests.applied(Self.text)
        engine.commands = RangeStatusTests.commands(.shellAndIP)
        engine.modifyContainer(named: "t-web") { c in c.endpoints.reverse() }
        let read = try Self.topology(Self.text, engine)
        #expect(read.vms[0].links.map(Captions.link) == ["eth1 10.0.1.10 (planned eth0) (primary)", "eth0 10.0.2.10 (planned eth1)"])
        engine.commands = RangeStatusTests.commands(.neither)
        let predicted = try Self.topology(Self.text, engine)
        #expect(predicted.vms[0].links.map(Captions.link) == ["eth0 10.0.1.10 (primary)", "eth1 10.0.2.10"])
    }

    @Test func aNICOnAnotherNetworkIsListedOnItsVM() throws {
        let (engine, _) = try RangeStatusTests.applied(Self.text)
        engine.commands = RangeStatusTests.commands(.shellAndIP)
        engine.modifyContainer(named: "t-db") { c in c.endpoints.append((network: "bridge", ip: "172.17.0.2")) }
        let t = try Self.topology(Self.text, engine)
        #expect(t.vms[1].strays == [Topology.Stray(interface: "eth1", network: "bridge", address: IPv4Address("172.17.0.2"))])
        #expect(Captions.vm(t.vms[1]).details.last == "eth1 172.17.0.2 on bridge (not in the manifest)")
    }
}
