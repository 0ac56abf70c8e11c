import Plan

extension PolicyCompiler {
    /// The range with every router VM's share of its policy attached (`DesiredVM.policy`), for
    /// the plan, the saved plan and the engines to carry. Routers of a range without `policy:`
    /// get an undeclared one (empty chains), so that removing `policy:` empties what was set.
    public static func attach(_ range: DesiredRange) -> DesiredRange {
        let routers = Set(range.networks.compactMap { n in n.router.map { EngineNames.key($0.lowercased(), instance: n.instance) } })
        guard !routers.isEmpty else { return range }
        var out = range
        for i in out.vms.indices where routers.contains(out.vms[i].key) {
            out.vms[i].policy = routerPolicy(for: out.vms[i], in: range)
        }
        return out
    }

    /// One router's policy: the restore text, its jumps, the rules as a reviewer reads them, and
    /// the NAT addresses on its NICs.
    public static func routerPolicy(for router: DesiredVM, in range: DesiredRange) -> RouterPolicy {
        let segments: [IPv4Subnet] = router.interfaces.compactMap { nic in
            range.networks.first { $0.name == nic.network && $0.instance == router.instance }?.subnet
        }
        var rules: [String] = []
        var addresses: [PolicyAddress] = []
        if let policy = range.policy {
            for rule in policy.rules where rule.sources.contains(where: { s in
                rule.destinations.contains { DesiredPolicy.crosses(from: s, to: $0, segments: segments) }
            }) {
                rules.append("allow \(rule.text)")
            }
            for entry in policy.nat where entry.router.lowercased() == router.hostname.lowercased() && entry.instance == router.instance {
                rules.append("nat \(entry.text)")
                if let nic = router.interfaces.first(where: { $0.network == entry.network }) {
                    let address = PolicyAddress(interface: nic.name, ip: entry.address)
                    if !addresses.contains(address) { addresses.append(address) }
                }
            }
            rules.append("default \(policy.defaultAction.rawValue)")
        }
        return RouterPolicy(declared: range.policy != nil, restore: self.rules(for: router, in: range),
                            hookCommands: hooks.map(\.command), hookRules: hooks.map(\.rule), rules: rules, addresses: addresses)
    }
}
