import Foundation
import Testing
import TestSupport

/// Two instances of a routed range on one real engine: each copy's traffic passes through its own
/// firewall, never into the other copy; `destroy --instance bob` leaves alice exactly as she was.
/// Traffic stays between the test's own containers.
extension EndToEnd {
    @Suite
    struct InstancesEndToEndTests {
        init() {
            #expect(LocalEngine.answers, "the engine should be running (scripts/engine-up.sh starts one)")
        }

        /// The segmented range written in 10.200.88.0/22 (its span), copied into 10.200.96.0/20:
        /// alice in 10.200.96.0/22, bob in 10.200.100.0/22.
        static func body(_ names: String) -> String {
            """
            instances: {names: [\(names)], address_space: 10.200.96.0/20}
            networks:
              - {name: internet, subnet: 10.200.88.0/24, router: firewall}
              - {name: dmz, subnet: 10.200.89.0/24, router: firewall, internal: true}
              - {name: internal, subnet: 10.200.90.0/24, router: firewall, internal: true}
            vms:
              - {hostname: firewall, image: busybox:latest, sysctls: {net.ipv4.ip_forward: "1"}, networks: [internet, dmz, internal], command: [sleep, infinity]}
              - {hostname: attacker, image: busybox:latest, networks: [internet], command: [sleep, infinity]}
              - {hostname: web01, image: busybox:latest, networks: [dmz], command: [sleep, infinity]}
              - {hostname: dc01, image: busybox:latest, networks: [{network: internal, ip: 10.200.90.5}], command: [sleep, infinity]}
            """
        }

        /// Each object of one instance as `name id started-at` (networks: `name id`), sorted.
        static func objects(_ range: String, _ instance: String) throws -> [String] {
            let filter = ["--filter", "label=io.rangectl.range=\(range)", "--filter", "label=io.rangectl.instance=\(instance)"]
            let ids = try LocalEngine.docker(["ps", "-aq"] + filter).stdout.split(separator: "\n").map(String.init)
            let containers = ids.isEmpty ? [] : try LocalEngine.docker(["inspect", "-f", "{{.Name}} {{.Id}} {{.State.StartedAt}}"] + ids)
                .stdout.split(separator: "\n").map(String.init)
            let networks = try LocalEngine.docker(["network", "ls", "--format", "{{.Name}} {{.ID}}"] + filter).stdout.split(separator: "\n").map(String.init)
            return (containers + networks).sorted()
        }

        @Test func twoInstancesAreIsolatedCopiesAndOneIsDestroyedAlone() throws {
            let range = try TestRange("te2e-class")
            defer { range.destroy() }
            try range.write(Self.body("alice, bob"))

            // Offline, every network and VM of the plan says whose it is.
            let offline = try range.rangectl("plan", "--offline", "--json")
            let doc = try #require(try JSONSerialization.jsonObject(with: offline.stdoutBytes) as? [String: Any])
            let networks = try #require(doc["networks"] as? [[String: Any]]), vms = try #require(doc["vms"] as? [[String: Any]])
            #expect(networks.count == 6 && vms.count == 8)
            #expect(networks.allSatisfy { ["alice", "bob"].contains($0["instance"] as? String ?? "") })
            #expect(vms.allSatisfy { ["alice", "bob"].contains($0["instance"] as? String ?? "") })

            try range.converge("two instances")
            let (containers, nets) = try LocalEngine.labelled("te2e-class")
            #expect(nets == ["te2e-class-alice-dmz", "te2e-class-alice-internal", "te2e-class-alice-internet",
                             "te2e-class-bob-dmz", "te2e-class-bob-internal", "te2e-class-bob-internet"])
            #expect(containers.filter { !$0.hasSuffix(".routes") }.count == 8)

            // Each copy at its offsets: its firewall holds its three gateways, dc01 its static .5.
            #expect(Set(try LocalEngine.addresses(in: "te2e-class-alice-firewall").values) == ["10.200.96.1/24", "10.200.97.1/24", "10.200.98.1/24"])
            #expect(Set(try LocalEngine.addresses(in: "te2e-class-bob-firewall").values) == ["10.200.100.1/24", "10.200.101.1/24", "10.200.102.1/24"])
            #expect(Set(try LocalEngine.addresses(in: "te2e-class-bob-dc01").values) == ["10.200.102.5/24"])
            #expect(try LocalEngine.defaultRoute(in: "te2e-class-alice-web01")?.via == "10.200.97.1")
            #expect(try LocalEngine.defaultRoute(in: "te2e-class-bob-dc01")?.via == "10.200.102.1")
            // status names each VM with its instance.
            let status = try range.rangectl("status")
            #expect(status.status == 0 && status.stdout.contains("alice/dc01") && status.stdout.contains("bob/dc01"), "\(status.stdout)\(status.stderr)")

            if LocalEngine.engine != "podman" {
                // Inside each instance dmz -> internal passes, through its own firewall only.
                #expect(try RoutedEndToEndTests.ping(from: "te2e-class-alice-web01", to: "10.200.98.5"))
                #expect(try RoutedEndToEndTests.ping(from: "te2e-class-bob-web01", to: "10.200.102.5"))
                // From one instance to the other's addresses nothing passes.
                #expect(try !RoutedEndToEndTests.ping(from: "te2e-class-alice-web01", to: "10.200.102.5"))
                #expect(try !RoutedEndToEndTests.ping(from: "te2e-class-alice-attacker", to: "10.200.100.10"))
                #expect(try !RoutedEndToEndTests.ping(from: "te2e-class-bob-attacker", to: "10.200.96.1"))
                // alice's firewall down: alice's segments are cut, bob's still pass.
                #expect(try LocalEngine.docker("kill", "te2e-class-alice-firewall").status == 0)
                #expect(try !RoutedEndToEndTests.ping(from: "te2e-class-alice-web01", to: "10.200.98.5"))
                #expect(try RoutedEndToEndTests.ping(from: "te2e-class-bob-web01", to: "10.200.102.5"))
                // apply --instance alice brings her firewall back and touches nothing of bob's.
                let bob = try Self.objects("te2e-class", "bob")
                let repaired = try range.rangectl("apply", "--instance", "alice", "--auto-approve")
                #expect(repaired.status == 0, "\(repaired.stdout)\(repaired.stderr)")
                #expect(!repaired.stdout.contains("bob"), "\(repaired.stdout)")
                #expect(try Self.objects("te2e-class", "bob") == bob)
                #expect(try RoutedEndToEndTests.ping(from: "te2e-class-alice-web01", to: "10.200.98.5"))
            }

            // destroy --instance bob: bob's objects are gone, alice's are exactly as they were.
            let alice = try Self.objects("te2e-class", "alice")
            let destroyed = try range.rangectl("destroy", "--instance", "bob", "--auto-approve")
            #expect(destroyed.status == 0, "\(destroyed.stdout)\(destroyed.stderr)")
            #expect(try Self.objects("te2e-class", "bob").isEmpty)
            #expect(try Self.objects("te2e-class", "alice") == alice)
            // alice re-planned is a no-op; the whole range plans bob again, and only bob.
            #expect(try range.rangectl("plan", "--instance", "alice", "--detailed-exitcode").status == 0)
            let whole = try range.rangectl("plan", "--json")
            let plan = try #require(try JSONSerialization.jsonObject(with: whole.stdoutBytes) as? [String: Any])
            let changes = try #require(plan["changes"] as? [[String: Any]])
            #expect(changes.count == 7 && changes.allSatisfy { $0["instance"] as? String == "bob" && $0["action"] as? String == "create" })
            // An instance the manifest does not have is refused before the engine is touched.
            let unknown = try range.rangectl("apply", "--instance", "carol", "--auto-approve")
            #expect(unknown.status == 1 && unknown.stderr.contains("[unknown-instance]"), "\(unknown.stderr)")
            #expect(try Self.objects("te2e-class", "alice") == alice)
        }
    }
}
