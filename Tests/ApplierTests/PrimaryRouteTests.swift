import Applier
import Engine
import InMemoryEngine
import Plan
import Testing

/// On engines before API 1.48 the engine routes by default through the first non-internal network
/// by name; rangectl then sets the primary's default route itself, keeps it across restarts, and
/// leaves engines that honour the manifest's order alone.
@Suite
struct PrimaryRouteTests {
    static let text = lab("""
          - {hostname: web, image: busybox, networks: [b, a]}
          - {hostname: db, image: busybox, networks: [a, b]}
          - {hostname: one, image: busybox, networks: [b]}
        """, networks: """
          - {name: a, subnet: 10.200.1.0/24}
          - {name: b, subnet: 10.200.2.0/24, gateway: 10.200.2.7}
          - {name: c, subnet: 10.200.3.0/24, internal: true}
        """)

    @Test func theEngineWouldRouteElsewhereSoThePrimarysGatewayIsSet() throws {
        let p = try plan(Self.text, on: InMemoryEngine(apiVersion: APIVersion(1, 41)))
        let routes = Dictionary(uniqueKeysWithValues: p.desired.vms.map { ($0.hostname, $0.routes.map(\.description)) })
        // web's primary b sorts after a: the engine would pick a. db's primary a is first anyway; one has one NIC.
        #expect(routes == ["web": ["default via 10.200.2.7"], "db": [], "one": []])
        #expect(p.desired.vms[0].routes[0].implicit)
    }

    @Test func anInternalPrimaryOrAnOwnDefaultRouteIsLeftAsItIs() throws {
        let text = lab("""
              - {hostname: web, image: busybox, networks: [c, a]}
              - {hostname: db, image: busybox, networks: [b, a], routes: [{to: default, via: 10.200.1.1}]}
            """, networks: """
              - {name: a, subnet: 10.200.1.0/24}
              - {name: b, subnet: 10.200.2.0/24}
              - {name: c, subnet: 10.200.3.0/24, internal: true}
            """)
        let p = try plan(text, on: InMemoryEngine(apiVersion: APIVersion(1, 41)))
        #expect(p.desired.vms.map { $0.routes.map(\.description) } == [[], ["default via 10.200.1.1"]])
    }

    @Test func engineThatOrdersInterfacesGetsNoExtraRoute() throws {
        let p = try plan(Self.text, on: InMemoryEngine(layout: .manifest))
        #expect(p.desired.vms.allSatisfy { $0.routes.isEmpty })
    }

    @Test func theRouteIsSetAfterStartLostToARestartAndRestoredInPlace() throws {
        let engine = InMemoryEngine(apiVersion: APIVersion(1, 45))
        let (_, report) = try apply(Self.text, on: engine)
        #expect(report.succeeded)
        #expect(engine.container(named: "t-web")?.routes == ["default via 10.200.2.7"])
        #expect(try plan(Self.text, on: engine).reconciliation.changes.isEmpty)

        engine.restart(named: "t-web")
        let lost = try plan(Self.text, on: engine)
        #expect(describe(lost.reconciliation.changes) == ["update vm web: routes lost (the VM restarted since they were set): set default via 10.200.2.7 again"])
        let id = engine.container(named: "t-web")?.id
        #expect(try apply(Self.text, on: engine).1.succeeded)
        #expect(engine.container(named: "t-web")?.id == id)
        #expect(engine.container(named: "t-web")?.routes == ["default via 10.200.2.7"])
    }
}

/// Podman names NICs in manifest order but routes by default through any network with a gateway:
/// every multi-NIC VM with an outward primary gets its default route set, and what stays
/// unpredictable is warned about.
@Suite
struct PodmanLayoutTests {
    func planned(_ text: String) throws -> Planned {
        let engine = InMemoryEngine(apiVersion: APIVersion(1, 41))
        engine.capabilities.interfaceLayout = .manifestNamesAnyRoute
        return try plan(text, on: engine)
    }

    @Test func everyMultiNICVMWithAnOutwardPrimaryGetsItsDefaultRoute() throws {
        let p = try planned(PrimaryRouteTests.text)
        let routes = Dictionary(uniqueKeysWithValues: p.desired.vms.map { ($0.hostname, $0.routes.map(\.description)) })
        #expect(routes == ["web": ["default via 10.200.2.7"], "db": ["default via 10.200.1.1"], "one": []])
        // The names are the manifest's and the routes are set: nothing to warn about.
        #expect(p.diagnostics.isEmpty, "\(p.diagnostics.map(\.message))")
    }

    @Test func anInternalPrimaryBesideTwoOutwardNetworksIsWarnedAbout() throws {
        let p = try planned(lab("  - {hostname: web, image: busybox, networks: [c, a, b]}", networks: """
              - {name: a, subnet: 10.200.1.0/24}
              - {name: b, subnet: 10.200.2.0/24}
              - {name: c, subnet: 10.200.3.0/24, internal: true}
            """))
        #expect(p.desired.vms[0].routes.isEmpty)
        #expect(p.diagnostics.map(\.message) == ["web: its default route goes through whichever of a, b the engine picks, not c"])
    }
}

/// Podman drops what a router VM forwards between its networks: a routed range there is warned
/// about at its first routed network, and applies all the same.
@Suite
struct EngineLimitTests {
    static let routed = lab("""
          - {hostname: fw, image: busybox, sysctls: {net.ipv4.ip_forward: "1"}, networks: [a, b]}
          - {hostname: web, image: busybox, networks: [b]}
        """, networks: "  - {name: a, subnet: 10.200.1.0/24, router: fw}\n  - {name: b, subnet: 10.200.2.0/24, router: fw}")

    @Test func aRoutedRangeOnAnEngineThatDropsForwardedTrafficIsWarned() throws {
        let engine = InMemoryEngine()
        engine.capabilities.forwardsBetweenNetworks = false
        let p = try plan(Self.routed, on: engine)
        let limits = p.diagnostics.filter { $0.code == .engineLimit }
        #expect(limits.count == 1 && limits[0].severity == .warning)
        #expect(limits.first?.message.contains("network 'a'") == true)
        #expect(limits.first?.location?.line == 4)
        #expect(!p.reconciliation.changes.isEmpty)
    }

    /// Where an address added to a NIC is not reachable (a swarm's overlays), a policy with NAT
    /// entries is warned at the policy, naming each address; without NAT, or on a bridge, not.
    @Test func natAddressesWhereAddedAddressesAreNotReachableAreWarned() throws {
        let withNAT = Self.routed + "\npolicy:\n  nat: [{on: a, address: 10.200.1.80, port: tcp/80, to: web}]\n"
        let engine = InMemoryEngine()
        engine.capabilities.reachesAddedAddresses = false
        let limits = try plan(withNAT, on: engine).diagnostics.filter { $0.code == .engineLimit }
        #expect(limits.count == 1 && limits[0].severity == .warning && limits[0].message.contains("NAT addresses (10.200.1.80)"), "\(limits.map(\.message))")
        #expect(limits.first?.location?.line == 11, "at the policy (its mapping)")
        #expect(try plan(withNAT, on: InMemoryEngine()).diagnostics.allSatisfy { $0.code != .engineLimit })
        let withoutNAT = Self.routed + "\npolicy:\n  allow: [{from: a, to: web, ports: [tcp/22]}]\n"
        #expect(try plan(withoutNAT, on: engine).diagnostics.allSatisfy { $0.code != .engineLimit })
    }

    @Test func noWarningWhereTheEngineForwardsOrNothingIsRouted() throws {
        #expect(try plan(Self.routed, on: InMemoryEngine()).diagnostics.allSatisfy { $0.code != .engineLimit })
        let engine = InMemoryEngine()
        engine.capabilities.forwardsBetweenNetworks = false
        #expect(try plan(PrimaryRouteTests.text, on: engine).diagnostics.allSatisfy { $0.code != .engineLimit })
    }
}
