import Plan
import Planner
import PlannerSupport
import Testing
@testable import Verify

/// The probes the planner derives from a policy: exact lists (source, destination, addresses,
/// port, expectation), so that a change of choice or order shows up here.
struct ProbePlannerTests {
    /// `fw1` joins a and b; `fw2` joins b and c; `va` on a, `vb` on b, `vc` on c.
    static func text(_ policy: String, extraVMs: String = "") -> String {
        "version: 1\nname: t\nnetworks:\n"
            + "  - {name: a, subnet: 10.1.1.0/24, router: fw1}\n  - {name: b, subnet: 10.1.2.0/24, router: fw2}\n  - {name: c, subnet: 10.1.3.0/24, router: fw2}\n"
            + "vms:\n  - {hostname: fw1, image: b, sysctls: {net.ipv4.ip_forward: '1'}, networks: [a, b]}\n"
            + "  - {hostname: fw2, image: b, sysctls: {net.ipv4.ip_forward: '1'}, networks: [b, c]}\n"
            + "  - {hostname: va, image: b, networks: [a]}\n  - {hostname: vb, image: b, networks: [b]}\n  - {hostname: vc, image: b, networks: [c]}\n"
            + extraVMs + policy
    }

    static func plan(_ policy: String, extraVMs: String = "") throws -> ProbePlan {
        ProbePlanner.plan(try #require(range(text(policy, extraVMs: extraVMs))))
    }

    @Test func segmentedPolicyExample() throws {
        let plan = ProbePlanner.plan(try exampleRange("manifests/segmented-policy.yaml"))
        #expect(plan.probes.map(line) == [
            "jumpbox 172.30.1.10 -> db01 172.30.2.5 tcp/22 pass",
            "jumpbox 172.30.1.10 -> files01 172.30.2.10 tcp/22 pass",
            "webserver 172.30.1.11 -> db01 172.30.2.5 tcp/3306 pass",
            "db01 172.30.2.5 -> jumpbox 172.30.1.10 tcp/22 pass",
            "db01 172.30.2.5 -> jumpbox 172.30.1.10 icmp pass",
            "attacker 172.30.0.10 -> jumpbox 172.30.1.10 tcp/80 pass",
            "attacker 172.30.0.10 -> webserver 172.30.1.11 tcp/80 pass",
            "attacker 172.30.0.10 -> jumpbox 172.30.1.10 tcp/443 pass",
            "attacker 172.30.0.10 -> webserver 172.30.1.11 tcp/443 pass",
            "attacker 172.30.0.10 -> jumpbox 172.30.1.10 tcp/23 blocked",
            "attacker 172.30.0.10 -> db01 172.30.2.5 tcp/23 blocked",
            "jumpbox 172.30.1.10 -> attacker 172.30.0.10 tcp/23 blocked",
            "jumpbox 172.30.1.10 -> db01 172.30.2.5 tcp/23 blocked",
            "db01 172.30.2.5 -> attacker 172.30.0.10 tcp/23 blocked",
            "db01 172.30.2.5 -> jumpbox 172.30.1.10 tcp/23 blocked",
            "attacker 172.30.0.10 -> webserver 172.30.0.100 tcp/80 pass => 172.30.1.11:8080",
        ])
        #expect(plan.probes.map(\.why)[2...4] == ["webserver -> db01 tcp/3306", "internal -> jumpbox tcp/22, icmp", "internal -> jumpbox tcp/22, icmp"])
        #expect(plan.probes[9].why == "default deny from internet to dmz")
        #expect(plan.probes.last?.why == "nat internet 172.30.0.100 tcp/80 -> webserver 172.30.1.11:8080")
        #expect(plan.probes.allSatisfy { $0.instance == nil && $0.source.container == "segmented-policy-" + $0.source.hostname })
        #expect(plan.skipped == [])
        // The routers never take part: their own traffic is not forwarded.
        #expect(!plan.probes.contains { $0.source.hostname == "firewall" || $0.destination.hostname == "firewall" })
    }

    @Test func defaultAllowExpectsTheSamplesToPassAndRangesAndAnyAreProbedOnOnePort() throws {
        let plan = try Self.plan("policy:\n  default: allow\n  allow:\n"
            + "    - {from: va, to: vb, ports: [tcp/23-30, udp/5000-5100]}\n    - {from: vb, to: vc, ports: [any]}\n")
        #expect(plan.probes.map(line) == [
            "va 10.1.1.10 -> vb 10.1.2.11 tcp/23 pass",
            "va 10.1.1.10 -> vb 10.1.2.11 udp/5000 pass",
            "vb 10.1.2.11 -> vc 10.1.3.10 tcp/7 pass",
            // 23 is allowed from va to vb, so the sample takes the next port of the list.
            "va 10.1.1.10 -> vb 10.1.2.11 tcp/135 pass",
            "vb 10.1.2.11 -> va 10.1.1.10 tcp/23 pass",
            "vc 10.1.3.10 -> vb 10.1.2.11 tcp/23 pass",
        ])
        #expect(plan.probes[3].why == "default allow from a to b")
        #expect(plan.skipped == [SkippedProbe(why: "default allow from b to c",
                                              reason: "rules allow every sample port (23, 135, 445, 3389, 5900, 6379, 9999, 31337) from vb to vc")])
    }

    @Test func aRuleWithNoVMOnOneSideOrOnlyNeighboursIsSkippedAndSaysWhy() throws {
        // vx is on a and b: it reaches vb without a router, so the pair is not a probe of the policy.
        let plan = try Self.plan("policy:\n  allow:\n"
            + "    - {from: va, to: 10.1.2.128/25, ports: [tcp/22]}\n    - {from: 10.1.2.128/25, to: va, ports: [tcp/22]}\n"
            + "    - {from: vx, to: vb, ports: [tcp/22]}\n    - {from: vb, to: va, ports: [icmp]}\n",
            extraVMs: "  - {hostname: vx, image: b, networks: [a, b]}\n")
        #expect(plan.skipped.map { "\($0.why): \($0.reason)" } == [
            "va -> 10.1.2.128/25 tcp/22: no VM other than a router has an address in its destinations",
            "10.1.2.128/25 -> va tcp/22: no VM other than a router has an address in its sources",
            "vx -> vb tcp/22: no source and destination VM are on two segments of one router and share no network",
        ])
        #expect(plan.skipped.allSatisfy { $0.instance == nil })
        #expect(plan.probes.filter { $0.expected == .pass }.map(line) == ["vb 10.1.2.11 -> va 10.1.1.10 icmp pass"])
        // The samples skip vx, which is on both segments of fw1.
        #expect(plan.probes.filter { $0.expected == .blocked }.map(line) == [
            "va 10.1.1.10 -> vb 10.1.2.11 tcp/23 blocked", "vb 10.1.2.11 -> va 10.1.1.10 tcp/23 blocked",
            "vb 10.1.2.11 -> vc 10.1.3.10 tcp/23 blocked", "vc 10.1.3.10 -> vb 10.1.2.11 tcp/23 blocked",
        ])
    }

    @Test func natEntriesAreProbedThroughTheirPublishedAddressFromAClientOnTheirNetwork() throws {
        let plan = try Self.plan("policy:\n  nat:\n"
            + "    - {on: a, address: 10.1.1.100, port: udp/5353, to: vb, to_port: 53}\n"
            + "    - {on: c, address: 10.1.3.100, port: tcp/8080, to: vb}\n")
        let nat = plan.probes.filter { $0.why.hasPrefix("nat ") }
        #expect(nat.map(line) == [
            "va 10.1.1.10 -> vb 10.1.1.100 udp/5353 pass => 10.1.2.11:53",
            "vc 10.1.3.10 -> vb 10.1.3.100 tcp/8080 pass => 10.1.2.11:8080",
        ])
        #expect(nat.map(\.why) == ["nat a 10.1.1.100 udp/5353 -> vb 10.1.2.11:53", "nat c 10.1.3.100 tcp/8080 -> vb 10.1.2.11:8080"])
        #expect(plan.probes.count == 6 && plan.skipped == [])
    }

    @Test func withInstancesEachCopyIsProbedWithinItself() throws {
        let desired = try #require(range("""
            version: 1
            name: t
            instances: {names: [alice, bob], address_space: 10.128.0.0/16}
            networks:
              - {name: out, subnet: 172.16.0.0/24, router: fw}
              - {name: in, subnet: 172.16.1.0/24, router: fw, internal: true}
            vms:
              - {hostname: fw, image: b, sysctls: {net.ipv4.ip_forward: '1'}, networks: [out, in]}
              - {hostname: kali, image: b, networks: [out]}
              - {hostname: web, image: b, networks: [{network: in, ip: 172.16.1.20}]}
            policy:
              allow:
                - {from: out, to: web, ports: [tcp/80]}
                - {from: out, to: in, ports: [icmp]}
              nat:
                - {on: out, address: 172.16.0.100, port: tcp/80, to: web}
            """))
        let plan = ProbePlanner.plan(desired)
        #expect(plan.probes.map(line) == [
            "alice/kali 10.128.0.10 -> alice/web 10.128.1.20 tcp/80 pass",
            "alice/kali 10.128.0.10 -> alice/web 10.128.1.20 icmp pass",
            "alice/kali 10.128.0.10 -> alice/web 10.128.1.20 tcp/23 blocked",
            "alice/web 10.128.1.20 -> alice/kali 10.128.0.10 tcp/23 blocked",
            "alice/kali 10.128.0.10 -> alice/web 10.128.0.100 tcp/80 pass => 10.128.1.20:80",
            "bob/kali 10.128.2.10 -> bob/web 10.128.3.20 tcp/80 pass",
            "bob/kali 10.128.2.10 -> bob/web 10.128.3.20 icmp pass",
            "bob/kali 10.128.2.10 -> bob/web 10.128.3.20 tcp/23 blocked",
            "bob/web 10.128.3.20 -> bob/kali 10.128.2.10 tcp/23 blocked",
            "bob/kali 10.128.2.10 -> bob/web 10.128.2.100 tcp/80 pass => 10.128.3.20:80",
        ])
        #expect(plan.probes.allSatisfy { $0.source.instance == $0.destination.instance })
        #expect(plan.probes.first?.destination.container == "t-alice-web")
        #expect(plan.probes.first?.destination.key == "alice/web")
        #expect(plan.skipped == [])
        // `--instance bob`: bob's probes only, and alice's copies of the rules are not "not probed".
        let bob = try #require(InstanceRules.select(Compilation(rangeName: "t", desired: desired, diagnostics: []), ["bob"]).desired)
        let bobs = ProbePlanner.plan(bob)
        #expect(bobs.probes.map(line) == plan.probes.map(line).filter { $0.hasPrefix("bob/") })
        #expect(bobs.skipped == [])
    }

    @Test func noPolicyNoProbes() throws {
        #expect(try Self.plan("") == ProbePlan(probes: [], skipped: []))
    }
}
