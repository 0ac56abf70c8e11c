import Foundation
import Testing
import TestSupport

/// rangectl against a real Docker engine: every NIC checked from inside its container.
extension EndToEnd {
    @Suite
    struct ApplyEndToEndTests {
        init() {
            #expect(LocalEngine.answers, "the engine should be running (scripts/engine-up.sh starts one)")
        }

        /// Networks `lan` and `dmz` listed in that order: engines below API 1.48 name NICs by network
        /// name, so `dmz` becomes eth0 there and would carry the default route, were it not for
        /// rangectl setting it through `lan` (the primary).
        static func body(web: String = "networks: [lan, dmz]", extraVM: String = "", image: String = "busybox:latest") -> String {
            """
            networks:
              - {name: lan, subnet: 10.200.11.0/24}
              - {name: dmz, subnet: 10.200.12.0/24}
              - {name: mgmt, subnet: 10.200.13.0/24}
            vms:
              - hostname: web
                image: \(image)
                \(web)
                command: [sleep, infinity]
              - hostname: db
                image: busybox:latest
                networks: [{network: lan, ip: 10.200.11.5}]
                command: [sleep, infinity]
            \(extraVM)
            """
        }

        @Test func applyPutsEveryAddressOnItsInterfaceAndReapplyIsANoOp() throws {
            let range = try TestRange("te2e-apply")
            defer { range.destroy() }
            try range.write(Self.body())
            try range.converge("first apply")

            let web = try LocalEngine.addresses(in: "te2e-apply-web")
            let manifestNames = LocalEngine.namesInManifestOrder
            // Manifest order on Docker from API 1.48 and on Podman; before, non-internal networks sorted by name (ENGINE.md).
            let expected = manifestNames ? ["eth0": "10.200.11.10/24", "eth1": "10.200.12.10/24"]
                                  : ["eth0": "10.200.12.10/24", "eth1": "10.200.11.10/24"]
            #expect(web == expected)
            // The default route goes through the primary (lan) on every engine: by GwPriority from
            // API 1.48, set by rangectl's route helper before (its NIC is eth1 there) and on Podman.
            let route = try LocalEngine.defaultRoute(in: "te2e-apply-web")
            #expect(route?.dev == (manifestNames ? "eth0" : "eth1"))
            #expect(route?.via == "10.200.11.1")
            #expect(try LocalEngine.addresses(in: "te2e-apply-db") == ["eth0": "10.200.11.5/24"])
            #expect(try LocalEngine.defaultRoute(in: "te2e-apply-db")?.via == "10.200.11.1")

            // status reads the real names from inside the VM.
            let status = try range.rangectl("status", "--json")
            #expect(status.status == 0)
            let doc = try #require(try JSONSerialization.jsonObject(with: status.stdoutBytes) as? [String: Any])
            let vms = try #require(doc["vms"] as? [[String: Any]])
            let nics = try #require(vms.first?["interfaces"] as? [[String: Any]])
            #expect(nics.map { $0["name"] as? String } == ["eth0", "eth1"])
            #expect(nics.map { $0["ip"] as? String } == (manifestNames ? ["10.200.11.10", "10.200.12.10"] : ["10.200.12.10", "10.200.11.10"]))
            #expect(nics.map { $0["default_route"] as? Bool } == (manifestNames ? [true, false] : [false, true]))
            #expect(nics.allSatisfy { ($0["predicted"] as? Bool) == false && ($0["mac"] as? String)?.count == 17 })

            // A second apply changes nothing and says so.
            let again = try range.rangectl("apply", "--auto-approve")
            #expect(again.status == 0)
            #expect(again.stdout.contains("No changes."))

            guard LocalEngine.apiVersion < (1, 48) else { return }
            // Where rangectl set the default route, a restart loses it: plan says so, apply puts it back in place.
            let id = try LocalEngine.docker("inspect", "-f", "{{.Id}}", "te2e-apply-web").stdout
            try LocalEngine.byHand("restart", "-t", "0", "te2e-apply-web")
            if !manifestNames { #expect(try LocalEngine.defaultRoute(in: "te2e-apply-web")?.via == "10.200.12.1") }   // Podman's varies
            let lost = try range.rangectl("plan", "--detailed-exitcode")
            #expect(lost.status == 2 && lost.stdout.contains("~ vm web") && lost.stdout.contains("routes lost"), "\(lost.stdout)")
            try range.converge("restoring the primary's default route")
            #expect(try LocalEngine.defaultRoute(in: "te2e-apply-web")?.via == "10.200.11.1")
            #expect(try LocalEngine.docker("inspect", "-f", "{{.Id}}", "te2e-apply-web").stdout == id)
        }

        @Test func addingANICChangingAnImageAndRemovingAVMEachConverge() throws {
            let range = try TestRange("te2e-change")
            defer {
                range.destroy()
                _ = try? LocalEngine.docker("rmi", "te2e-busybox:v2")
            }
            try range.write(Self.body(extraVM: "  - {hostname: extra, image: busybox:latest, networks: [mgmt], command: [sleep, infinity]}"))
            try range.converge("first apply")
            let dbID = try LocalEngine.docker("inspect", "-f", "{{.Id}}", "te2e-change-db").stdout

            // Add a NIC to web: a re-create; the new NIC is there inside, db is untouched.
            try range.write(Self.body(web: "networks: [lan, dmz, mgmt]", extraVM: "  - {hostname: extra, image: busybox:latest, networks: [mgmt], command: [sleep, infinity]}"))
            let plan = try range.rangectl("plan", "--detailed-exitcode")
            #expect(plan.status == 2)
            #expect(plan.stdout.contains("-/+ vm web") && plan.stdout.contains("eth2 mgmt 10.200.13.11 added"))
            try range.converge("adding a NIC")
            #expect(Set(try LocalEngine.addresses(in: "te2e-change-web").values) == ["10.200.11.10/24", "10.200.12.10/24", "10.200.13.11/24"])
            #expect(try LocalEngine.docker("inspect", "-f", "{{.Id}}", "te2e-change-db").stdout == dbID)

            // Change web's image: a re-create with the image as its cause.
            #expect(try LocalEngine.docker("tag", "busybox:latest", "te2e-busybox:v2").status == 0)
            try range.write(Self.body(web: "networks: [lan, dmz, mgmt]", extraVM: "  - {hostname: extra, image: busybox:latest, networks: [mgmt], command: [sleep, infinity]}", image: "te2e-busybox:v2"))
            #expect(try range.rangectl("plan").stdout.contains("image busybox:latest -> te2e-busybox:v2"))
            try range.converge("changing the image")
            // (Podman shows it qualified: docker.io/library/te2e-busybox:v2)
            #expect(try LocalEngine.docker("inspect", "-f", "{{.Config.Image}}", "te2e-change-web").stdout.contains("te2e-busybox:v2"))

            // Remove a VM: deleted, nothing else changes.
            try range.write(Self.body(web: "networks: [lan, dmz, mgmt]", image: "te2e-busybox:v2"))
            let removal = try range.rangectl("plan")
            #expect(removal.stdout.contains("- vm extra") && removal.stdout.contains("Plan: 0 to add, 0 to change, 0 to re-create, 1 to destroy."))
            try range.converge("removing a VM")
            // (and, where rangectl sets web's default route, its routes marker)
            #expect(try LocalEngine.vms("te2e-change") == ["te2e-change-db", "te2e-change-web"])
        }

        @Test func foreignObjectsAreRefusedAndLeftIntact() throws {
            let range = try TestRange("te2e-foreign")
            defer {
                range.destroy()
                _ = try? LocalEngine.docker("rm", "-f", "te2e-foreign-web")
                _ = try? LocalEngine.docker("network", "rm", "te2e-stranger")
            }
            let container = try LocalEngine.docker("create", "--name", "te2e-foreign-web", "busybox:latest", "sleep", "1")
            #expect(container.status == 0, "\(container.stderr)")
            let network = try LocalEngine.docker("network", "create", "--subnet", "10.200.20.0/24", "te2e-stranger")
            #expect(network.status == 0, "\(network.stderr)")
            try range.write("""
                networks:
                  - {name: lan, subnet: 10.200.20.0/25}
                vms:
                  - {hostname: web, image: busybox:latest, networks: [lan], command: [sleep, infinity]}
                """)
            let applied = try range.rangectl("apply", "--auto-approve")
            #expect(applied.status == 1)
            #expect(applied.stderr.contains("[name-conflict]") && applied.stderr.contains("te2e-foreign-web"))
            #expect(applied.stderr.contains("[subnet-conflict]") && applied.stderr.contains("te2e-stranger"))
            // Nothing was created, and the foreign objects are exactly as they were.
            #expect(try LocalEngine.labelled("te2e-foreign").containers.isEmpty)
            #expect(try LocalEngine.labelled("te2e-foreign").networks.isEmpty)
            #expect(try LocalEngine.docker("inspect", "-f", "{{.Id}}", "te2e-foreign-web").stdout == container.stdout)
            #expect(try LocalEngine.docker("network", "inspect", "-f", "{{.Id}}", "te2e-stranger").stdout == network.stdout)
            // destroy leaves them alone too.
            #expect(try range.rangectl("destroy", "--auto-approve").status == 0)
            #expect(try LocalEngine.docker("inspect", "te2e-foreign-web").status == 0)
        }

        @Test func destroyLeavesNoLabelledObject() throws {
            let range = try TestRange("te2e-destroy")
            defer { range.destroy() }
            try range.write("""
                networks:
                  - {name: a, subnet: 10.200.30.0/24}
                  - {name: b, subnet: 10.200.31.0/24}
                vms:
                  - {hostname: v1, image: busybox:latest, networks: [a, b], command: [sleep, infinity]}
                  - {hostname: v2, image: busybox:latest, networks: [b], command: [sleep, infinity]}
                """)
            try range.converge()
            #expect(try LocalEngine.vms("te2e-destroy").count == 2)
            let destroyed = try range.rangectl("destroy", "--auto-approve")
            #expect(destroyed.status == 0, "\(destroyed.stderr)")
            let left = try LocalEngine.labelled("te2e-destroy")
            #expect(left.containers.isEmpty && left.networks.isEmpty)
            #expect(try range.rangectl("destroy", "--auto-approve").status == 0)  // nothing left: still fine
        }

        @Test func staleSavedPlanIsRefusedAndAFreshOneApplies() throws {
            let range = try TestRange("te2e-stale")
            defer { range.destroy() }
            let planFile = FileManager.default.temporaryDirectory.appendingPathComponent("te2e-stale-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: planFile) }
            try range.write("""
                networks:
                  - {name: a, subnet: 10.200.40.0/24}
                vms:
                  - {hostname: v1, image: busybox:latest, networks: [a], command: [sleep, infinity]}
                """)
            try range.converge()
            try range.write("""
                networks:
                  - {name: a, subnet: 10.200.40.0/24}
                vms:
                  - {hostname: v1, image: busybox:latest, networks: [a], command: [sleep, infinity]}
                  - {hostname: v2, image: busybox:latest, networks: [a], command: [sleep, infinity]}
                """)
            #expect(try range.rangectl("plan", "--out", planFile.path).status == 0)
            // Someone stops v1 by hand: the saved plan no longer describes the engine.
            #expect(try LocalEngine.docker("kill", "te2e-stale-v1").status == 0)
            let stale = try run(rangectlBinary, ["apply", "--auto-approve", planFile.path])
            #expect(stale.status == 1)
            #expect(stale.stderr.contains("[stale-plan]"))
            #expect(try LocalEngine.labelled("te2e-stale").containers == ["te2e-stale-v1"])
            // A fresh saved plan applies, and the range converges.
            #expect(try range.rangectl("plan", "--out", planFile.path).status == 0)
            let fresh = try run(rangectlBinary, ["apply", "--auto-approve", planFile.path])
            #expect(fresh.status == 0, "\(fresh.stdout)\(fresh.stderr)")
            #expect(try range.rangectl("plan", "--detailed-exitcode").status == 0)
        }
    }
}

/// Secrets reach the VM and nothing else: not the output, not the labels.
extension EndToEnd {
    @Suite
    struct SecretsEndToEndTests {
        @Test func sensitiveEnvReachesTheVMButNeverOutputOrLabels() throws {
            let range = try TestRange("te2e-secret")
            defer { range.destroy() }
            try range.write("""
                networks: [{name: a, subnet: 10.200.45.0/24}]
                vms:
                  - {hostname: v, image: busybox:latest, networks: [a], command: [sleep, infinity], env: {DB_PASSWORD: hunter2, PORT: 8080}}
                """)
            let applied = try range.rangectl("apply", "--auto-approve")
            #expect(applied.status == 0)
            for output in [applied.stdout, applied.stderr, try range.rangectl("plan").stdout, try range.rangectl("status", "--json").stdout] {
                #expect(!output.contains("hunter2"))
            }
            let labels = try LocalEngine.docker("inspect", "-f", "{{json .Config.Labels}}", "te2e-secret-v").stdout
            #expect(!labels.contains("hunter2") && labels.contains("DB_PASSWORD"))
            let env = try LocalEngine.docker("exec", "te2e-secret-v", "sh", "-c", "echo $DB_PASSWORD").stdout
            #expect(env == "hunter2\n")
        }
    }
}
