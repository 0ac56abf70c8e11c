/// The promise that a VM's first interface is its primary one, kept on engines that choose the
/// default route themselves: Docker before API 1.48 routes by default through the first
/// non-internal network by name, Podman through any of them (`InterfaceLayout`). There rangectl sets the VM's default route through its primary network's
/// gateway after start, with the same helper that sets a routed range's routes, so a restart that
/// loses it is seen by `plan` and repaired in place by `apply` like any route. Pure.
public enum PrimaryRoute {
    /// `desired` with an implicit `default via <primary gateway>` added to every VM whose default
    /// route the engine would put elsewhere, or anywhere it likes. Unchanged on engines that honour
    /// the manifest's order, and for VMs that already have a default route (their own, or their
    /// router's) or whose primary network is internal (it has no way out to route through).
    public static func pinned(_ desired: DesiredRange, layout: InterfaceLayout) -> DesiredRange {
        guard layout != .manifest else { return desired }
        let internalNetworks = Preflight.engineInternal(desired)
        var networks: [String: DesiredNetwork] = [:]
        for n in desired.networks where networks[n.key] == nil { networks[n.key] = n }
        var out = desired
        for i in out.vms.indices {
            let vm = out.vms[i]
            guard vm.interfaces.count > 1, !vm.routes.contains(where: { $0.to == "default" }),
                  let primary = networks[EngineNames.key(vm.interfaces[0].network, instance: vm.instance)], !internalNetworks.contains(primary.name) else { continue }
            guard layout.defaultRouteNetwork(vm, desired, internal: internalNetworks) != primary.name else { continue }
            out.vms[i].routes.insert(DesiredRoute(to: "default", via: primary.engineGateway, implicit: true), at: 0)
        }
        return out
    }
}
