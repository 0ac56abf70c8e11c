/// How an engine lays out a VM's NICs: the name each one gets inside the VM and which one carries
/// the default route. The engine reports it (part of `EngineCapabilities`); the core decides from
/// this value and never compares API versions (ENGINE.md has the measurements).
public enum InterfaceLayout: String, Hashable, Sendable {
    /// The manifest's names and order, and the default route through the primary (Docker 28+).
    case manifest
    /// Non-internal networks first, then by the engine's network name, named eth0, eth1, ... in
    /// that order; the default route through the first non-internal one (Docker before 28).
    case sortedByName
    /// The manifest's names (NICs connected one at a time, in order, before start), but a default
    /// route through every network with a gateway at one metric, so which one wins is not
    /// predictable (Podman 4.3).
    case manifestNamesAnyRoute

    /// `vm`'s NICs in the order the engine names them eth0, eth1, ...
    public func names(_ vm: DesiredVM, _ desired: DesiredRange, internal internalNetworks: Set<String>) -> [DesiredInterface] {
        switch self {
        case .manifest, .manifestNamesAnyRoute:
            return vm.interfaces
        case .sortedByName:
            return vm.interfaces.sorted { a, b in
                let (ia, ib) = (internalNetworks.contains(a.network), internalNetworks.contains(b.network))
                if ia != ib { return !ia }
                return desired.engineNetwork(of: a, on: vm).utf8.lexicographicallyPrecedes(desired.engineNetwork(of: b, on: vm).utf8)
            }
        }
    }

    /// The network the engine itself routes `vm` by default through; nil when it gives none or
    /// when which one it picks is not predictable. `internal`: the networks the engine treats as
    /// internal (no gateway of their own).
    public func defaultRouteNetwork(_ vm: DesiredVM, _ desired: DesiredRange, internal internalNetworks: Set<String>) -> String? {
        let outward = names(vm, desired, internal: internalNetworks).filter { !internalNetworks.contains($0.network) }
        switch self {
        case .sortedByName:
            return outward.first?.network
        case .manifest:
            // The primary has the highest priority; without a gateway of its own, another one
            // wins, predictably only when there is just one.
            if let primary = vm.interfaces.first, !internalNetworks.contains(primary.network) { return primary.network }
            return outward.count == 1 ? outward[0].network : nil
        case .manifestNamesAnyRoute:
            return outward.count == 1 ? outward[0].network : nil
        }
    }
}
