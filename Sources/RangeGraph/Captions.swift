/// The words of the picture, the same in every format: a node's title and detail lines, a link's
/// label. Plain text as the user wrote it (nothing escaped): each renderer escapes it with its
/// own format's function, so a caption never decides how a format quotes.
public enum Captions {
    /// A network box: its name, then its subnet, its gateway (and who holds it) and `internal`.
    public static func network(_ n: Topology.Network) -> (title: String, details: [String]) {
        var details = [n.subnet.description, "gateway \(n.gateway)" + (n.router.map { " (\($0))" } ?? "")]
        if n.internal { details.append("internal") }
        return (n.name, details)
    }

    /// A VM node: its hostname, then its image, its role between segments, its node on a swarm,
    /// its state (live), and the live NICs on networks the manifest does not have.
    public static func vm(_ vm: Topology.VM) -> (title: String, details: [String]) {
        var details = [vm.image]
        switch vm.role {
        case .host: break
        case .router: details.append("router")
        case .forwarder: details.append("forwards packets")
        }
        if let host = vm.host { details.append("on \(host)") }
        if let state = vm.state { details.append(state.description) }
        for s in vm.strays {
            details.append("\(s.interface) \(s.address?.description ?? "no address") on \(s.network) (not in the manifest)")
        }
        if !vm.policy.isEmpty {
            let shown = vm.policy.count > maxRulesShown ? Array(vm.policy.prefix(maxRulesShown - 1)) : vm.policy
            details.append("policy:")
            details += shown
            if shown.count < vm.policy.count { details.append("and \(vm.policy.count - shown.count) more rules (rangectl plan lists them)") }
        }
        return (vm.hostname, details)
    }

    /// A router node lists at most this many lines of its policy.
    static let maxRulesShown = 8

    /// A link's label: `eth0 10.60.0.2`, then what differs from the plan, the link's state when it
    /// is not connected as planned, and its roles: `eth1 10.0.2.5 (planned 10.0.2.7)`,
    /// `eth0 172.30.0.1 (primary, gateway)`.
    public static func link(_ l: Topology.Link) -> String {
        var text = "\(l.interface) \(l.address?.description ?? "no address")"
        let planned = [l.plannedInterface, l.plannedAddress?.description].compactMap { $0 }
        if !planned.isEmpty { text += " (planned \(planned.joined(separator: " ")))" }
        switch l.state {
        case .planned, .asPlanned, .drifted, .vmAbsent: break
        case .notConnected: text += " (not connected)"
        case .unplanned: text += " (not in the manifest)"
        }
        let roles = [l.primary ? "primary" : nil, l.gateway ? "gateway" : nil].compactMap { $0 }
            + l.published.map { "publishes \($0)" }
        if !roles.isEmpty { text += " (\(roles.joined(separator: ", ")))" }
        return text
    }

    /// The picture's title.
    public static func title(_ t: Topology) -> String {
        "range \(t.range)" + (t.live ? " (live)" : "")
    }
}
