import Foundation
import Manifest
import Planner
import RangeDiagnostics
import Testing
import Workflows

/// `firewall_rules` imported as `policy:` (issue 11), on small blueprints written here: a
/// firewall `fw` holding the gateways of `out`, `dmz` and `lan`; `web` on dmz and lan (two NICs),
/// `db` on lan, `kali` outside.
struct ImportPolicyTests {
    static let networks = """
      - {name: out, subnet: 10.1.0.0/24, gateway: 10.1.0.1}
      - {name: dmz, subnet: 10.1.1.0/24, gateway: 10.1.1.1}
      - {name: lan, subnet: 10.1.2.0/24, gateway: 10.1.2.1}
    """
    static let vms = """
      - hostname: fw
        base_image_tag: busybox:latest
        network_interfaces:
          - {network_name: out, ip_address: 10.1.0.1}
          - {network_name: dmz, ip_address: 10.1.1.1}
          - {network_name: lan, ip_address: 10.1.2.1}
      - hostname: web
        base_image_tag: busybox:latest
        network_interfaces:
          - {network_name: dmz, ip_address: 10.1.1.20, is_primary: true}
          - {network_name: lan, ip_address: 10.1.2.20}
      - {hostname: db, base_image_tag: busybox:latest, network_name: lan, ip_address: 10.1.2.30}
      - {hostname: kali, base_image_tag: busybox:latest, network_name: out, ip_address: 10.1.0.50}
    """

    static func blueprint(_ rules: String, vms: String = vms) -> String {
        ImportRuleTests.blueprint(networks: networks, vms: vms) + "firewall_rules:\n" + rules + "\n"
    }

    static func policy(_ rules: String) throws -> (RawPolicy, CyroidImportResult) {
        let result = importText(blueprint(rules))
        let text = try #require(result.manifest, "\(rendered(result.diagnostics))")
        let m = try #require(ManifestReader.read(Array(text.utf8), file: "m.yaml").0)
        return (try #require(m.policy, "\(text)"), result)
    }

    static func allow(_ p: RawPolicy) -> [String] {
        p.allow.map { "\($0.from?.value ?? "") -> \($0.to?.value ?? "") \(($0.ports?.value ?? []).map(\.value).joined(separator: ","))" }
    }

    @Test func flowsBecomeAllowRulesUnderADefaultDeny() throws {
        let (p, result) = try Self.policy("""
          allowed_flows:
            - {src: 10.1.1.0/24, dst: 10.1.0.50, ports: [80, 443]}
            - {src: 10.1.1.20, dst: 10.1.2.30, ports: ["445", 139], description: web to the database}
            - {src: 10.1.2.30, dst: 10.1.1.0/25, ports: [53/udp, 1000-2000]}
            - {src: 10.1.2.30, dst: dmz, protocol: udp, ports: [161]}
            - {src: db, dst: 10.1.0.50}
        """)
        #expect(p.defaultAction?.value == "deny")
        // A network's subnet is its name; a single-NIC VM's address its hostname; a multi-NIC
        // VM's address a /32 (it names that NIC only); any other CIDR as written.
        #expect(Self.allow(p) == [
            "dmz -> kali tcp/80,tcp/443",
            "10.1.1.20/32 -> db tcp/445,tcp/139",
            "db -> 10.1.1.0/25 udp/53,tcp/1000-2000",
            "db -> dmz udp/161",
            "db -> kali any",
        ])
        #expect(result.diagnostics.contains { $0.code == .importAdjusted && $0.message.contains("no ports allows every protocol and port from db to 10.1.0.50") })
        #expect(result.manifest?.contains("    # web to the database\n    - from: 10.1.1.20/32\n") == true)
    }

    @Test func natEntriesPublishOnTheNetworkOfTheirAddress() throws {
        let (p, _) = try Self.policy("""
          nat:
            - {description: the shop, external_ip: 10.1.0.80, external_port: 80, internal_ip: 10.1.1.20, internal_port: 8080}
            - {external_ip: 10.1.0.81, external_port: 53, internal_ip: 10.1.2.30, internal_port: 53, protocol: udp}
        """)
        #expect(p.nat.map { "\($0.on?.value ?? "") \($0.address?.value ?? "") \($0.port?.value ?? "") \($0.to?.value ?? "") \($0.toPort.map { String($0.value) } ?? "-")" } == [
            "out 10.1.0.80 tcp/80 web 8080",
            "out 10.1.0.81 udp/53 db -",
        ])
        #expect(p.allow.isEmpty)
    }

    /// What cannot be mapped, or what the planner refuses, stays in the manifest as a comment
    /// with a warning at the entry; everything else is imported.
    @Test func entriesThatCannotBeImportedAreKeptAsCommentsWithAWarning() throws {
        let (p, result) = try Self.policy("""
          allowed_flows:
            - {src: 10.1.2.30, dst: 10.1.2.20, ports: [22]}
            - {src: 10.1.1.20, dst: 10.1.2.30, ports: [gopher]}
            - {src: 10.9.9.9, dst: 10.1.2.30, ports: [22]}
            - {src: 10.1.1.20, dst: 10.1.2.30, ports: [3306], via: fw}
            - {src: 10.1.0.50, dst: 10.1.2.30, ports: [22]}
          nat:
            - {external_ip: 10.1.0.90, external_port: 80, internal_ip: 10.1.2.99}
            - {external_ip: 192.168.9.9, external_port: 80, internal_ip: 10.1.2.30}
          logging: true
        """)
        #expect(Self.allow(p) == ["kali -> db tcp/22"])
        #expect(p.nat.isEmpty)
        let dropped = result.diagnostics.filter { $0.code == .importDropped && $0.message.hasPrefix("firewall_rules:") }
        #expect(dropped.map { "\($0.location?.line ?? 0)" } == ["22", "23", "24", "25", "28", "29", "30"], "\(rendered(dropped))")
        let text = try #require(result.manifest)
        #expect(text.contains("traffic inside one segment passes no router"), "the planner's reason is kept: \(text)")
        #expect(text.contains("not imported (line 28): no VM has the static address 10.1.2.99 (internal_ip)"), "\(text)")
        #expect(text.contains("    # - src: 10.9.9.9\n"), "the entry is kept as written: \(text)")
        #expect(!result.diagnostics.contains { $0.severity == .error }, "\(rendered(result.diagnostics))")
    }

    @Test func withoutARouterTheRulesAreKeptAsAComment() throws {
        let result = importText(ImportRuleTests.blueprint(networks: "  - {name: lan, subnet: 10.1.2.0/24}", vms: """
          - {hostname: db, base_image_tag: busybox:latest, network_name: lan, ip_address: 10.1.2.30}
        """) + "firewall_rules:\n  allowed_flows:\n    - {src: 10.1.2.30, dst: 10.1.2.31, ports: [22]}\n")
        let text = try #require(result.manifest, "\(rendered(result.diagnostics))")
        #expect(!text.contains("policy:"))
        #expect(result.diagnostics.contains { $0.code == .importDropped && $0.message.contains("no router VM to set these rules on") })
    }

    /// With nothing importable there is no policy: a deny-all would block what the firewall
    /// image itself lets through.
    @Test func withNoEntryImportedThereIsNoPolicy() throws {
        let result = importText(Self.blueprint("  allowed_flows:\n    - {src: 10.1.2.30, dst: 10.1.2.31, ports: [22]}\n"))
        let text = try #require(result.manifest, "\(rendered(result.diagnostics))")
        #expect(!text.contains("policy:") && text.contains("no entry could be imported, so rangectl sets no policy"), "\(text)")
        #expect(result.diagnostics.filter { $0.code == .importDropped && $0.message.hasPrefix("firewall_rules:") }.count == 1)
    }

    /// The imported policy is the one the planner compiles onto the firewall.
    @Test func theImportedPolicyCompiles() throws {
        let result = importText(Self.blueprint("  allowed_flows:\n    - {src: 10.1.0.50, dst: 10.1.2.30, ports: [22]}\n"))
        let text = try #require(result.manifest, "\(rendered(result.diagnostics))")
        let desired = try #require(RangeCompiler.compile(Array(text.utf8), file: "m.yaml").desired, "\(text)")
        #expect(desired.policy?.rules.map { $0.text } == ["kali -> db tcp/22"], "\(text)")
    }
}
