/// The range's networks on the engine, matched to the manifest's by their network label (and
/// instance label: keys are `EngineNames.key`).
struct NetworkMatch {
    var byName: [String: ObservedNetwork] = [:]
    /// Further copies of a name (the first one wins): deleted.
    var extra: [ObservedNetwork] = []

    init(_ observed: ObservedRange) {
        for n in observed.networks {
            if byName[n.key] == nil { byName[n.key] = n } else { extra.append(n) }
        }
    }
}

/// The range's containers on the engine by kind: VMs by their (lower-cased) VM label, routes
/// markers by the VM they record, and what is left over (extra copies, helpers).
struct ContainerMatch {
    var byVM: [String: ObservedContainer] = [:]
    var extra: [ObservedContainer] = []
    var markers: [String: ObservedContainer] = [:]
    var policyMarkers: [String: ObservedContainer] = [:]
    var leftovers: [ObservedContainer] = []

    init(_ observed: ObservedRange) {
        for c in observed.containers {
            if c.labels[RangeLabels.helper] != nil {
                leftovers.append(c)
            } else if let of = c.labels[RangeLabels.routesOf] {
                let key = EngineNames.key(of.lowercased(), instance: c.instance)
                if markers[key] == nil { markers[key] = c } else { leftovers.append(c) }
            } else if let of = c.labels[RangeLabels.policyOf] {
                let key = EngineNames.key(of.lowercased(), instance: c.instance)
                if policyMarkers[key] == nil { policyMarkers[key] = c } else { leftovers.append(c) }
            } else {
                let key = EngineNames.key((c.labels[RangeLabels.vm] ?? c.name).lowercased(), instance: c.instance)
                if byVM[key] == nil { byVM[key] = c } else { extra.append(c) }
            }
        }
    }
}

/// A network of the manifest the plan creates, or re-creates in place of `replacing`.
struct NetworkStep {
    var network: DesiredNetwork
    var replacing: ObservedNetwork?
    var cause: String
}

/// What the plan does to one VM of the manifest.
struct VMStep {
    enum Action {
        /// Create it (after removing `replacing`, the container it replaces).
        case create(replacing: ObservedContainer?, cause: String)
        case start(id: String, cause: String)
        case setRoutes(id: String, cause: String)
        /// Nothing but its policy (see `VMStep.policy`).
        case keep(id: String)
    }

    var vm: DesiredVM
    var action: Action
    /// Its routes marker, removed before it is created again.
    var marker: ObservedContainer?
    /// Set its policy (a router whose rules are missing, lost or changed), after the action.
    var policy: PolicyStep?
    /// Its policy marker, removed before it is created again.
    var policyMarker: ObservedContainer?
}

/// A router's policy applied in place: why, and the NAT addresses of the old policy to remove.
struct PolicyStep {
    var cause: String
    var removing: [PolicyAddress]
}

/// Adds the operations to the graph in plan order with what each must wait for:
/// - a network's removal, for the removal of every container attached to it;
/// - a network's create, for the removal of the network that held its name or an overlapping pool;
/// - a VM's create, for the creates of its own networks (no other) and the removal of whatever
///   held its name or one of its addresses;
/// - a VM's start, for its create; its routes and a router's policy, for its start and the removal of its old marker;
/// - on an engine that does not count endpoints exactly, a container's removal for the previous
///   removal on each of its networks, and a VM's create for the last removal on each of its own
///   (a network's endpoints are released one at a time there, see `EngineCapabilities`).
struct GraphBuilder {
    private(set) var graph = OperationGraph()
    private let serialRemovals: Bool
    private var removalOfContainer: [String: String] = [:]        // container name -> node
    private var removalsOnNetwork: [String: [String]] = [:]        // engine network name -> nodes
    private var removalHoldingAddress: [EngineAddress: String] = [:]
    private var removedNetworks: [(name: String, subnet: IPv4Subnet?, node: String)] = []
    private var createOfNetwork: [String: String] = [:]           // manifest network key -> node

    init(capabilities: EngineCapabilities) {
        serialRemovals = !capabilities.exactEndpointCount
    }

    mutating func removeContainer(_ c: ObservedContainer, cause: String) {
        let previous = serialRemovals ? c.endpoints.compactMap { removalsOnNetwork[$0.network]?.last } : []
        let id = graph.append(PlannedOperation(id: "remove-container:\(c.name)", operation: .removeContainer(name: c.name, id: c.id),
                                               cause: cause, dependsOn: Self.unique(previous)))
        removalOfContainer[c.name] = id
        for e in c.endpoints {
            removalsOnNetwork[e.network, default: []].append(id)
            if let ip = e.heldIP { removalHoldingAddress[EngineAddress(network: e.network, ip: ip)] = id }
        }
    }

    mutating func removeNetwork(_ n: ObservedNetwork, cause: String) {
        let id = graph.append(PlannedOperation(id: "remove-network:\(n.name)", operation: .removeNetwork(name: n.name, id: n.id),
                                               cause: cause, dependsOn: removalsOnNetwork[n.name] ?? []))
        removedNetworks.append((n.name, n.subnet, id))
    }

    mutating func createNetwork(_ n: DesiredNetwork, cause: String) {
        let after = removedNetworks.filter { $0.name == n.dockerName || ($0.subnet?.overlaps(n.subnet) ?? false) }.map(\.node)
        createOfNetwork[n.key] = graph.append(PlannedOperation(id: "create-network:\(n.key)", operation: .createNetwork(n),
                                                                cause: cause, dependsOn: after))
    }

    mutating func vm(_ step: VMStep, range: DesiredRange) {
        let vm = step.vm
        let routes = "routes " + vm.routes.map(\.description).joined(separator: ", ")
        var start: String?
        var id: String?
        switch step.action {
        case let .create(_, cause):
            var after: [String] = []
            for i in vm.interfaces {
                if let created = createOfNetwork[EngineNames.key(i.network, instance: vm.instance)] { after.append(created) }
                let network = range.engineNetwork(of: i, on: vm)
                if let holder = removalHoldingAddress[EngineAddress(network: network, ip: i.ip)] { after.append(holder) }
                if serialRemovals, let last = removalsOnNetwork[network]?.last { after.append(last) }
            }
            if let holder = removalOfContainer[vm.dockerName] { after.append(holder) }
            let create = graph.append(PlannedOperation(id: "create-vm:\(vm.idKey)", operation: .createVM(vm), cause: cause,
                                                       dependsOn: Self.unique(after)))
            start = graph.append(PlannedOperation(id: "start-vm:\(vm.idKey)", operation: .startVM(vm, id: nil),
                                                  cause: "created by this apply", dependsOn: [create]))
            if !vm.routes.isEmpty {
                let marker = step.marker.flatMap { removalOfContainer[$0.name] }
                graph.append(PlannedOperation(id: "set-routes:\(vm.idKey)", operation: .setRoutes(vm, id: nil), cause: routes,
                                              dependsOn: [start!] + (marker.map { [$0] } ?? [])))
            }
        case let .start(live, cause):
            id = live
            start = graph.append(PlannedOperation(id: "start-vm:\(vm.idKey)", operation: .startVM(vm, id: live), cause: cause, dependsOn: []))
            if !vm.routes.isEmpty {
                graph.append(PlannedOperation(id: "set-routes:\(vm.idKey)", operation: .setRoutes(vm, id: live), cause: routes, dependsOn: [start!]))
            }
        case let .setRoutes(live, cause):
            id = live
            graph.append(PlannedOperation(id: "set-routes:\(vm.idKey)", operation: .setRoutes(vm, id: live), cause: cause, dependsOn: []))
        case let .keep(live):
            id = live
        }
        // A router's policy, once it runs (its own rules only: it needs none of its routes).
        if let policy = step.policy {
            let marker = step.policyMarker.flatMap { removalOfContainer[$0.name] }
            graph.append(PlannedOperation(id: "set-policy:\(vm.idKey)", operation: .setPolicy(vm, id: id, removing: policy.removing),
                                          cause: policy.cause, dependsOn: (start.map { [$0] } ?? []) + (marker.map { [$0] } ?? [])))
        }
    }

    private static func unique(_ ids: [String]) -> [String] {
        var seen: Set<String> = []
        return ids.filter { seen.insert($0).inserted }
    }
}

extension Array {
    /// Sorted by a name's bytes, so that nothing depends on a dictionary's or the engine's order.
    func sorted(byName name: (Element) -> String) -> [Element] {
        sorted { name($0).utf8.lexicographicallyPrecedes(name($1).utf8) }
    }
}
