import Plan

/// One instance of a range (or the range itself, without `instances:`) as the probe planner sees
/// it: its networks, its router VMs and the other VMs, in manifest order. Probes never leave one
/// of these, because an instance's segments are joined only by its own routers.
struct RangeSegments {
    var instance: String?
    var networks: [DesiredNetwork]
    /// The VMs named in one of `networks`' `router:`, in manifest order.
    var routers: [DesiredVM]
    /// Every other VM: the ones that send and receive probes (a router's own traffic is not forwarded).
    var hosts: [DesiredVM]

    /// One view per instance in the order written, or the whole range.
    static func all(_ desired: DesiredRange) -> [RangeSegments] {
        let names: [String?] = desired.instances.isEmpty ? [nil] : desired.instances.map(\.name)
        return names.map { instance in
            let networks = desired.networks.filter { $0.instance == instance }
            let routerNames = networks.compactMap { $0.router?.lowercased() }
            let vms = desired.vms.filter { $0.instance == instance }
            return RangeSegments(instance: instance, networks: networks,
                                 routers: vms.filter { routerNames.contains($0.hostname.lowercased()) },
                                 hosts: vms.filter { !routerNames.contains($0.hostname.lowercased()) })
        }
    }

    /// The networks a VM has a NIC on, in interface order.
    func networks(of vm: DesiredVM) -> [DesiredNetwork] {
        vm.interfaces.compactMap { nic in networks.first { $0.name == nic.network } }
    }

    /// Whether traffic from `a` to `b` is forwarded by one of the routers: one has `a` on one of
    /// its segments and `b` on another (`DesiredPolicy.crosses`, as the compiler writes rules).
    func routed(from a: IPv4Address, to b: IPv4Address) -> Bool {
        let from = IPv4Subnet(network: a, prefixLength: 32), to = IPv4Subnet(network: b, prefixLength: 32)
        return routers.contains { r in DesiredPolicy.crosses(from: from, to: to, segments: networks(of: r).map(\.subnet)) }
    }

    /// Whether two VMs share a network: they then reach each other directly, and replies would
    /// not come back through the router, so they are never probed against each other.
    static func adjacent(_ a: DesiredVM, _ b: DesiredVM) -> Bool {
        a.interfaces.contains { x in b.interfaces.contains { $0.network == x.network } }
    }

    /// A VM and one of its addresses as a probe's end.
    static func endpoint(_ vm: DesiredVM, _ address: IPv4Address) -> ProbeEndpoint {
        ProbeEndpoint(hostname: vm.hostname, instance: vm.instance, container: vm.dockerName, address: address)
    }
}
