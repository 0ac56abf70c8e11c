import Foundation
import Testing
import TestSupport

/// The seed lab through Podman's Docker-compatible API (`podman system service`), checked from
/// inside the containers. .ci/run runs this suite on Podman; on a Docker engine it runs too (the
/// same lab must work there).
extension EndToEnd {
    @Suite
    struct PodmanEndToEndTests {
        /// manifests/seed-lab.yaml on test subnets.
        static let body = """
            networks:
              - {name: internal, subnet: 10.200.100.0/24}
              - {name: dmz, subnet: 10.200.101.0/24}
            vms:
              - {hostname: web01, image: busybox:latest, cpu: 1, ram_mb: 512, networks: [internal, dmz], command: [sleep, infinity]}
              - {hostname: db01, image: busybox:latest, cpu: 1, ram_mb: 512, networks: [internal], command: [sleep, infinity]}
            """

        @Test func theSeedLabAppliesWithEveryAddressAndTheDefaultRouteThroughThePrimary() throws {
            let range = try TestRange("te2e-seed")
            defer { range.destroy() }
            try range.write(Self.body)
            let planned = try range.rangectl("plan")
            #expect(planned.status == 0, "\(planned.stdout)\(planned.stderr)")
            try range.converge("the seed lab")

            #expect(Set(try LocalEngine.addresses(in: "te2e-seed-web01").values) == ["10.200.100.10/24", "10.200.101.10/24"])
            #expect(Set(try LocalEngine.addresses(in: "te2e-seed-db01").values) == ["10.200.100.11/24"])
            #expect(try LocalEngine.defaultRoute(in: "te2e-seed-web01")?.via == "10.200.100.1")
            #expect(try LocalEngine.defaultRoute(in: "te2e-seed-db01")?.via == "10.200.100.1")

            // status names each NIC as it is inside the VM, and marks the default route's.
            let status = try range.rangectl("status", "--json")
            #expect(status.status == 0, "\(status.stderr)")
            let doc = try #require(try JSONSerialization.jsonObject(with: status.stdoutBytes) as? [String: Any])
            let vms = try #require(doc["vms"] as? [[String: Any]])
            let web = try #require(vms.first { $0["hostname"] as? String == "web01" }?["interfaces"] as? [[String: Any]])
            let inside = try LocalEngine.addresses(in: "te2e-seed-web01")
            for nic in web {
                let name = try #require(nic["name"] as? String)
                #expect(inside[name]?.hasPrefix("\(nic["ip"] as? String ?? "?")/") == true, "\(nic)")
                #expect((nic["predicted"] as? Bool) == false)
                #expect((nic["default_route"] as? Bool) == (nic["network"] as? String == "internal"), "\(nic)")
            }

            let again = try range.rangectl("apply", "--auto-approve")
            #expect(again.status == 0 && again.stdout.contains("No changes."), "\(again.stdout)")
            let destroyed = try range.rangectl("destroy", "--auto-approve")
            #expect(destroyed.status == 0, "\(destroyed.stdout)\(destroyed.stderr)")
            let left = try LocalEngine.labelled("te2e-seed")
            #expect(left.containers.isEmpty && left.networks.isEmpty, "\(left)")
        }
    }
}
