import Manifest
import Plan
import RangeDiagnostics

/// Which swarm node each VM runs on: its `host:` when it names one, else rendezvous (highest
/// random weight) hashing of its hostname over the node names. Rendezvous hashing needs no state
/// and no order: the same names always give the same node, adding a VM moves none, and adding a
/// node moves only the VMs that now score highest on it (about 1 in N); removing one moves only
/// its own.
enum Placement {
    /// The node of every VM (nil for all when fewer than two nodes are given).
    static func place(_ raw: RawManifest, hosts: [String], into planner: inout Planner) -> [String?] {
        let nodes = Array(Set(hosts)).sorted()
        guard nodes.count >= 2 else {
            for vm in raw.vms {
                if let host = vm.host {
                    planner.warning(.hostIgnored, "host '\(Diagnostic.excerpt(host.value))' is ignored: pass two or more --engine NAME=URL to place VMs on a swarm's nodes", at: host.location)
                }
            }
            return raw.vms.map { _ in nil }
        }
        return raw.vms.map { vm in
            if let host = vm.host {
                guard nodes.contains(host.value) else {
                    planner.error(.unknownHost, "host '\(Diagnostic.excerpt(host.value))' of vm '\(vm.hostname?.value ?? "")' is not one of the engines given (\(nodes.joined(separator: ", ")))", at: host.location)
                    return nil
                }
                return host.value
            }
            return node(for: Planner.caseFolded(vm.hostname?.value ?? ""), over: nodes)
        }
    }

    /// The node with the highest score for this hostname; ties (never seen) by name.
    static func node(for hostname: String, over nodes: [String]) -> String {
        var best = nodes[0], bestScore = score(nodes[0], hostname)
        for n in nodes.dropFirst() {
            let s = score(n, hostname)
            if s > bestScore || (s == bestScore && n < best) { (best, bestScore) = (n, s) }
        }
        return best
    }

    /// FNV-1a over `node NUL hostname`, then SplitMix64's finaliser so that near names score far apart.
    static func score(_ node: String, _ hostname: String) -> UInt64 {
        var h = SpecEncoding.fnv1a(Array(node.utf8) + [0] + Array(hostname.utf8))
        h = (h ^ (h >> 30)) &* 0xbf58_476d_1ce4_e5b9
        h = (h ^ (h >> 27)) &* 0x94d0_49bb_1331_11eb
        return h ^ (h >> 31)
    }
}
