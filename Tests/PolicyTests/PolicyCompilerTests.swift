import Plan
import PlannerSupport
import Policy
import Testing

/// What the compiler writes for each kind of rule, on which router, and what it leaves out.
struct PolicyCompilerTests {
    /// `fw1` joins a and b; `fw2` joins b and c; `va` on a, `vb` on b, `vc` on c.
    static func text(_ policy: String) -> String {
        "version: 1\nname: t\nnetworks:\n"
            + "  - {name: a, subnet: 10.1.1.0/24, router: fw1}\n  - {name: b, subnet: 10.1.2.0/24, router: fw2}\n  - {name: c, subnet: 10.1.3.0/24, router: fw2}\n"
            + "vms:\n  - {hostname: fw1, image: b, sysctls: {net.ipv4.ip_forward: '1'}, networks: [a, b]}\n"
            + "  - {hostname: fw2, image: b, sysctls: {net.ipv4.ip_forward: '1'}, networks: [b, c]}\n"
            + "  - {hostname: va, image: b, networks: [a]}\n  - {hostname: vb, image: b, networks: [b]}\n  - {hostname: vc, image: b, networks: [c]}\n"
            + policy
    }

    static func rules(_ policy: String, on router: String) throws -> [String] {
        let desired = try #require(range(text(policy)))
        return PolicyCompiler.rules(for: router, in: desired).split(separator: "\n").map(String.init)
    }

    @Test func theRoutersAreTheVMsNamedByRouterInManifestOrder() throws {
        #expect(PolicyCompiler.routers(in: try #require(range(Self.text("")))) == ["fw1", "fw2"])
    }

    @Test func aRuleIsWrittenOnlyOnTheRoutersItCrosses() throws {
        let policy = "policy:\n  allow:\n    - {from: va, to: b, ports: [tcp/22]}\n    - {from: vb, to: vc, ports: [udp/53, tcp/8000-8080, icmp, any]}\n"
        let fw1 = try Self.rules(policy, on: "fw1"), fw2 = try Self.rules(policy, on: "fw2")
        #expect(fw1.contains("-A RANGECTL-FORWARD -s 10.1.1.10/32 -d 10.1.2.0/24 -p tcp -m tcp --dport 22 -j ACCEPT"))
        #expect(!fw1.contains { $0.contains("10.1.3.") && $0.contains("ACCEPT") })
        #expect(!fw2.contains { $0.contains("10.1.1.") })
        #expect(Array(fw2.drop { $0 != "# allow vb -> vc udp/53, tcp/8000-8080, icmp, any" }.prefix(5)) == [
            "# allow vb -> vc udp/53, tcp/8000-8080, icmp, any",
            "-A RANGECTL-FORWARD -s 10.1.2.11/32 -d 10.1.3.10/32 -p udp -m udp --dport 53 -j ACCEPT",
            "-A RANGECTL-FORWARD -s 10.1.2.11/32 -d 10.1.3.10/32 -p tcp -m tcp --dport 8000:8080 -j ACCEPT",
            "-A RANGECTL-FORWARD -s 10.1.2.11/32 -d 10.1.3.10/32 -p icmp -j ACCEPT",
            "-A RANGECTL-FORWARD -s 10.1.2.11/32 -d 10.1.3.10/32 -j ACCEPT",
        ])
    }

    @Test func repliesFirstThenRulesThenTheDefaultBetweenEveryPairOfSegments() throws {
        let deny = try Self.rules("policy:\n  allow:\n    - {from: va, to: vb, ports: [any]}\n", on: "fw1")
        #expect(deny.filter { !$0.hasPrefix("#") } == [
            "*filter", ":RANGECTL-FORWARD - [0:0]",
            "-A RANGECTL-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
            "-A RANGECTL-FORWARD -s 10.1.1.10/32 -d 10.1.2.11/32 -j ACCEPT",
            "-A RANGECTL-FORWARD -s 10.1.1.0/24 -d 10.1.2.0/24 -j DROP",
            "-A RANGECTL-FORWARD -s 10.1.2.0/24 -d 10.1.1.0/24 -j DROP",
            "COMMIT", "*nat", ":RANGECTL-PREROUTING - [0:0]", ":RANGECTL-POSTROUTING - [0:0]", "COMMIT",
        ])
        let allow = try Self.rules("policy:\n  default: allow\n", on: "fw2")
        #expect(allow.filter { $0.hasSuffix("-j ACCEPT") && $0.contains(" -s ") } == [
            "-A RANGECTL-FORWARD -s 10.1.2.0/24 -d 10.1.3.0/24 -j ACCEPT",
            "-A RANGECTL-FORWARD -s 10.1.3.0/24 -d 10.1.2.0/24 -j ACCEPT",
        ])
    }

    @Test func aNATEntryIsADNATAndTheForwardOfWhatWasDNATed() throws {
        let policy = "policy:\n  nat:\n    - {on: a, address: 10.1.1.100, port: tcp/80, to: vb, to_port: 8080}\n"
        let fw1 = try Self.rules(policy, on: "fw1")
        #expect(fw1.contains("-A RANGECTL-PREROUTING -d 10.1.1.100/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.1.2.11:8080"))
        #expect(fw1.contains("-A RANGECTL-POSTROUTING -d 10.1.2.11/32 -p tcp -m tcp --dport 8080 -m conntrack --ctstate DNAT -j MASQUERADE"))
        #expect(fw1.contains("-A RANGECTL-FORWARD -d 10.1.2.11/32 -p tcp -m tcp --dport 8080 -m conntrack --ctstate DNAT -j ACCEPT"))
        // Before the default's DROP lines.
        let accept = try #require(fw1.firstIndex { $0.contains("--ctstate DNAT") }), drop = try #require(fw1.firstIndex { $0.hasSuffix("-j DROP") })
        #expect(accept < drop)
        #expect(!(try Self.rules(policy, on: "fw2")).contains { $0.contains("DNAT") })
    }

    @Test func withoutAPolicyTheChainsAreEmpty() throws {
        let lines = try Self.rules("", on: "fw1")
        #expect(lines.filter { $0.hasPrefix("-A") } == [])
        #expect(lines.contains(":RANGECTL-FORWARD - [0:0]") && lines.contains(":RANGECTL-PREROUTING - [0:0]"))
    }

    @Test func theHashFollowsTheRules() throws {
        let a = try #require(range(Self.text("policy:\n  allow:\n    - {from: va, to: vb, ports: [tcp/22]}\n")))
        let b = try #require(range(Self.text("policy:\n  allow:\n    - {from: va, to: vb, ports: [tcp/23]}\n")))
        #expect(PolicyCompiler.hash(for: "fw1", in: a) == PolicyCompiler.hash(for: "fw1", in: a))
        #expect(PolicyCompiler.hash(for: "fw1", in: a) != PolicyCompiler.hash(for: "fw1", in: b))
        #expect(PolicyCompiler.hash(for: "fw1", in: a).count == 16)
        // fw2 carries none of it: its rules, and hash, do not change.
        #expect(PolicyCompiler.hash(for: "fw2", in: a) == PolicyCompiler.hash(for: "fw2", in: b))
    }

    @Test func theHooksAreCheckedBeforeTheyAreInserted() {
        #expect(PolicyCompiler.hooks.map(\.command) == [
            "iptables -w -t filter -C FORWARD -j RANGECTL-FORWARD 2>/dev/null || iptables -w -t filter -I FORWARD 1 -j RANGECTL-FORWARD",
            "iptables -w -t nat -C PREROUTING -j RANGECTL-PREROUTING 2>/dev/null || iptables -w -t nat -I PREROUTING 1 -j RANGECTL-PREROUTING",
            "iptables -w -t nat -C POSTROUTING -j RANGECTL-POSTROUTING 2>/dev/null || iptables -w -t nat -I POSTROUTING 1 -j RANGECTL-POSTROUTING",
        ])
    }
}

/// A policy in a range with instances: each copy's router gets its own instance's rules and NAT
/// entries, at that copy's addresses.
struct InstancePolicyTests {
    static let text = """
        version: 1
        name: t
        instances: {names: [alice, bob], address_space: 10.128.0.0/16}
        networks:
          - {name: out, subnet: 172.16.0.0/24, router: fw}
          - {name: in, subnet: 172.16.1.0/24, router: fw, internal: true}
        vms:
          - {hostname: fw, image: b, sysctls: {net.ipv4.ip_forward: '1'}, networks: [out, in]}
          - {hostname: web, image: b, networks: [{network: in, ip: 172.16.1.20}]}
        policy:
          allow:
            - {from: out, to: web, ports: [tcp/80]}
            - {from: out, to: in, ports: [icmp]}
          nat:
            - {on: out, address: 172.16.0.100, port: tcp/80, to: web}
        """

    @Test func eachCopysRouterGetsItsOwnRulesAtItsOwnAddresses() throws {
        let desired = try #require(range(Self.text))
        let routers = desired.vms.filter { $0.hostname == "fw" }
        #expect(routers.map(\.instance) == ["alice", "bob"])
        let bob = PolicyCompiler.rules(for: routers[1], in: desired).split(separator: "\n").map(String.init)
        #expect(bob.contains("-A RANGECTL-FORWARD -s 10.128.2.0/24 -d 10.128.3.20/32 -p tcp -m tcp --dport 80 -j ACCEPT"))
        #expect(bob.contains("-A RANGECTL-PREROUTING -d 10.128.2.100/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.128.3.20:80"))
        // Nothing of alice's on bob's router, and each of bob's rules once.
        #expect(!bob.contains { $0.contains("10.128.0.") || $0.contains("10.128.1.") })
        #expect(bob.filter { $0.hasPrefix("-A RANGECTL-FORWARD -s 10.128.2.0/24 -d 10.128.3.0/24 -p icmp") }.count == 1)
        #expect(bob.first == "# rangectl policy of range t on router bob/fw: iptables-restore --noflush")
        let alice = PolicyCompiler.rules(for: routers[0], in: desired)
        #expect(alice.contains("-d 10.128.0.100/32") && !alice.contains("10.128.2.") && !alice.contains("10.128.3."))
    }
}
