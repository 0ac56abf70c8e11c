import Manifest
import Plan
import RangeDiagnostics

extension Planner {
    /// Every `router` names a VM of the range that has a NIC on that network; a router without
    /// `net.ipv4.ip_forward: "1"` gets a warning (once per VM).
    mutating func checkRouters(_ raw: RawManifest, networks: [CheckedNetwork?], slots: [Slot], slotStart: [Int]) {
        guard networks.contains(where: { $0?.router != nil }) else { return }
        var vmIndex: [String: Int] = [:]
        for i in raw.vms.indices {
            if let h = raw.vms[i].hostname { vmIndex[Self.caseFolded(h.value)] = vmIndex[Self.caseFolded(h.value)] ?? i }
        }
        var warned: Set<Int> = []
        for (k, network) in networks.enumerated() {
            guard let n = network, let router = n.router else { continue }
            guard let i = vmIndex[Self.caseFolded(router.value)] else {
                error(.unknownRouter, "router '\(router.value)' of network '\(n.desired.name)' is not a VM of this range", at: router.location)
                continue
            }
            guard slots[slotStart[i]..<slotStart[i + 1]].contains(where: { $0.network == k }) else {
                error(.routerNotAttached, "router '\(router.value)' has no NIC on network '\(n.desired.name)'; add the network to its 'networks'", at: router.location)
                continue
            }
            let forwarding = raw.vms[i].sysctls.contains { $0.key.value == "net.ipv4.ip_forward" && $0.value.value == "1" }
            if !forwarding && warned.insert(i).inserted {
                warning(.routerForwarding, "router '\(router.value)' does not set sysctls net.ipv4.ip_forward: \"1\"; it will not forward between its segments",
                        at: raw.vms[i].hostname?.location ?? raw.vms[i].location)
            }
        }
    }

    /// A VM's routes: each `to` a CIDR or `default`, each `via` in a subnet the VM is attached to and
    /// not its own address, at most one default; then, unless it declares its own, the implicit
    /// default of a VM whose primary network has a router: through that router (or, for the router
    /// itself, through the engine's bridge there).
    mutating func checkRoutes(_ vm: RawVM, attached: [(network: DesiredNetwork, ip: IPv4Address?)], swarm: Bool = false) -> [DesiredRoute] {
        var routes: [DesiredRoute] = []
        var defaultAt: SourceLocation?
        for r in vm.routes {
            guard let to = r.to, let via = r.via else { continue }
            var destination = to.value
            if destination != "default" {
                switch IPv4Subnet.parse(destination, allowedPrefixes: 0...32) {
                case let .success(subnet):
                    destination = subnet.prefixLength == 0 ? "default" : subnet.description
                case .failure(.hostBitsSet(let suggestion)):
                    error(.invalidRoute, "route destination \(to.value) has host bits set; did you mean \(suggestion)?", at: to.location)
                    continue
                case .failure:
                    error(.invalidRoute, "route destination '\(Diagnostic.excerpt(to.value))' is neither an IPv4 CIDR nor 'default'", at: to.location)
                    continue
                }
            }
            guard let next = IPv4Address(via.value) else {
                error(.invalidIP, "route via '\(Diagnostic.excerpt(via.value))' is not an IPv4 address", at: via.location)
                continue
            }
            if attached.contains(where: { $0.ip == next }) {
                error(.routeUnreachable, "route via \(next) is the VM's own address", at: via.location)
                continue
            }
            guard attached.contains(where: { $0.network.subnet.contains(next) && next != $0.network.subnet.network && next != $0.network.subnet.broadcast }) else {
                let subnets = attached.map { $0.network.subnet.description }.joined(separator: ", ")
                error(.routeUnreachable, "route via \(next) is in no subnet this VM is attached to (\(subnets.isEmpty ? "none" : subnets))", at: via.location)
                continue
            }
            if destination == "default" {
                if let earlier = defaultAt {
                    error(.duplicateDefaultRoute, "a second default route; the first is at \(earlier.reference(from: to.location))", at: to.location,
                          notes: [DiagnosticNote("first default route here", at: earlier)])
                    continue
                }
                defaultAt = to.location
            }
            routes.append(DesiredRoute(to: destination, via: next))
        }
        if defaultAt == nil, let primary = attached.first?.network, primary.router != nil, let own = attached.first?.ip {
            // Through the router; the router itself goes out through the engine's bridge of its
            // primary network, whatever NIC order an older engine gives it.
            let via = own == primary.gateway ? primary.engineGateway : primary.gateway
            routes.insert(DesiredRoute(to: "default", via: via, implicit: true), at: 0)
        }
        if swarm, !routes.contains(where: { $0.to == "default" }), let primary = attached.first?.network, !primary.internal {
            // On a swarm's overlays: through the primary network's gateway, not docker_gwbridge.
            routes.insert(DesiredRoute(to: "default", via: primary.gateway, implicit: true), at: 0)
        }
        // The default route first, then the others as written: `ip route replace` in that order.
        return routes.filter { $0.to == "default" } + routes.filter { $0.to != "default" }
    }
}
