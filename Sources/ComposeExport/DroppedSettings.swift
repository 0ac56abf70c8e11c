import Plan
import RangeDiagnostics

/// What of a VM a Compose file cannot hold, as comment lines for its service and one
/// `export-dropped` warning per kind: routes and a router's policy (rangectl sets both with its
/// helper after start),
/// an explicit `disk_gb`, a `host:` placement, and with `--target v1` the NIC names and default
/// route an engine before Docker 28 gives instead of the manifest's (`InterfaceLayout`).
struct DroppedSettings {
    let desired: DesiredRange
    let target: ComposeTarget
    let placements: [String: ComposePlacement]
    /// With v1: the range as rangectl applies it on Docker before 28, with the default routes it
    /// pins there (`PrimaryRoute`).
    let pinned: [String: DesiredVM]
    let engineInternal: Set<String>

    init(_ desired: DesiredRange, target: ComposeTarget, placements: [ComposePlacement]) {
        self.desired = desired
        self.target = target
        var byVM: [String: ComposePlacement] = [:]
        for p in placements where byVM[p.hostname] == nil { byVM[p.hostname] = p }
        self.placements = byVM
        var pinned: [String: DesiredVM] = [:]
        if !target.interfaceOrder {
            for vm in PrimaryRoute.pinned(desired, layout: .sortedByName).vms where pinned[vm.hostname] == nil { pinned[vm.hostname] = vm }
        }
        self.pinned = pinned
        engineInternal = Preflight.engineInternal(desired)
    }

    /// The comment lines for `vm`'s service and the warnings, in this order: routes, policy, NIC order, disk, host.
    func of(_ vm: DesiredVM) -> (comments: [String], warnings: [Diagnostic]) {
        var comments: [String] = []
        var warnings: [Diagnostic] = []
        func drop(_ lines: [String], _ message: String, at location: SourceLocation?) {
            if comments.isEmpty { comments.append("Not in this file (rangectl export warned export-dropped):") }
            comments += lines.map { "  " + $0 }
            warnings.append(.warning(.exportDropped, vm.hostname + ": " + message, at: location))
        }

        if !vm.routes.isEmpty {
            let lines = vm.routes.map { "  route \($0.description)" + (implicitCause($0, vm).map { " (\($0))" } ?? "") }
            drop(["routes, which rangectl sets with its helper after start (Compose sets none):"] + lines,
                 "its routes (\(vm.routes.map(\.description).joined(separator: ", "))) are set by rangectl's helper after start; Compose cannot set routes, so they are left out (written as a comment)",
                 at: vm.location)
        }
        if let policy = vm.policy, policy.declared {
            let addresses = policy.addresses.map { a in
                "  address \(a.ip)/32 on \(vm.interfaces.first { $0.name == a.interface }?.network ?? a.interface) (published)"
            }
            drop(["the policy, which rangectl sets with its helper after start (Compose sets no firewall rules):"]
                    + policy.rules.map { "  " + $0 } + addresses,
                 "its policy (\(policy.rules.count) rules\(policy.addresses.isEmpty ? "" : ", \(policy.addresses.count) published addresses")) is set by rangectl's helper after start; Compose cannot set firewall rules, so under Compose this router forwards everything (written as a comment)",
                 at: desired.policy?.location ?? vm.location)
        }
        if let (lines, message) = nicOrder(vm) {
            drop(lines, message, at: vm.location)
        }
        if vm.diskGBLocation != nil {
            drop(["disk_gb: \(vm.diskGB) (Compose has no disk size; rangectl records it, no engine enforces it)"],
                 "disk_gb \(vm.diskGB) has no Compose equivalent; left out (written as a comment)", at: vm.diskGBLocation)
        }
        if let p = placements[vm.hostname] {
            drop(["host: \(p.host) (a swarm node; Compose runs every service on the one engine it talks to)"],
                 "host '\(Diagnostic.excerpt(p.host))' places it on a swarm node; a Compose file runs on one engine, so it is left out (written as a comment)",
                 at: p.location)
        }
        return (comments, warnings)
    }

    /// Why an implicit route exists: the VM's primary network has a router (the VM itself, or another).
    private func implicitCause(_ route: DesiredRoute, _ vm: DesiredVM) -> String? {
        guard route.implicit else { return nil }
        guard let primary = desired.networks.first(where: { $0.name == vm.interfaces.first?.network }), let router = primary.router else {
            return "implicit"
        }
        return router == vm.hostname ? "implicit: the router's own way out, through the engine's bridge"
            : "implicit: through \(router), the router of \(primary.name)"
    }

    /// With v1, where an engine before Docker 28 gives `vm` other NIC names than the manifest's,
    /// or routes it by default elsewhere than rangectl would (which sets that route itself there).
    private func nicOrder(_ vm: DesiredVM) -> (lines: [String], message: String)? {
        guard !target.interfaceOrder, vm.interfaces.count > 1, let applied = pinned[vm.hostname] else { return nil }
        let layout = InterfaceLayout.sortedByName
        let names = layout.names(vm, desired, internal: engineInternal)
        let orderDiffers = names.map(\.network) != vm.interfaces.map(\.network)
        let pinnedRoute = applied.routes.count > vm.routes.count ? applied.routes.first : nil
        guard orderDiffers || pinnedRoute != nil else { return nil }
        var named = ""
        if orderDiffers {
            named = "names the NICs " + names.enumerated().map { "eth\($0.offset) \($0.element.network)" }.joined(separator: ", ") + " (by network name)"
        }
        var routed = ""
        if let pinnedRoute, let through = layout.defaultRouteNetwork(vm, desired, internal: engineInternal) {
            routed = "routes by default through \(through), not the primary \(vm.interfaces[0].network) (rangectl sets \(pinnedRoute.description) there)"
        }
        let facts = [named, routed].filter { !$0.isEmpty }
        guard !facts.isEmpty else { return nil }
        let cannot = "Compose 1.29 can neither name a NIC nor choose the default route"
        let lines = ["NIC order: on Docker before 28 the engine " + facts[0]] + facts.dropFirst().map { "  and " + $0 }
            + ["  (\(cannot); --target v2 can, on Docker 28.1+)"]
        return (lines, "on Docker before 28 the engine " + facts.joined(separator: " and ") + "; \(cannot) (--target v2 can, with Compose 2.36+ on Docker 28.1+)")
    }
}
