import ComposeExport
import Foundation
import Planner
import RangeDiagnostics
import Testing

/// What the export writes for a range, read back with libyaml and PyYAML: names, addresses,
/// networks, every field of a VM, the targets' differences, what is dropped, and the quoting of
/// hostile values.
struct ComposeExporterTests {
    static let lab = """
        version: 1
        name: lab
        labels: {owner: "blue team", "io.example/ticket": "42"}
        networks:
          - {name: lan, subnet: 10.9.1.0/24}
          - {name: dmz, subnet: 10.9.2.0/24, gateway: 10.9.2.254}
          - {name: vault, subnet: 10.9.3.0/24, internal: true}
        vms:
          - hostname: web01
            image: 127.0.0.1:5000/web:1.2.3
            cpu: 1
            ram_mb: 768
            networks: [lan, dmz, {network: vault, ip: 10.9.3.7}]
            command: ["sh", "-c", "echo $HOME: ${PATH} # not a comment"]
            cap_add: [NET_ADMIN, CAP_NET_RAW]
            privileged: true
            sysctls: {net.ipv4.ip_forward: 1}
            env:
              PLAIN: value
              COLON: "a: b"
              HASH: "x #y"
              QUOTES: "it's \\"quoted\\""
              LINES: "one\\ntwo\\n"
              UNICODE: "café 日本 🙂"
              CONTROL: "\\e]0;title\\a"
              BIDI: "\\u202Eevil"
              DOLLAR: "$HOME $$ ${X:-y}"
              BOOLISH: "yes"
              NUMBER: 010
              EMPTY: ""
              "A#B:C'": odd key
              ? \(String(repeating: "K", count: 1100))
              : a key longer than YAML's implicit keys
          - hostname: db01
            image: busybox:latest
            networks: [lan]
        """

    static func read(_ text: String) throws -> Read {
        try #require(readWithLibyaml(text), "libyaml could not read:\n\(text)")
    }

    @Test func namesAddressesAndFieldsAreRangectls() throws {
        let (text, diagnostics) = export(Self.lab)
        let file = try #require(text, "\(diagnostics)")
        let doc = try Self.read(file)
        #expect(doc.keys == ["networks", "services"])
        let desired = try #require(RangeCompiler.compile(Array(Self.lab.utf8), file: "t.yaml").desired)

        let lan = try #require(doc["networks"]?["lan"])
        #expect(lan == .map([
            "name": .string("lab-lan"), "driver": .string("bridge"),
            "ipam": .map(["config": .list([.map(["subnet": .string("10.9.1.0/24"), "gateway": .string("10.9.1.1")])])]),
            "labels": .map(["owner": .string("blue team"), "io.example/ticket": .string("42")]),
        ]))
        #expect(doc["networks"]?["dmz"]?["ipam"]?["config"] == .list([.map(["subnet": .string("10.9.2.0/24"), "gateway": .string("10.9.2.254")])]))
        #expect(doc["networks"]?["vault"]?["internal"] == .bool(true))
        #expect(doc["networks"]?["lan"]?["internal"] == nil)

        let web = try #require(doc["services"]?["web01"])
        #expect(web["container_name"] == .string("lab-web01"))
        #expect(web["hostname"] == .string("web01"))
        #expect(web["image"] == .string("127.0.0.1:5000/web:1.2.3"))
        // Compose reads `$$` as `$`: every `$` of a value is doubled.
        #expect(web["command"] == .list([.string("sh"), .string("-c"), .string("echo $$HOME: $${PATH} # not a comment")]))
        #expect(web["cap_add"] == .list([.string("NET_ADMIN"), .string("NET_RAW")]))
        #expect(web["privileged"] == .bool(true))
        #expect(web["sysctls"] == .map(["net.ipv4.ip_forward": .string("1")]))
        #expect(web["cpus"] == .number(1))
        #expect(web["mem_limit"] == .string("768m"))
        #expect(web["labels"] == lan["labels"])
        let vm = desired.vms[0]
        var expectedEnv: [String: Read] = [:]
        for kv in vm.env { expectedEnv[kv.key] = .string(kv.value.replacingOccurrences(of: "$", with: "$$")) }
        #expect(web["environment"] == .map(expectedEnv))
        #expect(web["environment"]?["CONTROL"] == .string("\u{1B}]0;title\u{07}"))
        #expect(web["environment"]?["NUMBER"] == .string("010"))

        // Each NIC with the planner's address, the primary first by priority.
        var nics: [String: Read] = [:]
        for (k, i) in vm.interfaces.enumerated() {
            nics[i.network] = .map(["ipv4_address": .string(i.ip.description), "priority": .number(Double(vm.interfaces.count - k))])
        }
        #expect(web["networks"] == .map(nics))
        #expect(vm.interfaces.map(\.ip.description) == ["10.9.1.10", "10.9.2.10", "10.9.3.7"])
        // One NIC: no priority; no command, env or capabilities written when the manifest has none.
        #expect(doc["services"]?["db01"]?["networks"] == .map(["lan": .map(["ipv4_address": .string("10.9.1.11")])]))
        #expect(doc["services"]?["db01"]?.keys == ["container_name", "hostname", "image", "cpus", "mem_limit", "labels", "networks"])
        #expect(doc["services"]?["db01"]?["cpus"] == .number(2) && doc["services"]?["db01"]?["mem_limit"] == .string("4096m"))
    }

    @Test(.enabled(if: pyyamlAvailable || toolsRequired, "PyYAML is not installed (scripts/setup.sh installs it)"))
    func pyyamlReadsWhatLibyamlReads() throws {
        for target in ComposeTarget.allCases {
            let file = try #require(export(Self.lab, target: target).text)
            #expect(try readWithPyYAML(file) == (try Self.read(file)), "\(target)")
        }
    }

    @Test func targetV2NamesEveryNICAndPrefersThePrimarysGateway() throws {
        let doc = try Self.read(try #require(export(Self.lab, target: .v2).text))
        #expect(doc["name"] == .string("lab"))
        let nics = try #require(doc["services"]?["web01"]?["networks"])
        #expect(nics["lan"] == .map(["ipv4_address": .string("10.9.1.10"), "priority": .number(3), "interface_name": .string("eth0"), "gw_priority": .number(1)]))
        #expect(nics["dmz"] == .map(["ipv4_address": .string("10.9.2.10"), "priority": .number(2), "interface_name": .string("eth1")]))
        #expect(nics["vault"] == .map(["ipv4_address": .string("10.9.3.7"), "priority": .number(1), "interface_name": .string("eth2")]))
        #expect(doc["services"]?["db01"]?["networks"] == .map(["lan": .map(["ipv4_address": .string("10.9.1.11"), "interface_name": .string("eth0")])]))

        let v1 = try #require(export(Self.lab, target: .v1).text)
        for key in ["gw_priority", "interface_name", "\nname:"] { #expect(!v1.contains(key), "\(key)") }
    }

    @Test func v1WarnsWhereAnOlderEngineNamesNICsByNetworkName() throws {
        // web01 is on lan, dmz, vault: Docker before 28 gives eth0 dmz, eth1 lan (non-internal by name), eth2 vault.
        let (text, diagnostics) = export(Self.lab, target: .v1)
        let warning = try #require(diagnostics.first { $0.code == .exportDropped })
        #expect(warning.severity == .warning && warning.location?.line == 9)
        #expect(warning.message.hasPrefix("web01: on Docker before 28 the engine names the NICs eth0 dmz, eth1 lan, eth2 vault (by network name) and "), "\(warning.message)")
        #expect(warning.message.contains("routes by default through dmz, not the primary lan (rangectl sets default via 10.9.1.1 there); Compose 1.29 can neither"))
        #expect(text?.contains("    # Not in this file (rangectl export warned export-dropped):\n    #   NIC order: on Docker before 28") == true)
        #expect(diagnostics.count == 1)
        #expect(export(Self.lab, target: .v2).diagnostics.isEmpty)
    }

    static let routed = """
        version: 1
        name: seg
        networks:
          - {name: outside, subnet: 172.31.0.0/24, router: fw}
          - {name: inside, subnet: 172.31.1.0/24, router: fw, internal: true}
        vms:
          - hostname: fw
            image: busybox:latest
            sysctls: {net.ipv4.ip_forward: "1"}
            networks: [outside, inside]
          - hostname: srv
            image: busybox:latest
            disk_gb: 80
            host: node2
            networks: [inside]
            routes: [{to: 172.31.0.0/24, via: 172.31.1.1}]
        """

    @Test func routedNetworksAreCreatedAsRangectlCreatesThem() throws {
        for target in ComposeTarget.allCases {
            let doc = try Self.read(try #require(export(Self.routed, target: target).text))
            let inside = try #require(doc["networks"]?["inside"])
            // The engine's gateway at bridge_ip; no engine `internal` flag, no NAT instead.
            #expect(inside["ipam"]?["config"] == .list([.map(["subnet": .string("172.31.1.0/24"), "gateway": .string("172.31.1.254")])]))
            #expect(inside["internal"] == nil)
            var options: [String: Read] = ["com.docker.network.bridge.enable_ip_masquerade": .string("false")]
            if target == .v2 { options["com.docker.network.bridge.gateway_mode_ipv4"] = .string("nat-unprotected") }
            #expect(inside["driver_opts"] == .map(options), "\(target)")
            #expect(doc["networks"]?["outside"]?["driver_opts"] == (target == .v2 ? .map(["com.docker.network.bridge.gateway_mode_ipv4": .string("nat-unprotected")]) : nil))
            // The router holds the gateways.
            #expect(doc["services"]?["fw"]?["networks"]?["inside"]?["ipv4_address"] == .string("172.31.1.1"))
        }
    }

    @Test func routesDiskAndPlacementAreCommentsAndWarnings() throws {
        let (text, diagnostics) = export(Self.routed)
        let file = try #require(text)
        let dropped = diagnostics.filter { $0.code == .exportDropped }
        #expect(dropped.allSatisfy { $0.severity == .warning })
        // In source order: fw's implicit route and its NIC order (at fw), srv's routes (at srv), its disk_gb, its host.
        #expect(dropped.map { "\($0.location?.line ?? 0):\($0.location?.column ?? 0)" } == ["7:15", "7:15", "11:15", "13:14", "14:11"])
        #expect(dropped[0].message == "fw: its routes (default via 172.31.0.254) are set by rangectl's helper after start; Compose cannot set routes, so they are left out (written as a comment)")
        #expect(dropped[1].message.hasPrefix("fw: on Docker before 28 the engine names the NICs eth0 inside, eth1 outside (by network name); "))
        #expect(dropped[2].message.hasPrefix("srv: its routes (default via 172.31.1.1, 172.31.0.0/24 via 172.31.1.1)"))
        #expect(dropped[3].message == "srv: disk_gb 80 has no Compose equivalent; left out (written as a comment)")
        #expect(dropped[4].message.hasPrefix("srv: host 'node2' places it on a swarm node"))
        // The planner's host-ignored (which advises --engine) gives way to the export's own warning.
        #expect(!diagnostics.contains { $0.code == .hostIgnored })
        #expect(file.contains("""
              srv:
                # Not in this file (rangectl export warned export-dropped):
                #   routes, which rangectl sets with its helper after start (Compose sets none):
                #     route default via 172.31.1.1 (implicit: through fw, the router of inside)
                #     route 172.31.0.0/24 via 172.31.1.1
                #   disk_gb: 80 (Compose has no disk size; rangectl records it, no engine enforces it)
                #   host: node2 (a swarm node; Compose runs every service on the one engine it talks to)
                container_name: seg-srv

            """), "\(file)")
        // Comments change nothing of what a reader sees.
        let doc = try Self.read(file)
        #expect(doc["services"]?["srv"]?.keys == ["container_name", "hostname", "image", "cpus", "mem_limit", "networks"])
    }

    /// A router's policy is rangectl's to set after start: the file says which rules and
    /// addresses it leaves out, and the warning that under Compose the router forwards everything.
    @Test func aRoutersPolicyIsACommentAndAWarning() throws {
        let (text, diagnostics) = export(Self.routed + """

            policy:
              allow: [{from: outside, to: srv, ports: [tcp/22]}]
              nat: [{on: outside, address: 172.31.0.80, port: tcp/80, to: srv}]
            """)
        let file = try #require(text, "\(diagnostics.map(\.message))")
        let policy = diagnostics.filter { $0.code == .exportDropped && $0.message.contains("policy") }
        #expect(policy.map(\.message) == [
            "fw: its policy (3 rules, 1 published addresses) is set by rangectl's helper after start; Compose cannot set firewall rules, so under Compose this router forwards everything (written as a comment)",
        ])
        #expect(policy.first?.location?.line == 18, "at the manifest's policy")
        #expect(file.contains("""
                #   the policy, which rangectl sets with its helper after start (Compose sets no firewall rules):
                #     allow outside -> srv tcp/22
                #     nat outside 172.31.0.80 tcp/80 -> srv 172.31.1.10:80
                #     default deny
                #     address 172.31.0.80/32 on outside (published)
            """), "\(file)")
        #expect(!file.contains("srv:\n    # Not in this file (rangectl export warned export-dropped):\n    #   the policy"), "only the router carries it")
    }

    @Test func sameRangeSameBytes() throws {
        let a = try #require(export(Self.lab).text)
        #expect(export(Self.lab).text == a)
        // Env and sysctl order in the manifest changes nothing (they are sorted, as in the plan).
        let reordered = Self.lab.replacingOccurrences(of: "      PLAIN: value\n", with: "").replacingOccurrences(of: "EMPTY: \"\"", with: "EMPTY: \"\"\n      PLAIN: value")
        #expect(reordered != Self.lab)
        #expect(export(reordered).text == a)
    }

    @Test func anInvalidManifestGivesNoFile() throws {
        let (text, diagnostics) = export(Self.lab.replacingOccurrences(of: "10.9.3.7", with: "10.9.4.7"))
        #expect(text == nil)
        #expect(diagnostics.contains { $0.code == .ipOutsideSubnet })
    }

    /// Names the planner accepts that YAML would read as something else: quoted where they are keys.
    @Test func namesThatLookLikeOtherScalarsStayStrings() throws {
        let text = """
            version: 1
            name: "123"
            networks: [{name: "on", subnet: 10.9.1.0/24}, {name: "10", subnet: 10.9.2.0/24}]
            vms: [{hostname: "null", image: busybox, networks: ["on", "10"]}, {hostname: "1e5", image: busybox, networks: ["10"]}]
            """
        let file = try #require(export(text).text, "\(export(text).diagnostics)")
        let doc = try Self.read(file)
        #expect(doc["networks"]?.keys == ["on", "10"])
        #expect(doc["services"]?.keys == ["null", "1e5"])
        #expect(doc["services"]?["null"]?["container_name"] == .string("123-null"))
        if pyyamlAvailable { #expect(try readWithPyYAML(file) == doc) }
    }
}
