import RangeDiagnostics

/// Checks made before any change, all reported at once: a plan with a preflight error changes nothing.
public enum Preflight {
    /// `pulling`: apply pulls what is missing (`--pull` missing or always), so a missing image is
    /// a warning that says so, not an error.
    public static func check(_ desired: DesiredRange, _ inventory: EngineInventory, pulling: Bool = false) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let range = desired.name
        let foreignNetworks = inventory.networks.filter { !$0.isOwned(by: range) }
        let foreignContainers = Dictionary(inventory.containers.filter { !$0.isOwned(by: range) }.map { ($0.name, $0) },
                                           uniquingKeysWith: { a, _ in a })
        let foreignNetworkNames = Dictionary(foreignNetworks.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

        for n in desired.networks {
            if let other = foreignNetworkNames[n.dockerName] {
                out.append(.error(.nameConflict, "network \(n.dockerName) already exists on the engine (id \(other.id.prefix(12))) and is not managed by range \(range); rename the network or remove the other one", at: n.location))
            }
            for other in foreignNetworks where other.name != n.dockerName {
                guard let subnet = other.subnet, subnet.overlaps(n.subnet) else { continue }
                let owner = other.labels[RangeLabels.range].map { " (range \($0))" } ?? ""
                out.append(.error(.subnetConflict, "subnet \(n.subnet) of network '\(n.name)' overlaps \(subnet) of engine network \(other.name)\(owner), which this range does not own", at: n.location))
            }
        }
        // Addresses foreign containers hold on the range's networks: the plan must not assign them.
        var foreignHolders: [EngineAddress: String] = [:]   // container names
        for c in inventory.containers where !c.isOwned(by: range) {
            for e in c.endpoints { if let ip = e.heldIP { foreignHolders[EngineAddress(network: e.network, ip: ip)] = c.name } }
        }
        for vm in desired.vms {
            if let other = foreignContainers[vm.dockerName] {
                out.append(.error(.nameConflict, "container \(vm.dockerName) already exists on the engine (id \(other.id.prefix(12))) and is not managed by range \(range); rename the VM or remove the other one", at: vm.location))
            }
            for i in vm.interfaces {
                if let holder = foreignHolders[EngineAddress(network: desired.engineNetwork(of: i, on: vm), ip: i.ip)] {
                    out.append(.error(.ipInUse, "address \(i.ip) that \(vm.hostname) needs on network '\(i.network)' is held by container \(holder), which range \(range) does not own and never touches; free the address or give \(vm.hostname) another", at: vm.location))
                }
            }
            if vm.cpu > inventory.cpus {
                out.append(.warning(.resourceLimit, "\(vm.hostname) asks for \(vm.cpu) CPUs; the engine has \(inventory.cpus), so it is limited to \(inventory.cpus)", at: vm.location))
            }
            if let at = vm.diskGBLocation {
                out.append(.warning(.resourceLimit, "disk_gb is recorded but this engine cannot enforce a disk size", at: at))
            }
        }
        // Each image on each node that needs it (the helper on each routed VM's own node), once.
        for need in ImageNeeds.missing(desired, inventory) {
            let what = need.helper ? "helper image \(need.image), which sets VM routes," : "image \(need.image)"
            if pulling {
                out.append(.warning(.imagePull, "\(what) is not present on \(need.engineText); apply pulls it", at: need.location))
            } else {
                let remedy = need.helper ? "load it, set helper_image, or let apply pull it (--pull missing)" : "load or build it, or let apply pull it (--pull missing)"
                out.append(.error(.imageMissing, "\(what) is not present on \(need.engineText); \(remedy)", at: need.location))
            }
        }
        for (host, missing) in inventory.helperMissingTools.sorted(by: { $0.key < $1.key }) where !missing.isEmpty {
            guard let router = desired.vms.first(where: { $0.policy?.declared == true && ($0.host ?? "") == host }) else { continue }
            let on = host.isEmpty ? "the engine" : "the engine of node \(host)"
            out.append(.error(.helperMissingTool, "helper image \(desired.helperImage) on \(on) lacks \(missing.joined(separator: ", ")), which setting the policy of router \(router.hostname) needs; set helper_image to an image that has iptables and ip (README, \"Policy\")", at: desired.policy?.location ?? router.location))
        }
        if !inventory.capabilities.forwardsBetweenNetworks, let routed = desired.networks.first(where: { $0.router != nil }) {
            out.append(.warning(.engineLimit, "this engine (\(inventory.capabilities.engineName)) drops traffic that a router VM forwards between its networks: network '\(routed.name)' and the other segments of \(routed.router ?? "") will get their addresses and routes but will not reach each other through it; run routed ranges on an engine that forwards them (README, \"Engines\")", at: routed.location))
        }
        if !inventory.capabilities.reachesAddedAddresses, let policy = desired.policy, !policy.nat.isEmpty {
            out.append(.warning(.engineLimit, "on \(inventory.capabilities.engineName) an address added to a router's NIC is not reachable from the other VMs: the overlay networks answer only for the addresses the swarm assigned, so the policy's NAT addresses (\(policy.nat.map { "\($0.address)" }.joined(separator: ", "))) are set but get no traffic; verify reports them blocked", at: desired.policy?.location))
        }
        if inventory.interfaceLayout != .manifest {
            out += nicOrderWarnings(desired, layout: inventory.interfaceLayout)
        }
        return out
    }

    /// Networks the engine itself treats as internal (routed segments are not, see DesiredNetwork).
    public static func engineInternal(_ desired: DesiredRange) -> Set<String> {
        Set(desired.networks.filter(\.engineInternal).map(\.name))
    }

    /// Where the engine will not give a VM its NICs by the manifest's names, or will route it by
    /// default through another NIC than the primary (and rangectl does not set that route itself).
    static func nicOrderWarnings(_ desired: DesiredRange, layout: InterfaceLayout) -> [Diagnostic] {
        let internalNetworks = engineInternal(desired)
        var out: [Diagnostic] = []
        for vm in desired.vms where vm.interfaces.count > 1 {
            let names = layout.names(vm, desired, internal: internalNetworks)
            let route = layout.defaultRouteNetwork(vm, desired, internal: internalNetworks)
            let primary = vm.interfaces[0].network
            let orderDiffers = names.map(\.network) != vm.interfaces.map(\.network)
            // A VM with a default route set by rangectl (its own, its router's, or its primary's,
            // see PrimaryRoute) keeps it whatever the engine picks.
            let own = vm.routes.first { $0.to == "default" }
            let routeDiffers = route != primary && own == nil
            guard orderDiffers || routeDiffers else { continue }
            var parts: [String] = []
            if orderDiffers {
                let real = names.enumerated().map { "eth\($0.offset) \($0.element.network)" }.joined(separator: ", ")
                // Only an engine that sorts NICs by name gives them other names than the manifest's.
                parts.append("will get \(real) on this engine (it orders NICs by network name, not manifest order)")
            }
            if routeDiffers {
                let outward = names.map(\.network).filter { !internalNetworks.contains($0) }
                if let route {
                    parts.append("its default route goes through \(route), not \(primary)")
                } else if outward.isEmpty {
                    parts.append("it gets no default route")
                } else {
                    parts.append("its default route goes through whichever of \(outward.joined(separator: ", ")) the engine picks, not \(primary)")
                }
            } else if let own, own.implicit, route != primary {
                parts.append("rangectl sets its default route via \(own.via) after start")
            }
            out.append(.warning(.nicOrder, vm.hostname + (orderDiffers ? " " : ": ") + parts.joined(separator: "; "), at: vm.location))
        }
        return out
    }
}
