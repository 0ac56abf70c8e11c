import Foundation
import Manifest
import RangeDiagnostics
import Testing
import Workflows

/// The importer's rules one at a time, on small blueprints written here.
struct ImportRuleTests {
    /// A blueprint with these networks and VMs blocks (already indented under their keys).
    static func blueprint(networks: String, vms: String, top: String = "") -> String {
        "seed_id: t\n\(top)networks:\n\(networks)\nvms:\n\(vms)\n"
    }

    /// The imported manifest as the manifest reader reads it.
    static func manifest(_ text: String) throws -> RawManifest {
        let result = importText(text)
        let manifest = try #require(result.manifest, "\(rendered(result.diagnostics))")
        return try #require(ManifestReader.read(Array(manifest.utf8), file: "m.yaml").0)
    }

    static let routed = """
      - {name: dmz, subnet: 10.1.1.0/24, gateway: 10.1.1.1}
      - {name: lan, subnet: 10.1.2.0/24}
    """

    @Test func aVMHoldingTheGatewayRoutesTheNetworkGivenOrDefault() throws {
        let m = try Self.manifest(Self.blueprint(networks: Self.routed, vms: """
          - hostname: fw
            base_image_tag: busybox:latest
            network_interfaces:
              - {network_name: dmz, ip_address: 10.1.1.1}
              - {network_name: lan, ip_address: 10.1.2.1}
          - hostname: web
            base_image_tag: busybox:latest
            network_name: dmz
        """))
        #expect(m.networks.map { $0.router?.value } == ["fw", "fw"])
        #expect(m.networks.map { $0.bridgeIP?.value } == [nil, nil])
        #expect(m.vms[0].sysctls.map { "\($0.key.value)=\($0.value.value)" } == ["net.ipv4.ip_forward=1"])
        #expect(m.vms[1].sysctls.isEmpty)
        #expect(m.vms[1].routes.isEmpty, "the implicit default through the router is enough")
    }

    @Test func theBridgeMovesOffAnAddressAVMHolds() throws {
        let m = try Self.manifest(Self.blueprint(networks: "  - {name: dmz, subnet: 10.1.1.0/24}", vms: """
          - {hostname: fw, base_image_tag: busybox:latest, network_name: dmz, ip_address: 10.1.1.1}
          - {hostname: a, base_image_tag: busybox:latest, network_name: dmz, ip_address: 10.1.1.254}
          - {hostname: b, base_image_tag: busybox:latest, network_name: dmz, ip_address: 10.1.1.253}
        """))
        #expect(m.networks[0].router?.value == "fw")
        #expect(m.networks[0].bridgeIP?.value == "10.1.1.252")
    }

    @Test func aSecondVMOnTheGatewayIsAnErrorAtItsAddress() {
        let r = importText(Self.blueprint(networks: "  - {name: dmz, subnet: 10.1.1.0/24}", vms: """
          - {hostname: fw, base_image_tag: busybox:latest, network_name: dmz, ip_address: 10.1.1.1}
          - {hostname: fw2, base_image_tag: busybox:latest, network_name: dmz, ip_address: 10.1.1.1}
        """))
        #expect(r.manifest == nil)
        #expect(codes(r) == ["error ip-reserved@6:84"])
    }

    @Test func thePrimaryInterfaceComesFirstAndOnlyOneIsPrimary() throws {
        let text = Self.blueprint(networks: Self.routed, vms: """
          - hostname: a
            base_image_tag: busybox:latest
            network_interfaces:
              - {network_name: lan}
              - {network_name: dmz, is_primary: true}
          - hostname: b
            base_image_tag: busybox:latest
            network_interfaces:
              - {network_name: lan, is_primary: true}
              - {network_name: dmz, is_primary: true}
          - hostname: c
            base_image_tag: busybox:latest
            network_interfaces:
              - {network_name: lan, ip_address: null}
              - {network_name: dmz, ip_address: ""}
        """)
        let m = try Self.manifest(text)
        #expect(m.vms.map { $0.interfaces.map { $0.network?.value ?? "" } } == [["dmz", "lan"], ["lan", "dmz"], ["lan", "dmz"]])
        #expect(m.vms[2].interfaces.allSatisfy { $0.ip == nil })
        #expect(codes(importText(text)) == ["warning import-adjusted@15:41"])
    }

    @Test func aVMGatewayBecomesADefaultRouteUnlessItIsThePrimaryGateway() throws {
        let m = try Self.manifest(Self.blueprint(networks: Self.routed, vms: """
          - {hostname: a, base_image_tag: busybox:latest, network_name: dmz, gateway: 10.1.1.1}
          - {hostname: b, base_image_tag: busybox:latest, network_name: dmz, gateway: 10.1.1.5}
          - {hostname: c, base_image_tag: busybox:latest, network_name: dmz, ip_address: 10.1.1.5}
        """))
        #expect(m.vms.map { $0.routes.map { "\($0.to?.value ?? "") via \($0.via?.value ?? "")" } } == [[], ["default via 10.1.1.5"], []])
    }

    /// (is_isolated, internet_enabled, a router VM) -> internal, and whether internet_enabled is kept as a comment.
    @Test(arguments: [
        ("", "", false, nil, false),
        ("is_isolated: false", "internet_enabled: true", false, nil, false),
        ("is_isolated: true", "internet_enabled: false", false, true, false),
        ("is_isolated: false", "internet_enabled: false", false, true, false),
        ("", "internet_enabled: false", false, true, false),
        ("is_isolated: true", "", false, true, false),
        ("is_isolated: true", "internet_enabled: true", false, true, true),
        ("is_isolated: true", "internet_enabled: true", true, true, false),
    ] as [(String, String, Bool, Bool?, Bool)])
    func isolationAndInternet(_ isolated: String, _ internet: String, _ router: Bool, _ expected: Bool?, _ kept: Bool) throws {
        let fields = [isolated, internet].filter { !$0.isEmpty }.map { ", \($0)" }.joined()
        let text = Self.blueprint(networks: "  - {name: n, subnet: 10.2.0.0/24\(fields)}", vms: """
          - {hostname: a, base_image_tag: busybox:latest, network_name: n\(router ? ", ip_address: 10.2.0.1" : "")}
        """)
        let m = try Self.manifest(text)
        #expect(m.networks[0].internal?.value == expected)
        #expect(codes(importText(text)).contains { $0.hasPrefix("warning import-dropped") } == kept)
    }

    @Test func namesAreRewrittenToTheManifestsRulesAndCollisionsAreErrors() throws {
        let long = String(repeating: "Long_Range ", count: 5)
        let m = try Self.manifest("""
        seed_id: "\(long)"
        networks:
          - {name: "Corp LAN (VLAN 10)", subnet: 10.3.0.0/24}
        vms:
          - {hostname: "web_01.corp", base_image_tag: busybox:latest, network_name: "Corp LAN (VLAN 10)"}
        """)
        #expect(m.name?.value == "long-range-long-range-long-rang")
        #expect(m.networks[0].name?.value == "corp-lan-vlan-10")
        #expect(m.vms[0].hostname?.value == "web-01-corp")
        #expect(m.vms[0].interfaces[0].network?.value == "corp-lan-vlan-10")
        let clash = importText(Self.blueprint(networks: "  - {name: n, subnet: 10.3.0.0/24}", vms: """
          - {hostname: web_1, base_image_tag: busybox:latest, network_name: n}
          - {hostname: WEB-1, base_image_tag: busybox:latest, network_name: n}
          - {hostname: "---", base_image_tag: busybox:latest, network_name: n}
        """))
        #expect(codes(clash) == ["warning import-adjusted@5:16", "error duplicate-name@6:16", "error invalid-name@7:16"])
    }

    @Test func blueprintPlacesTheirOwnProblemsForThePlanner() {
        let r = importText(Self.blueprint(networks: "  - {name: small, subnet: 10.4.0.0/29}\n  - {name: bad, subnet: 10.5.0.1/24}", vms: """
          - {hostname: a, base_image_tag: busybox:latest, network_name: small}
          - {hostname: b, base_image_tag: busybox:latest, network_name: small, ip_address: 10.4.0.99}
        """))
        #expect(codes(r) == ["error invalid-cidr@4:25", "error pool-exhausted@6:51", "error ip-outside-subnet@7:84"])
    }

    @Test func secretsOfDroppedFieldsAreNotCopied() throws {
        let r = importText(Self.blueprint(networks: "  - {name: n, subnet: 10.6.0.0/24}", vms: """
          - hostname: w
            base_image_tag: busybox:latest
            network_name: n
            vm_type: windows_vm
            windows_password: "hunter2-very-secret"
            sensor_config: {api_token: "tok-123", url: "http://x"}
        """))
        let manifest = try #require(r.manifest)
        #expect(!manifest.contains("hunter2") && !manifest.contains("tok-123"))
        #expect(manifest.contains("# windows_password: (sensitive: not copied, see the blueprint)"))
        #expect(manifest.contains("#   url: http://x"))
    }

    @Test(arguments: [
        ("", "error type-mismatch@1:1"),
        ("- a\n- b\n", "error type-mismatch@1:1"),
        ("just text", "error type-mismatch@1:1"),
        ("seed_id: x\n", "error missing-field@1:1,error missing-field@1:1"),
        ("networks: []\nvms: []\n", "error missing-field@1:1"),
        ("seed_id: x\nnetworks: {}\nvms: 3\n", "error type-mismatch@2:11,error type-mismatch@3:6"),
        ("seed_id: x\nnetworks: [\n", "error yaml-syntax@3:1"),
        ("seed_id: [x]\nnetworks: []\nvms: []\n", "error type-mismatch@1:10"),
        ("seed_id: x\nrouter: on\nnetworks: []\nvms: []\n", "error type-mismatch@2:9"),
    ])
    func badShapesAreLocated(_ text: String, _ expected: String) {
        let r = importText(text)
        #expect(r.manifest == nil)
        #expect(codes(r).joined(separator: ",") == expected)
    }

    @Test func hostileInputEndsInALocatedErrorNotACrash() {
        let inputs: [[UInt8]] = [
            [0xFF, 0xFE, 0x00, 0x01, 0x80, 0x81],
            Array(String(repeating: "[", count: 100_000).utf8),
            Array("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n".utf8),
            Array("seed_id: x\nnetworks: []\nvms: []\n---\nseed_id: y\n".utf8),
        ]
        for bytes in inputs {
            let r = CyroidImporting.run(bytes, file: "b.yaml")
            #expect(r.manifest == nil)
            #expect(r.diagnostics.hasErrors)
            #expect(r.diagnostics.allSatisfy { $0.location != nil })
        }
    }
}
