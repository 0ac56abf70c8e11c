import Foundation
import Testing
import TestSupport

/// A declared policy enforced on a real engine: three segments joined by a firewall VM, four
/// allow rules and one NAT entry, set by the helper image with iptables that engine-up.sh makes
/// (`rangectl-policy-helper:test`). Real TCP connects and pings between the test's own
/// containers check each flow; a rule removed, rules flushed inside the firewall by hand and a
/// restart of the firewall are each seen by `plan` and put right by `apply` in place.
extension EndToEnd {
    @Suite
    struct PolicyEndToEndTests {
        init() {
            #expect(LocalEngine.answers, "the engine should be running (scripts/engine-up.sh starts one)")
        }

        static let helper = "rangectl-policy-helper:test"

        static func body(allowingDB: Bool = true, helper: String = helper) -> String {
            """
            helper_image: \(helper)
            networks:
              - {name: internet, subnet: 10.200.104.0/24, router: firewall}
              - {name: dmz, subnet: 10.200.105.0/24, router: firewall, internal: true}
              - {name: internal, subnet: 10.200.106.0/24, router: firewall, internal: true}
            vms:
              - {hostname: firewall, image: busybox:latest, sysctls: {net.ipv4.ip_forward: "1"}, networks: [internet, dmz, internal], command: [sleep, infinity]}
              - {hostname: attacker, image: busybox:latest, networks: [internet], command: [sleep, infinity]}
              - {hostname: jumpbox, image: busybox:latest, networks: [{network: dmz, ip: 10.200.105.10}], command: [sleep, infinity]}
              - {hostname: webserver, image: busybox:latest, networks: [{network: dmz, ip: 10.200.105.11}], command: [sleep, infinity]}
              - {hostname: db01, image: busybox:latest, networks: [{network: internal, ip: 10.200.106.5}], command: [sleep, infinity]}
              - {hostname: files01, image: busybox:latest, networks: [{network: internal, ip: 10.200.106.6}], command: [sleep, infinity]}
            policy:
              default: deny
              allow:
                - {from: jumpbox, to: internal, ports: [tcp/22]}
            \(allowingDB ? "    - {from: webserver, to: db01, ports: [tcp/3306]}" : "")
                - {from: internal, to: jumpbox, ports: [icmp]}
                - {from: 10.200.104.0/24, to: dmz, ports: [tcp/80]}
              nat:
                - {on: internet, address: 10.200.104.100, port: tcp/80, to: webserver, to_port: 8080}
            """
        }

        /// Whether a TCP connect from `source` to `address:port` reaches a listener started for it
        /// in `listener` on `listenPort`: the listener answers a word, the client must read it.
        /// When it does not, a connect from inside the listener's own container must (so a
        /// blocked probe proves the listener was up, and no listener outlives its probe).
        static func connects(from source: String, to address: String, _ port: Int, listener: String, on listenPort: Int? = nil) throws -> Bool {
            let word = "rangectl-probe-\(UUID().uuidString.prefix(8))"
            let p = listenPort ?? port
            try LocalEngine.byHand("exec", "-d", listener, "timeout", "20", "nc", "-l", "-p", "\(p)", "-e", "echo", word)
            func client(_ from: String, _ to: String, _ port: Int) throws -> Bool {
                try run(URL(fileURLWithPath: "/usr/bin/timeout"), ["12", "docker", "exec", from, "timeout", "4", "nc", "-w", "2", to, "\(port)"])
                    .stdout.contains(word)
            }
            Thread.sleep(forTimeInterval: 0.3)   // the listener binds
            for _ in 0..<3 {
                let started = Date()
                if try client(source, address, port) { return true }
                // A drop gives no answer until nc's 2 s deadline; a quick failure is a refusal (the
                // listener was not up yet): try again.
                if Date().timeIntervalSince(started) > 1.5 { break }
                Thread.sleep(forTimeInterval: 0.5)
            }
            var up = false
            for _ in 0..<3 where !up {
                up = try client(listener, "127.0.0.1", p)
                if !up { Thread.sleep(forTimeInterval: 0.5) }
            }
            #expect(up, "the listener on \(listener):\(p) answers from inside")
            return false
        }

        static func ping(from: String, to: String) throws -> Bool {
            try RoutedEndToEndTests.ping(from: from, to: to)
        }

        /// The rules rangectl's chain holds inside the firewall, read with the helper image.
        static func forwardRules(_ firewall: String) throws -> [String] {
            let r = try LocalEngine.docker("run", "--rm", "--network", "container:\(firewall)", "--cap-add", "NET_ADMIN", helper, "iptables-save", "-t", "filter")
            return r.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("-A RANGECTL-FORWARD ") }
        }

        /// Every flow of the policy, as declared (`allowingDB`: whether webserver -> db01 tcp/3306 is).
        static func expectFlows(_ r: String, allowingDB: Bool, _ when: String) throws {
            #expect(try connects(from: "\(r)-jumpbox", to: "10.200.106.5", 22, listener: "\(r)-db01"), "jumpbox -> db01 tcp/22 \(when)")
            #expect(try !connects(from: "\(r)-webserver", to: "10.200.106.5", 22, listener: "\(r)-db01"), "webserver -> db01 tcp/22 is not allowed \(when)")
            #expect(try connects(from: "\(r)-files01", to: "10.200.106.5", 22, listener: "\(r)-db01"), "inside internal nothing is filtered \(when)")
            #expect(try connects(from: "\(r)-webserver", to: "10.200.106.5", 3306, listener: "\(r)-db01") == allowingDB, "webserver -> db01 tcp/3306 \(when)")
            #expect(try ping(from: "\(r)-db01", to: "10.200.105.10"), "internal -> jumpbox icmp \(when)")
            #expect(try !ping(from: "\(r)-jumpbox", to: "10.200.106.5"), "jumpbox -> db01 icmp is not allowed \(when)")
            #expect(try connects(from: "\(r)-attacker", to: "10.200.105.11", 80, listener: "\(r)-webserver"), "internet -> dmz tcp/80 \(when)")
            #expect(try !connects(from: "\(r)-attacker", to: "10.200.106.5", 22, listener: "\(r)-db01"), "internet -> internal is not allowed \(when)")
            #expect(try connects(from: "\(r)-attacker", to: "10.200.104.100", 80, listener: "\(r)-webserver", on: 8080),
                    "nat 10.200.104.100 tcp/80 -> webserver:8080 \(when)")
        }

        static func identity(_ container: String) throws -> String {
            try LocalEngine.docker("inspect", "-f", "{{.Id}}", container).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        @Test func thePolicyIsEnforcedAndKeptInPlace() throws {
            let range = try TestRange("te2e-policy")
            defer { range.destroy() }
            let r = range.name, firewall = "\(r)-firewall"

            // A helper image without iptables is refused before anything is made.
            try range.write(Self.body(helper: "busybox:latest"))
            let refused = try range.rangectl("apply", "--auto-approve")
            #expect(refused.status == 1 && refused.stderr.contains("[helper-missing-tool]"), "\(refused.stdout)\(refused.stderr)")
            #expect(try LocalEngine.labelled(r).containers.isEmpty && LocalEngine.labelled(r).networks.isEmpty)

            try range.write(Self.body())
            try range.converge("the policy")
            let rules = try Self.forwardRules(firewall)
            #expect(rules.contains("-A RANGECTL-FORWARD -s 10.200.105.10/32 -d 10.200.106.0/24 -p tcp -m tcp --dport 22 -j ACCEPT"), "\(rules)")
            #expect(rules.last == "-A RANGECTL-FORWARD -s 10.200.106.0/24 -d 10.200.105.0/24 -j DROP", "\(rules)")
            #expect(Set(try LocalEngine.addresses(in: firewall).values).contains("10.200.104.100/32"))
            let forwards = LocalEngine.engine != "podman"
            if forwards { try Self.expectFlows(r, allowingDB: true, "after apply") }
            let id = try Self.identity(firewall)
            // verify probes the same from inside the VMs: every allowed flow, the samples of
            // denied ones, the NAT entry. Podman forwards nothing through a router: there the
            // allowed flows are seen blocked (README), and verify says so with exit 1.
            let verified = try range.rangectl("verify", "--json")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(verified.stdout.utf8)) as? [String: Any], "\(verified.stdout)\(verified.stderr)")
            let probes = report["probes"] as? [[String: Any]] ?? []
            #expect(probes.count == 13 && (report["not_probed"] as? [Any])?.isEmpty == true, "\(verified.stdout)")
            if forwards {
                #expect(verified.status == 0 && report["as_declared"] as? Bool == true, "\(verified.stdout)\(verified.stderr)")
            } else {
                #expect(verified.status == 1 && probes.contains { $0["seen"] as? String == "blocked" && $0["expected"] as? String == "pass" }, "\(verified.stdout)")
            }

            // A rule removed from the manifest: the plan names it, apply changes it in place.
            try range.write(Self.body(allowingDB: false))
            let removed = try range.rangectl("plan", "--detailed-exitcode")
            #expect(removed.status == 2 && removed.stdout.contains("~ vm firewall") && removed.stdout.contains("policy: -allow webserver -> db01 tcp/3306"),
                    "\(removed.stdout)\(removed.stderr)")
            try range.converge("a rule removed")
            #expect(try Self.identity(firewall) == id, "the firewall is not re-created for a policy change")
            if forwards {
                #expect(try !Self.connects(from: "\(r)-webserver", to: "10.200.106.5", 3306, listener: "\(r)-db01"), "the removed flow is blocked")
                // verify of the manifest as it was, with the rule, sees the flow now blocked and
                // names it; verify of the manifest as it is finds everything as declared.
                let before = range.path.deletingLastPathComponent().appendingPathComponent("with-the-rule.yaml")
                try ("version: 1\nname: \(r)\n" + Self.body()).write(to: before, atomically: true, encoding: .utf8)
                let stale = try run(rangectlBinary, ["verify", before.path])
                #expect(stale.status == 1 && stale.stdout.contains("webserver -> db01 10.200.106.5 tcp/3306 (expected pass, seen blocked)"),
                        "\(stale.stdout)\(stale.stderr)")
                let after = try range.rangectl("verify")
                #expect(after.status == 0 && !after.stdout.contains("tcp/3306"), "\(after.stdout)\(after.stderr)")
            }
            try range.write(Self.body())
            try range.converge("the rule back")

            // Flushed by hand inside the firewall: plan sees it, apply restores it.
            try LocalEngine.byHand("run", "--rm", "--network", "container:\(firewall)", "--cap-add", "NET_ADMIN", Self.helper, "iptables", "-F", "RANGECTL-FORWARD")
            #expect(try Self.forwardRules(firewall).isEmpty)
            let flushed = try range.rangectl("plan", "--detailed-exitcode")
            #expect(flushed.status == 2 && flushed.stdout.contains("policy changed inside the router since it was set"), "\(flushed.stdout)\(flushed.stderr)")
            if forwards {
                // Flushed, the denied samples pass: verify names each and exits 1.
                let open = try range.rangectl("verify")
                #expect(open.status == 1 && open.stdout.contains("(expected blocked, seen pass)"), "\(open.stdout)\(open.stderr)")
            }
            try range.converge("rules flushed by hand")
            #expect(try Self.forwardRules(firewall) == rules)
            #expect(try Self.identity(firewall) == id)
            if forwards {
                let again = try range.rangectl("verify")
                #expect(again.status == 0 && again.stdout.hasSuffix("as declared\n"), "\(again.stdout)\(again.stderr)")
            }

            // A restart loses the namespace's rules: plan sees it, apply restores them.
            try LocalEngine.byHand("restart", "-t", "1", firewall)
            let lost = try range.rangectl("plan", "--detailed-exitcode")
            #expect(lost.status == 2 && lost.stdout.contains("policy lost (the router restarted since it was set)"), "\(lost.stdout)\(lost.stderr)")
            try range.converge("the firewall restarted")
            #expect(try Self.forwardRules(firewall) == rules)
            if forwards { try Self.expectFlows(r, allowingDB: true, "after the restart") }

            // destroy leaves nothing of the range, its markers included.
            #expect(try range.rangectl("destroy", "--auto-approve").status == 0)
            #expect(try LocalEngine.labelled(r).containers.isEmpty && LocalEngine.labelled(r).networks.isEmpty)
        }
    }
}
