import Plan

/// A range's `policy:` compiled for one router VM as `iptables-restore --noflush` text. Pure: the
/// same range gives the same bytes, lines in manifest order, written the way `iptables-save`
/// prints them (so that a live ruleset can be compared line by line later).
///
/// The text declares rangectl's own chains, `RANGECTL-FORWARD` (filter), `RANGECTL-PREROUTING` and
/// `RANGECTL-POSTROUTING` (nat), and refills them. With `--noflush`, declaring a user chain (`:NAME - [0:0]`) creates it
/// or flushes it, and the built-in chains keep the image's own rules; the whole text is one
/// transaction, so a router holds the old policy or the new one, never half of either. The jumps
/// from FORWARD and PREROUTING are not in the text: every line of a restore adds or deletes one
/// rule whatever is there (`-D` of a missing rule fails the whole restore, and restore has no
/// "if absent"), so no text can leave exactly one jump both on a first apply and on a re-apply.
/// They are `hooks`, each ensured by a check-then-insert run after the restore, as kube-proxy does.
public enum PolicyCompiler {
    public static let forwardChain = "RANGECTL-FORWARD"
    public static let preroutingChain = "RANGECTL-PREROUTING"
    public static let postroutingChain = "RANGECTL-POSTROUTING"

    /// The jumps into rangectl's chains, in the order they are ensured (after the restore).
    public static let hooks = [
        PolicyHook(table: "filter", chain: "FORWARD", target: forwardChain),
        PolicyHook(table: "nat", chain: "PREROUTING", target: preroutingChain),
        PolicyHook(table: "nat", chain: "POSTROUTING", target: postroutingChain),
    ]

    /// The router VMs of the range (VMs named in some network's `router:`), in manifest order.
    public static func routers(in range: DesiredRange) -> [String] {
        let named = range.networks.compactMap { $0.router?.lowercased() }
        return range.vms.map(\.hostname).filter { named.contains($0.lowercased()) }
    }

    /// The restore text for router `routerHostname` (the first VM of that name: with instances,
    /// give the VM itself).
    public static func rules(for routerHostname: String, in range: DesiredRange) -> String {
        guard let router = range.vms.first(where: { $0.hostname.lowercased() == routerHostname.lowercased() }) else {
            return text(range, router: routerHostname, segments: [], nat: [])
        }
        return rules(for: router, in: range)
    }

    /// The restore text for one router VM. Without a policy the chains are declared empty, so
    /// that removing `policy:` from a manifest also removes its rules from the routers. With
    /// instances, a router's segments and NAT entries are its own instance's; the rules of every
    /// instance are in the policy, and only those that cross this router's segments are written.
    public static func rules(for router: DesiredVM, in range: DesiredRange) -> String {
        let segments: [IPv4Subnet] = router.interfaces.compactMap { nic in
            range.networks.first { $0.name == nic.network && $0.instance == router.instance }?.subnet
        }
        let nat = range.policy?.nat.filter { $0.router.lowercased() == router.hostname.lowercased() && $0.instance == router.instance } ?? []
        return text(range, router: EngineNames.key(router.hostname, instance: router.instance), segments: segments, nat: nat)
    }

    static func text(_ range: DesiredRange, router hostname: String, segments: [IPv4Subnet], nat natEntries: [NATEntry]) -> String {
        var filter: [String] = []
        var nat: [String] = []
        var masquerade: [String] = []
        if let policy = range.policy {
            filter.append("-A \(forwardChain) -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT")
            for rule in policy.rules {
                var lines: [String] = []
                for s in rule.sources {
                    for d in rule.destinations where DesiredPolicy.crosses(from: s, to: d, segments: segments) {
                        lines += rule.ports.map { "-A \(forwardChain) -s \(s) -d \(d)\(match($0)) -j ACCEPT" }
                    }
                }
                if !lines.isEmpty { filter += ["# allow \(rule.text)"] + lines }
            }
            for entry in natEntries {
                let proto = "-p \(entry.proto.rawValue) -m \(entry.proto.rawValue)"
                filter += ["# nat \(entry.text)",
                           "-A \(forwardChain) -d \(entry.targetAddress)/32 \(proto) --dport \(entry.targetPort) -m conntrack --ctstate DNAT -j ACCEPT"]
                nat += ["# nat \(entry.text)",
                        "-A \(preroutingChain) -d \(entry.address)/32 \(proto) --dport \(entry.port) -j DNAT --to-destination \(entry.targetAddress):\(entry.targetPort)"]
                // The target sees the router as the source, so its replies come back to the router by
                // themselves: Docker's bridges (br_netfilter) drop the replies of a forwarded DNAT flow
                // whose first packet the host's conntrack did not see on that bridge (measured on 28.5).
                masquerade += ["# nat \(entry.text): replies through the router",
                               "-A \(postroutingChain) -d \(entry.targetAddress)/32 \(proto) --dport \(entry.targetPort) -m conntrack --ctstate DNAT -j MASQUERADE"]
            }
            let verdict = policy.defaultAction == .deny ? "DROP" : "ACCEPT"
            var pairs: [String] = []
            for a in segments {
                for b in segments where b != a { pairs.append("-A \(forwardChain) -s \(a) -d \(b) -j \(verdict)") }
            }
            if !pairs.isEmpty {
                filter += ["# default \(policy.defaultAction.rawValue): traffic between the router's segments that no rule allows"] + pairs
            }
        } else {
            filter.append("# no policy: the router forwards everything")
        }
        var out = "# rangectl policy of range \(range.name) on router \(hostname): iptables-restore --noflush\n"
        out += "# Replaces rangectl's chains only; FORWARD, PREROUTING and POSTROUTING jump to them (ensured apart, once).\n"
        out += "*filter\n:\(forwardChain) - [0:0]\n" + filter.map { $0 + "\n" }.joined() + "COMMIT\n"
        out += "*nat\n:\(preroutingChain) - [0:0]\n:\(postroutingChain) - [0:0]\n" + (nat + masquerade).map { $0 + "\n" }.joined() + "COMMIT\n"
        return out
    }

    /// The hash of a router's rules, for the marker that records what was applied.
    public static func hash(for routerHostname: String, in range: DesiredRange) -> String {
        SpecEncoding.hash(rules(for: routerHostname, in: range))
    }

    /// The protocol and port match of one `ports` entry, as `iptables-save` writes it.
    static func match(_ ports: PolicyPorts) -> String {
        switch ports {
        case let .tcp(r): return " -p tcp -m tcp --dport \(range(r))"
        case let .udp(r): return " -p udp -m udp --dport \(range(r))"
        case .icmp: return " -p icmp"
        case .any: return ""
        }
    }

    /// `22` or `8000:8080` (iptables writes a port range with a colon).
    static func range(_ r: ClosedRange<Int>) -> String {
        r.lowerBound == r.upperBound ? "\(r.lowerBound)" : "\(r.lowerBound):\(r.upperBound)"
    }
}
