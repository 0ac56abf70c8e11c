import Foundation
import Testing
import TestSupport

/// `rangectl export compose` brought up by Debian's docker-compose 1.29 on the real engine: every
/// container holds every address the planner gave it, and `down` leaves nothing behind.
extension EndToEnd {
    @Suite(.enabled(if: LocalEngine.dockerCompose != nil, "docker-compose is not installed (scripts/setup.sh installs it)"))
    struct ComposeExportEndToEndTests {
        static let project = "te2e-compose"

        /// Three networks (one internal), a VM on all three, one on two with a static address
        /// first, one on one; an env value that Compose would interpolate were `$` not doubled.
        static let body = """
            networks:
              - {name: lan, subnet: 10.204.1.0/24}
              - {name: dmz, subnet: 10.204.2.0/24}
              - {name: vault, subnet: 10.204.3.0/24, internal: true}
            vms:
              - hostname: web
                image: busybox:latest
                cpu: 1
                ram_mb: 512
                networks: [lan, dmz, vault]
                env: {GREETING: "a: b $HOME #x"}
                command: [sleep, infinity]
              - hostname: db
                image: busybox:latest
                cpu: 1
                ram_mb: 512
                networks: [{network: vault, ip: 10.204.3.5}, lan]
                command: [sleep, infinity]
              - hostname: probe
                image: busybox:latest
                cpu: 1
                ram_mb: 512
                networks: [dmz]
                command: [sleep, infinity]
            """

        /// Every VM's addresses by network, as the planner assigns them (`plan --offline`).
        static let planned: [String: [(network: String, ip: String)]] = [
            "web": [("lan", "10.204.1.10"), ("dmz", "10.204.2.10"), ("vault", "10.204.3.10")],
            "db": [("vault", "10.204.3.5"), ("lan", "10.204.1.11")],
            "probe": [("dmz", "10.204.2.11")],
        ]

        init() {
            #expect(LocalEngine.answers, "the engine should be running (scripts/engine-up.sh starts one)")
        }

        func compose(_ file: URL, _ arguments: String...) throws -> RunResult {
            try run(LocalEngine.dockerCompose!, ["-p", Self.project, "-f", file.path] + arguments, directory: file.deletingLastPathComponent())
        }

        @Test func upPutsEveryPlannedAddressInItsContainerAndDownLeavesNothing() throws {
            let range = try TestRange(Self.project)
            try range.write(Self.body)
            let file = range.path.deletingLastPathComponent().appendingPathComponent("docker-compose.yml")
            defer {
                _ = try? compose(file, "down", "-t", "0")
                range.destroy()
            }

            let exported = try range.rangectl("export", "compose", "--out", file.path)
            #expect(exported.status == 0, "\(exported.stderr)")
            // web's and db's NIC order is what Compose 1.29 cannot give: warned, not an error.
            #expect(exported.stderr.contains("warning: web: on Docker before 28") && exported.stderr.contains("[export-dropped]"), "\(exported.stderr)")
            // The addresses are the plan's.
            let plan = try range.rangectl("plan", "--offline")
            #expect(plan.stdout.contains("eth0 lan 10.204.1.10 (primary)   eth1 dmz 10.204.2.10   eth2 vault 10.204.3.10"), "\(plan.stdout)")

            let up = try compose(file, "up", "-d")
            #expect(up.status == 0, "docker-compose up: \(up.stderr)")

            // Docker before 28 orders NICs by network name (non-internal first) whoever connects
            // them; elsewhere (Docker 28 without the names Compose 1.29 cannot send, Podman) only
            // the addresses are compared.
            let sortedByName = LocalEngine.apiVersion < (1, 48) && LocalEngine.engine != "podman"
            for (vm, nics) in Self.planned {
                let container = "\(Self.project)-\(vm)"
                let held = try LocalEngine.addresses(in: container)
                #expect(Set(held.values) == Set(nics.map { "\($0.ip)/24" }), "\(container): \(held)")
                if sortedByName {
                    let order = nics.sorted { a, b in
                        let (ia, ib) = (a.network == "vault", b.network == "vault")
                        return ia != ib ? !ia : a.network < b.network
                    }
                    var expected: [String: String] = [:]
                    for (k, nic) in order.enumerated() { expected["eth\(k)"] = "\(nic.ip)/24" }
                    #expect(held == expected, "\(container)")
                }
                // The kernel's name for the container (Podman writes /etc/hostname without a line end).
                let hostname = try LocalEngine.docker("exec", container, "cat", "/proc/sys/kernel/hostname").stdout
                #expect(hostname.trimmingCharacters(in: .whitespacesAndNewlines) == vm, "\(container): \(hostname)")
            }
            // Compose read `$$` as `$`, and left `#` and `:` alone.
            #expect(try LocalEngine.docker("exec", "\(Self.project)-web", "sh", "-c", "echo \"$GREETING\"").stdout == "a: b $HOME #x\n")
            // The networks carry the range's names and subnets; the internal one is the engine's internal.
            let vault = try LocalEngine.docker("network", "inspect", "-f", "{{.Internal}} {{range .IPAM.Config}}{{.Subnet}}{{end}}", "\(Self.project)-vault")
            #expect(vault.stdout == "true 10.204.3.0/24\n", "\(vault.stdout)\(vault.stderr)")

            // The objects are Compose's, not the range's: rangectl owns nothing of them and destroy leaves them.
            let owned = try LocalEngine.labelled(Self.project)
            #expect(owned.containers.isEmpty && owned.networks.isEmpty, "\(owned)")
            let live = try range.rangectl("plan")
            #expect(live.status == 1 && live.stderr.contains("[name-conflict]"), "\(live.stdout)\(live.stderr)")
            #expect(try range.rangectl("destroy", "--auto-approve").status == 0)
            #expect(try LocalEngine.docker("inspect", "-f", "{{.State.Running}}", "\(Self.project)-web").stdout == "true\n")

            let down = try compose(file, "down", "-t", "0")
            #expect(down.status == 0, "docker-compose down: \(down.stderr)")
            let containers = try LocalEngine.docker("ps", "-a", "--filter", "label=com.docker.compose.project=\(Self.project)", "--format", "{{.Names}}")
            let networks = try LocalEngine.docker("network", "ls", "--filter", "label=com.docker.compose.project=\(Self.project)", "--format", "{{.Name}}")
            #expect(containers.status == 0 && containers.stdout.isEmpty, "\(containers.stdout)")
            #expect(networks.status == 0 && networks.stdout.isEmpty, "\(networks.stdout)")
            for name in ["lan", "dmz", "vault"] {
                #expect(try LocalEngine.docker("network", "inspect", "\(Self.project)-\(name)").status != 0, "\(name) is left")
            }
            for vm in Self.planned.keys {
                #expect(try LocalEngine.docker("inspect", "\(Self.project)-\(vm)").status != 0, "\(vm) is left")
            }
        }
    }
}

extension LocalEngine {
    /// Debian's docker-compose (1.29), when installed.
    static let dockerCompose: URL? = ["/usr/bin/docker-compose", "/usr/local/bin/docker-compose"]
        .map(URL.init(fileURLWithPath:)).first { FileManager.default.isExecutableFile(atPath: $0.path) }
}
