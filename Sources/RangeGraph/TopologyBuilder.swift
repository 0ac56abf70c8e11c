import Plan

extension Topology {
    /// The picture of `desired`: every network, every VM and one link per planned NIC, in manifest
    /// order. With `observed` (one entry per VM that was read, matched by hostname regardless of
    /// case), each VM gets its state, each link the address the engine holds and how it compares
    /// with the plan, and live NICs the plan does not have are added after the planned ones. A VM
    /// missing from `observed` is absent.
    public init(_ desired: DesiredRange, observed: [ObservedVM]? = nil) {
        let networkNames = Set(desired.networks.map(\.name))
        let routers = Set(desired.networks.compactMap { $0.router?.lowercased() })
        var byHostname: [String: ObservedVM] = [:]
        for vm in observed ?? [] where byHostname[vm.hostname.lowercased()] == nil { byHostname[vm.hostname.lowercased()] = vm }

        let networks = desired.networks.map {
            Network(name: $0.name, subnet: $0.subnet, gateway: $0.gateway, internal: $0.internal, router: $0.router)
        }
        let vms = desired.vms.map { vm -> VM in
            let role: Role = routers.contains(vm.hostname.lowercased()) ? .router : Self.forwards(vm) ? .forwarder : .host
            guard observed != nil else {
                let links = vm.interfaces.map {
                    Link(network: $0.network, interface: $0.name, address: $0.ip, primary: $0.primary, gateway: $0.router, state: .planned)
                }
                return VM(hostname: vm.hostname, image: vm.image, role: role, host: vm.host, state: nil, links: links, strays: [])
            }
            let live = byHostname[vm.hostname.lowercased()]
            let (links, strays) = Self.links(vm, live: live, networks: networkNames)
            return VM(hostname: vm.hostname, image: vm.image, role: role, host: live?.host ?? vm.host,
                      state: State(live?.state), links: links, strays: strays)
        }
        self.init(range: desired.copyName, networks: networks, vms: zip(desired.vms, vms).map(Self.withPolicy), live: observed != nil)
    }

    /// A router's policy rules on its node and its NAT addresses on the links they are published on.
    static func withPolicy(_ planned: DesiredVM, _ vm: VM) -> VM {
        guard let policy = planned.policy, policy.declared else { return vm }
        var out = vm
        out.policy = policy.rules
        for k in out.links.indices {
            let network = out.links[k].network
            out.links[k].published = policy.addresses.filter { a in planned.interfaces.contains { $0.name == a.interface && $0.network == network } }.map(\.ip)
        }
        return out
    }

    /// On two networks or more with forwarding on: it joins segments even if it routes none of them.
    static func forwards(_ vm: DesiredVM) -> Bool {
        vm.interfaces.count >= 2 && vm.sysctls.contains { $0.key == "net.ipv4.ip_forward" && $0.value == "1" }
    }

    /// The links of one VM as the engine holds it, planned NICs first (in their order), then the
    /// live NICs on the manifest's networks that the plan does not give it; and the live NICs on
    /// networks the manifest does not have.
    static func links(_ vm: DesiredVM, live: ObservedVM?, networks: Set<String>) -> (links: [Link], strays: [Stray]) {
        guard let live, live.state != nil else {
            let links = vm.interfaces.map {
                Link(network: $0.network, interface: $0.name, address: $0.ip, primary: $0.primary, gateway: $0.router, state: .vmAbsent)
            }
            return (links, [])
        }
        var used = Set<Int>()
        var links: [Link] = vm.interfaces.map { planned in
            guard let k = live.nics.indices.first(where: { !used.contains($0) && live.nics[$0].rangeNetwork && live.nics[$0].network == planned.network }) else {
                return Link(network: planned.network, interface: planned.name, address: planned.ip, primary: planned.primary,
                            gateway: planned.router, state: .notConnected)
            }
            used.insert(k)
            let nic = live.nics[k]
            // A predicted name is no observation: the planned one is shown.
            let name = nic.nameRead ? nic.name : planned.name
            return Link(network: planned.network, interface: name, address: nic.address,
                        plannedInterface: name == planned.name ? nil : planned.name,
                        plannedAddress: nic.address == planned.ip ? nil : planned.ip,
                        primary: planned.primary, gateway: planned.router,
                        state: nic.address == planned.ip ? .asPlanned : .drifted)
        }
        var strays: [Stray] = []
        for (k, nic) in live.nics.enumerated() where !used.contains(k) {
            let name = nic.nameRead ? nic.name : "?"
            if nic.rangeNetwork && networks.contains(nic.network) {
                links.append(Link(network: nic.network, interface: name, address: nic.address, primary: false, gateway: false, state: .unplanned))
            } else {
                strays.append(Stray(interface: name, network: nic.network, address: nic.address))
            }
        }
        return (links, strays)
    }
}
