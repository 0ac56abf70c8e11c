import Foundation
import Testing
import TestSupport

/// The export and rangectl agree: every example's file, as the built binary writes it, holds
/// exactly the networks, names and addresses `plan --offline --json` shows.
struct PlanAgreementTests {
    static let examples: [String] = (try? exampleManifests()) ?? []

    /// With instances, each instance's file holds what `plan --instance NAME` shows.
    @Test(arguments: examples)
    func everyAddressIsThePlans(_ manifest: String) throws {
        let whole = try rangectl("plan", "--offline", "--json", manifest)
        let doc = try #require(try JSONSerialization.jsonObject(with: whole.stdoutBytes) as? [String: Any])
        let instances = (doc["instances"] as? [[String: Any]])?.map { $0["name"] as! String }
        for instance in instances ?? [] { try agree(manifest, ["--instance", instance]) }
        if instances == nil { try agree(manifest, []) }
    }

    func agree(_ manifest: String, _ selection: [String]) throws {
        let plan = try run(rangectlBinary, ["plan", "--offline", "--json"] + selection + [manifest])
        let doc = try #require(try JSONSerialization.jsonObject(with: plan.stdoutBytes) as? [String: Any])
        for target in ["v1", "v2"] {
            let exported = try run(rangectlBinary, ["export", "compose", "--target", target] + selection + [manifest])
            #expect(exported.status == 0, "\(exported.stderr)")
            let file = try #require(readWithLibyaml(exported.stdout))
            for n in try #require(doc["networks"] as? [[String: Any]]) {
                let network = try #require(file["networks"]?[n["name"] as! String])
                #expect(network["name"] == .string(n["docker_name"] as! String))
                // The engine's gateway: the bridge's own address, which a routed network moves to bridge_ip.
                let gateway = (n["bridge_ip"] as? String) ?? (n["gateway"] as! String)
                #expect(network["ipam"]?["config"] == .list([.map(["subnet": .string(n["subnet"] as! String), "gateway": .string(gateway)])]), "\(manifest) \(n)")
            }
            let vms = try #require(doc["vms"] as? [[String: Any]])
            #expect(file["services"]?.keys == Set(vms.map { $0["hostname"] as! String }))
            for vm in vms {
                let service = try #require(file["services"]?[vm["hostname"] as! String])
                #expect(service["container_name"] == .string(vm["docker_name"] as! String))
                for nic in try #require(vm["interfaces"] as? [[String: Any]]) {
                    #expect(service["networks"]?[nic["network"] as! String]?["ipv4_address"] == .string(nic["ip"] as! String), "\(manifest) \(vm["hostname"]!) \(target)")
                    if target == "v2" { #expect(service["networks"]?[nic["network"] as! String]?["interface_name"] == .string(nic["name"] as! String)) }
                }
                #expect(service["networks"]?.keys.count == (vm["interfaces"] as? [Any])?.count)
            }
        }
    }
}
