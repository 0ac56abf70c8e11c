/// The promise that a VM's first interface is its primary one, kept on engines that choose the
/// default route themselves. Before API 1.48 the engine routes by default through the first
/// non-internal network in its own order (non-internal first, then by name; ENGINE.md), which need
/// not be the primary. There rangectl sets the VM's default route through its primary network's
/// gateway after start, with the same helper that sets a routed range's routes, so a restart that
/// loses it is seen by `plan` and repaired in place by `apply` like any route. Pure.
public enum PrimaryRoute {
    /// `desired` with an implicit `default via <primary gateway>` added to every VM whose default
    /// route the engine would put elsewhere. Unchanged on engines that honour the manifest's order,
    /// and for VMs that already have a default route (their own, or their router's).
    public static func pinned(_ desired: DesiredRange, engineOrdersInterfaces: Bool) -> DesiredRange {
        guard !engineOrdersInterfaces else { return desired }
        let internalNetworks = Preflight.engineInternal(desired)
        var networks: [String: DesiredNetwork] = [:]
        for n in desired.networks where networks[n.name] == nil { networks[n.name] = n }
        var out = desired
        for i in out.vms.indices {
            let vm = out.vms[i]
            guard vm.interfaces.count > 1, !vm.routes.contains(where: { $0.to == "default" }),
                  let primary = networks[vm.interfaces[0].network], !internalNetworks.contains(primary.name) else { continue }
            let chosen = Preflight.predictedOrder(vm, desired).first { !internalNetworks.contains($0.network) }
            guard chosen?.network != primary.name else { continue }
            out.vms[i].routes.insert(DesiredRoute(to: "default", via: primary.engineGateway, implicit: true), at: 0)
        }
        return out
    }
}
