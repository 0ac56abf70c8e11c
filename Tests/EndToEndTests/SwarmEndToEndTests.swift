import Foundation
import Testing
import TestSupport

/// One range over the nodes of a real swarm (scripts/swarm-up.sh: three dockerds in network
/// namespaces, RANGECTL_ENGINES naming them). Runs only when RANGECTL_ENGINES names two or more
/// engines (the swarm stage of .ci/run sets it); checks from inside the containers on each node.
@Suite(.serialized, .enabled(if: SwarmNodes.given.count >= 2, "RANGECTL_ENGINES names no swarm (scripts/swarm-up.sh starts one)"))
struct SwarmEndToEndTests {
    /// Three overlays (one routed through a firewall VM pinned to n1, one internal) and nine VMs,
    /// most with two NICs, spread over the nodes by placement.
    static let body = """
        networks:
          - {name: dmz, subnet: 10.201.1.0/24, router: fw}
          - {name: lan, subnet: 10.201.2.0/24, router: fw}
          - {name: ops, subnet: 10.201.3.0/24, internal: true}
        vms:
          - {hostname: fw, image: busybox:latest, host: n1, sysctls: {net.ipv4.ip_forward: "1"}, networks: [dmz, lan], command: [sleep, infinity]}
        """ + (1...4).map { "\n  - {hostname: w\($0), image: busybox:latest, networks: [dmz, ops], command: [sleep, infinity]}" }.joined()
        + (1...4).map { "\n  - {hostname: l\($0), image: busybox:latest, networks: [lan, ops], command: [sleep, infinity]}" }.joined()

    /// The VMs of a live range as `status --json` reports them: host, and each NIC's name and address.
    struct LiveVM {
        var name: String
        var host: String
        var nics: [(name: String, network: String, ip: String)]
    }

    static func status(_ range: TestRange) throws -> [String: LiveVM] {
        let r = try range.rangectl("status", "--json")
        #expect(r.status == 0, "status: \(r.stdout)\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any])
        var out: [String: LiveVM] = [:]
        for vm in doc["vms"] as? [[String: Any]] ?? [] {
            let nics = (vm["interfaces"] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "", $0["network"] as? String ?? "", $0["ip"] as? String ?? "") }
            let hostname = vm["hostname"] as? String ?? ""
            out[hostname] = LiveVM(name: vm["docker_name"] as? String ?? "", host: vm["host"] as? String ?? "", nics: nics)
        }
        return out
    }

    @Test func aRangeSpansTheSwarmsNodes() throws {
        let range = try TestRange("tsw-range")
        defer {
            range.destroy()
            #expect(SwarmNodes.labelledSettled(range.name).isEmpty, "left on the nodes: \(SwarmNodes.labelled(range.name))")
        }
        try range.write(Self.body)
        let plan = try range.rangectl("plan")
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("on n1"), "the plan names each VM's node: \(plan.stdout)")
        try range.converge("the range over the swarm")

        let vms = try Self.status(range)
        #expect(vms.count == 9)
        #expect(vms["fw"]?.host == "n1")
        let hosts = Set(vms.values.map(\.host))
        #expect(hosts.count >= 2, "placement should spread 9 VMs over 3 nodes: \(vms.mapValues(\.host))")

        // Every NIC holds its planned address, on the node status names, seen from inside.
        for (hostname, vm) in vms.sorted(by: { $0.key < $1.key }) {
            let inside = try SwarmNodes.addresses(in: vm.name, on: vm.host)
            for nic in vm.nics {
                #expect(inside.values.contains("\(nic.ip)/24"), "\(hostname) on \(vm.host): \(nic.network) \(nic.ip) not among \(inside)")
            }
            // The default route goes through the primary network's gateway, not docker_gwbridge.
            let route = try SwarmNodes.docker(vm.host, "exec", vm.name, "ip", "route", "show", "default").stdout
            let expected = hostname == "fw" ? "default via 10.201.1.254" : hostname.hasPrefix("w") ? "default via 10.201.1.1" : "default via 10.201.2.1"
            #expect(route.hasPrefix(expected), "\(hostname): \(route)")
        }

        // Across nodes on one overlay, and between segments through the firewall.
        let w = try #require(vms.filter { $0.key.hasPrefix("w") }.sorted { $0.key < $1.key }.first)
        let l = try #require(vms.filter { $0.key.hasPrefix("l") && $0.value.host != w.value.host }.sorted { $0.key < $1.key }.first,
                             "some l VM runs on another node than \(w.key)")
        let lOps = try #require(l.value.nics.first { $0.network == "ops" }?.ip)
        let lLan = try #require(l.value.nics.first { $0.network == "lan" }?.ip)
        #expect(try SwarmNodes.ping(from: w.value.name, on: w.value.host, to: lOps), "\(w.key)@\(w.value.host) -> \(l.key)@\(l.value.host) on ops")
        #expect(try SwarmNodes.ping(from: w.value.name, on: w.value.host, to: lLan), "\(w.key) (dmz) -> \(l.key) (lan) through fw")

        // Drift on one node: a container removed there by hand is seen and re-created.
        let victim = try #require(vms["l1"])
        #expect(try SwarmNodes.docker(victim.host, "rm", "-f", victim.name).status == 0)
        let drift = try range.rangectl("plan", "--detailed-exitcode")
        #expect(drift.status == 2, "\(drift.stdout)")
        try range.converge("after l1 was removed on \(victim.host)")
        #expect(try Self.status(range)["l1"]?.host == victim.host)
    }

    @Test func savedPlansPinsStatusAndAnInterruptedApplyWorkAcrossTheNodes() throws {
        let range = try TestRange("tsw-flow")
        defer {
            range.destroy()
            #expect(SwarmNodes.labelledSettled(range.name).isEmpty, "left on the nodes: \(SwarmNodes.labelled(range.name))")
        }
        let vms = (1...6).map { "\n  - {hostname: h\($0), image: busybox:latest, networks: [a, b], command: [sleep, infinity]}" }.joined()
        let networks = """
            networks:
              - {name: a, subnet: 10.201.5.0/24}
              - {name: b, subnet: 10.201.6.0/24}
            vms:
            """
        try range.write(networks + vms)

        // Interrupted part-way (SIGINT after the first VM), then converged by the next apply.
        let first = try Spawned(rangectlBinary, ["apply", "--auto-approve", "--parallelism", "2", range.path.path])
        #expect(first.waitFor("created vm"), "no progress line")
        kill(first.pid, SIGINT)
        let end = first.finish()
        #expect(!end.signalled && end.status == 1, "exit \(end.status): \(first.stdout)")
        #expect(first.stdout.contains("Apply interrupted after"), "\(first.stdout)")
        try range.converge("after the interrupted apply")

        // Status in text names each VM's node, as the JSON does.
        let before = try Self.status(range)
        let text = try range.rangectl("status")
        #expect(text.status == 0, "\(text.stderr)")
        for (hostname, vm) in before {
            #expect(text.stdout.split(separator: "\n").contains { $0.contains(hostname) && $0.hasSuffix("on \(vm.host)") },
                    "status text names \(hostname)'s node \(vm.host): \(text.stdout)")
        }

        // Pins: a VM inserted at the top takes a free address; no running VM's address moves.
        try range.write(networks + "\n  - {hostname: h0, image: busybox:latest, networks: [a, b], command: [sleep, infinity]}" + vms)
        let saved = range.path.deletingLastPathComponent().appendingPathComponent("plan.json")
        let planned = try range.rangectl("plan", "--out", saved.path)
        #expect(planned.status == 0, "\(planned.stdout)\(planned.stderr)")
        #expect(planned.stdout.contains("+ vm h0") && planned.stdout.contains("Plan: 1 to add, 0 to change, 0 to re-create, 0 to destroy."), "\(planned.stdout)")
        let applied = try run(rangectlBinary, ["apply", "--auto-approve", saved.path])
        #expect(applied.status == 0, "apply of the saved plan: \(applied.stdout)\(applied.stderr)")
        let after = try Self.status(range)
        for (hostname, vm) in before {
            #expect(after[hostname]?.nics.map(\.ip) == vm.nics.map(\.ip) && after[hostname]?.host == vm.host, "\(hostname) moved")
        }
        #expect(try range.rangectl("plan", "--detailed-exitcode").status == 0)

        // A saved plan goes stale when a node's containers change after it was made.
        let stalePath = range.path.deletingLastPathComponent().appendingPathComponent("stale.json")
        try range.write(networks + vms)   // h0 to be destroyed
        #expect(try range.rangectl("plan", "--out", stalePath.path).status == 0)
        let victim = try #require(after["h3"])
        #expect(try SwarmNodes.docker(victim.host, "stop", "-t", "0", victim.name).status == 0)
        let refused = try run(rangectlBinary, ["apply", "--auto-approve", stalePath.path])
        #expect(refused.status == 1 && refused.stderr.contains("[stale-plan]"), "\(refused.stdout)\(refused.stderr)")
        try range.converge("after h3 was stopped on \(victim.host) and h0 removed from the manifest")
        #expect(try Self.status(range).count == 6)
    }

    @Test func aNodeThatDoesNotAnswerIsNamedAndNothingChanges() throws {
        let range = try TestRange("tsw-down")
        defer { range.destroy() }
        try range.write("""
            networks:
              - {name: a, subnet: 10.201.9.0/24}
            vms:
              - {hostname: v1, image: busybox:latest, networks: [a], command: [sleep, infinity]}
            """)
        let node = "n3"
        try SwarmNodes.node("stop", node)
        defer { try? SwarmNodes.node("start", node) }
        let applied = try range.rangectl("apply", "--auto-approve")
        #expect(applied.status == 1)
        #expect(applied.stderr.contains("engine '\(node)'") && applied.stderr.contains("[engine-unreachable]"), "\(applied.stderr)")
        #expect(SwarmNodes.labelled(range.name).isEmpty, "nothing may change before every node answered")
    }

    @Test func enginesOfNoOneSwarmAreRefused() throws {
        let range = try TestRange("tsw-mismatch")
        defer { range.destroy() }
        try range.write("""
            networks:
              - {name: a, subnet: 10.201.8.0/24}
            vms:
              - {hostname: v1, image: busybox:latest, networks: [a], command: [sleep, infinity]}
            """)
        // Only workers: none of them can create the range's overlays.
        let workers = SwarmNodes.given.filter { $0.name != "n1" }.map { "--engine=\($0.name)=\($0.url)" }
        let r = try run(rangectlBinary, ["plan"] + workers + [range.path.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("[cluster-mismatch]") && r.stderr.contains("none of the engines given is a manager"), "\(r.stderr)")
    }
}

/// The swarm's nodes as RANGECTL_ENGINES names them, through the docker CLI on each node's socket.
enum SwarmNodes {
    static let given: [(name: String, url: String)] = (ProcessInfo.processInfo.environment["RANGECTL_ENGINES"] ?? "")
        .split(separator: ",").compactMap { entry -> (name: String, url: String)? in
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }

    @discardableResult
    static func docker(_ node: String, _ arguments: String...) throws -> RunResult {
        let url = given.first { $0.name == node }?.url ?? ""
        return try run(URL(fileURLWithPath: "/usr/bin/timeout"), ["30", "docker", "-H", url] + arguments)
    }

    static func addresses(in container: String, on node: String) throws -> [String: String] {
        let r = try docker(node, "exec", container, "ip", "-o", "-4", "addr", "show")
        #expect(r.status == 0, "ip addr in \(container) on \(node): \(r.stderr)")
        return LocalEngine.addresses(ipAddrOutput: r.stdout)
    }

    static func ping(from container: String, on node: String, to ip: String) throws -> Bool {
        try docker(node, "exec", container, "ping", "-c", "1", "-W", "2", "-w", "3", ip).status == 0
    }

    /// Labelled objects of a range on every node: "node: name" each.
    static func labelled(_ range: String) -> [String] {
        given.flatMap { node -> [String] in
            let c = (try? docker(node.name, "ps", "-a", "--filter", "label=io.rangectl.range=\(range)", "--format", "{{.Names}}").stdout) ?? ""
            let n = (try? docker(node.name, "network", "ls", "--filter", "label=io.rangectl.range=\(range)", "--format", "{{.Name}}").stdout) ?? ""
            return (c + n).split(separator: "\n").map { "\(node.name): \($0)" }
        }
    }

    /// The same once the workers had a moment: a worker lists an overlay for up to about a second
    /// after the manager removed it (measured on 28.5), so its list is read again for up to 10 s.
    static func labelledSettled(_ range: String) -> [String] {
        for _ in 0..<20 {
            let left = labelled(range)
            if left.isEmpty { return [] }
            usleep(500_000)
        }
        return labelled(range)
    }

    /// Stops or starts one node's dockerd through the project's script (by its pid).
    static func node(_ action: String, _ node: String) throws {
        let r = try run(URL(fileURLWithPath: "/bin/bash"), [packageRoot.appendingPathComponent("scripts/swarm-node.sh").path, action, node])
        #expect(r.status == 0, "swarm-node.sh \(action) \(node): \(r.stderr)")
    }
}
