import RangeDiagnostics

/// What it takes to make the engine match the manifest: the changes a reviewer reads and the
/// graph of engine operations that carries them out (see `OperationGraph`).
public struct Reconciliation: Hashable, Sendable {
    public var changes: [Change]
    public var graph: OperationGraph

    public init(changes: [Change], graph: OperationGraph) {
        self.changes = changes
        self.graph = graph
    }

    /// Nothing to do.
    public static let none = Reconciliation(changes: [], graph: OperationGraph())
}

/// The pure diff between a desired range and what the engine holds (Compose's reconcile):
/// create what is missing, re-create what changed in a way the engine cannot update, start what is
/// stopped, delete what the range owns and the manifest no longer has. Decided once, here; the
/// dependencies between the operations are decided by `GraphBuilder`.
public enum Reconciler {
    public static func reconcile(_ desired: DesiredRange, _ observed: ObservedRange, _ capabilities: EngineCapabilities) -> Reconciliation {
        var changes: [Change] = []
        var networks = NetworkMatch(observed)
        var containers = ContainerMatch(observed)
        let networkSteps = decideNetworks(desired, &networks, &changes)
        let fresh = Set(networkSteps.map(\.network.key))
        let vmSteps = decideVMs(desired, &containers, fresh: fresh, &changes)

        // Removals first, containers before networks (each network's removal waits only for the
        // containers on it), in the order the changes list them; then creates and starts.
        var graph = GraphBuilder(capabilities: capabilities)
        for step in vmSteps {
            guard case let .create(replacing, cause) = step.action else { continue }
            if let live = replacing { graph.removeContainer(live, cause: cause) }
            if let marker = step.marker { graph.removeContainer(marker, cause: "routes marker of \(step.vm.hostname), which is created again") }
            if let marker = step.policyMarker { graph.removeContainer(marker, cause: "policy marker of \(step.vm.hostname), which is created again") }
        }
        for c in (Array(containers.byVM.values) + containers.extra).sorted(byName: \.name) {
            changes.append(Change(.delete, .vm, c.labels[RangeLabels.vm] ?? c.name, instance: c.instance))
            graph.removeContainer(c, cause: "not in the manifest")
        }
        for c in Array(containers.markers.values).sorted(byName: \.name) {
            graph.removeContainer(c, cause: "routes marker of a VM that is not in the manifest")
        }
        for c in Array(containers.policyMarkers.values).sorted(byName: \.name) {
            graph.removeContainer(c, cause: "policy marker of a VM that is not in the manifest")
        }
        for c in containers.leftovers.sorted(byName: \.name) {
            changes.append(Change(.delete, .helper, c.name))
            graph.removeContainer(c, cause: "left by an interrupted apply")
        }
        for step in networkSteps { if let live = step.replacing { graph.removeNetwork(live, cause: step.cause) } }
        for n in (Array(networks.byName.values) + networks.extra).sorted(byName: \.name) {
            changes.append(Change(.delete, .network, n.labels[RangeLabels.network] ?? n.name, instance: n.instance))
            graph.removeNetwork(n, cause: "not in the manifest")
        }
        for step in networkSteps { graph.createNetwork(step.network, cause: step.cause) }
        for step in vmSteps { graph.vm(step, range: desired) }
        return Reconciliation(changes: changes, graph: graph.graph)
    }

    /// The manifest's networks that are created or re-created, matched by their network label
    /// (the first one wins; `networks` keeps those left over, to be deleted).
    static func decideNetworks(_ desired: DesiredRange, _ networks: inout NetworkMatch, _ changes: inout [Change]) -> [NetworkStep] {
        var steps: [NetworkStep] = []
        for n in desired.networks {
            guard let live = networks.byName.removeValue(forKey: n.key) else {
                changes.append(Change(.create, .network, n.name, instance: n.instance))
                steps.append(NetworkStep(network: n, replacing: nil, cause: "not on the engine"))
                continue
            }
            let causes = networkCauses(n, live, desired: desired)
            if !causes.isEmpty {
                changes.append(Change(.replace, .network, n.name, detail: causes, instance: n.instance))
                steps.append(NetworkStep(network: n, replacing: live, cause: "re-created: " + causes.joined(separator: "; ")))
            }
        }
        return steps
    }

    /// What happens to each of the manifest's VMs, matched by their VM label case-insensitively as
    /// hostnames are (`containers` keeps those left over). `fresh`: networks (re-)created.
    static func decideVMs(_ desired: DesiredRange, _ containers: inout ContainerMatch, fresh: Set<String>, _ changes: inout [Change]) -> [VMStep] {
        var steps: [VMStep] = []
        for vm in desired.vms {
            let marker = containers.markers.removeValue(forKey: vm.key)
            let policyMarker = containers.policyMarkers.removeValue(forKey: vm.key)
            // A router that (re)starts has a new network namespace: its policy is set afresh.
            let restartPolicy = freshPolicy(vm)
            guard let live = containers.byVM.removeValue(forKey: vm.key) else {
                changes.append(Change(.create, .vm, vm.hostname, instance: vm.instance))
                steps.append(VMStep(vm: vm, action: .create(replacing: nil, cause: "not on the engine"), marker: marker,
                                    policy: restartPolicy, policyMarker: policyMarker))
                continue
            }
            var causes = specCauses(vm, live, desired: desired)
            if let host = vm.host, let runs = live.host, host != runs { causes.append("placed on \(host), runs on \(runs)") }
            let routeDiff = routeDifference(vm, live, marker)
            if case let .replace(cause) = routeDiff { causes.append(cause) }
            causes += interfaceCauses(vm, live, desired: desired)
            let renewed = vm.interfaces.map(\.network).filter { fresh.contains(EngineNames.key($0, instance: vm.instance)) }
            if !renewed.isEmpty { causes.append("network \(renewed.joined(separator: ", ")) is (re-)created") }
            if !live.state.isKept { causes.append("state \(live.state)") }
            if !causes.isEmpty {
                changes.append(Change(.replace, .vm, vm.hostname, detail: causes, instance: vm.instance))
                steps.append(VMStep(vm: vm, action: .create(replacing: live, cause: "re-created: " + causes.joined(separator: "; ")), marker: marker,
                                    policy: restartPolicy, policyMarker: policyMarker))
            } else if live.state != .running {
                let why = live.state == .created ? "never started" : "stopped"
                var detail = ["start (\(why))"]
                if !vm.routes.isEmpty { detail.append("then set routes \(vm.routes.map(\.description).joined(separator: ", "))") }
                if let restartPolicy { detail.append("then set its \(restartPolicy.cause)") }
                changes.append(Change(.update, .vm, vm.hostname, detail: detail, instance: vm.instance))
                steps.append(VMStep(vm: vm, action: .start(id: live.id, cause: why), marker: nil, policy: restartPolicy))
            } else {
                var detail: [String] = []
                var action = VMStep.Action.keep(id: live.id)
                if case let .set(why) = routeDiff {
                    detail.append(why)
                    action = .setRoutes(id: live.id, cause: why)
                }
                let policy = policyDifference(vm, live, policyMarker)
                detail += policy?.detail ?? []
                guard !detail.isEmpty else { continue }
                changes.append(Change(.update, .vm, vm.hostname, detail: detail, instance: vm.instance))
                steps.append(VMStep(vm: vm, action: action, marker: nil, policy: policy?.step))
            }
        }
        return steps
    }

    /// Everything of the range removed: containers, then networks.
    public static func teardown(_ observed: ObservedRange, _ capabilities: EngineCapabilities) -> Reconciliation {
        let empty = DesiredRange(name: observed.range, labels: [], networks: [], vms: [])
        return reconcile(empty, observed, capabilities)
    }

    // MARK: - Causes

    enum RouteDifference {
        case none
        /// Routes can be set in place (lost to a restart, or only added or changed).
        case set(String)
        /// A route was removed: only a re-create gives the VM the engine's routes back.
        case replace(String)
    }

    /// Compares a running VM's routes, as its marker recorded them, with the manifest's.
    static func routeDifference(_ vm: DesiredVM, _ live: ObservedContainer, _ marker: ObservedContainer?) -> RouteDifference {
        let want = SpecEncoding.routes(vm)
        let had = marker?.labels[RangeLabels.routes] ?? ""
        let wantText = vm.routes.map(\.description).joined(separator: ", ")
        if vm.routes.isEmpty {
            return had.isEmpty ? .none : .replace("routes \(had.replacingOccurrences(of: ",", with: ", ")) removed")
        }
        guard let marker else { return live.state == .running ? .set("set routes \(wantText) (not set yet)") : .none }
        if had != want {
            let kept = Set(vm.routes.map(\.to))
            let removed = had.split(separator: ",").map(String.init).filter { !kept.contains(String($0.split(separator: " ")[0])) }
            if !removed.isEmpty { return .replace("routes \(removed.joined(separator: ", ")) removed") }
            return .set("routes \(had.replacingOccurrences(of: ",", with: ", ")) -> \(wantText)")
        }
        if live.state == .running, marker.labels[RangeLabels.routesSet] != "\(live.id)@\(live.startedAt ?? "")" {
            return .set("routes lost (the VM restarted since they were set): set \(wantText) again")
        }
        return .none
    }

    /// The policy a router gets when it (re)starts: a declared one, all of it.
    static func freshPolicy(_ vm: DesiredVM) -> PolicyStep? {
        guard let p = vm.policy, p.declared else { return nil }
        return PolicyStep(cause: "policy (\(p.rules.count) rules)", removing: [])
    }

    /// Compares a running router's policy, as its marker recorded it and as it holds it now, with
    /// the manifest's: the rules that change (`policy: +allow jumpbox -> internal tcp/22`), rules
    /// lost to a restart, or changed by hand inside the router. All are set again in place.
    static func policyDifference(_ vm: DesiredVM, _ live: ObservedContainer, _ marker: ObservedContainer?) -> (detail: [String], step: PolicyStep)? {
        guard let p = vm.policy else { return nil }
        func step(_ detail: [String]) -> (detail: [String], step: PolicyStep) {
            (detail, PolicyStep(cause: detail.joined(separator: "; "), removing: PolicyAddress.recorded(on: marker)))
        }
        guard let marker else { return p.declared ? step(["policy: set \(p.rules.count) rules (not set yet)"]) : nil }
        if marker.labels[RangeLabels.policyHash] != p.hash {
            let old = (marker.labels[RangeLabels.policyRules] ?? "").split(separator: "\n").map(String.init)
            var lines = p.rules.filter { !old.contains($0) }.map { "policy: +" + $0 } + old.filter { !p.rules.contains($0) }.map { "policy: -" + $0 }
            if !p.declared { lines.insert("policy: removed from the manifest, rangectl's chains emptied", at: 0) }
            return step(lines.isEmpty ? ["policy: rules changed"] : lines)
        }
        guard p.declared else { return nil }
        if marker.labels[RangeLabels.policySet] != "\(live.id)@\(live.startedAt ?? "")" {
            return step(["policy lost (the router restarted since it was set): set again"])
        }
        if let text = live.policyLive, let drift = p.drift(live: text) {
            return step(["policy changed inside the router since it was set (\(drift)): set again"])
        }
        return nil
    }

    static func networkCauses(_ n: DesiredNetwork, _ live: ObservedNetwork, desired: DesiredRange) -> [String] {
        var causes: [String] = []
        if live.name != n.dockerName { causes.append("name \(live.name) -> \(n.dockerName)") }
        let spec = SpecEncoding.networkSpec(n, labels: desired.labels)
        if live.labels[RangeLabels.specHash] == SpecEncoding.hash(of: spec), causes.isEmpty { return [] }
        let want = JSONValue.object(spec)
        guard let text = live.labels[RangeLabels.spec], let had = JSONValue.parse(text) else {
            return causes + ["its spec label is missing or changed on the engine"]
        }
        causes += fieldCauses(want, had)
        if causes.isEmpty { causes.append("its spec hash label was changed on the engine") }
        return causes
    }

    static func specCauses(_ vm: DesiredVM, _ live: ObservedContainer, desired: DesiredRange) -> [String] {
        var causes: [String] = []
        if live.name != vm.dockerName { causes.append("name \(live.name) -> \(vm.dockerName)") }
        let spec = SpecEncoding.vmSpec(vm, labels: desired.labels)
        if live.labels[RangeLabels.specHash] == SpecEncoding.hash(of: spec) { return causes }
        let want = JSONValue.object(spec)
        guard let text = live.labels[RangeLabels.spec], let had = JSONValue.parse(text) else {
            return causes + ["its spec label is missing or changed on the engine"]
        }
        let fields = fieldCauses(want, had)
        return causes + (fields.isEmpty ? ["its spec hash label was changed on the engine"] : fields)
    }

    /// "image a -> b" for scalar fields, "env changed" for collections, in the spec's field order.
    static func fieldCauses(_ want: JSONValue, _ had: JSONValue) -> [String] {
        guard case let .object(fields) = want else { return [] }
        var causes: [String] = []
        for (key, value) in fields {
            let old = had[key] ?? .null
            guard old.canonical != value.canonical else { continue }
            switch (old, value) {
            case (.string, .string), (.int, .int), (.bool, .bool):
                if key == "labels" {
                    causes.append("labels changed")
                } else {
                    causes.append("\(key) \(display(old)) -> \(display(value))")
                }
            default:
                causes.append("\(key) changed")
            }
        }
        return causes
    }

    static func display(_ v: JSONValue) -> String {
        switch v {
        case let .string(s): return s
        case let .int(i): return String(i)
        case let .bool(b): return String(b)
        default: return v.serialized()
        }
    }

    /// Any change of a VM's NIC set, order or addresses is a re-create (CLI.md): the engine would
    /// renumber NICs and move the default route on a running container.
    static func interfaceCauses(_ vm: DesiredVM, _ live: ObservedContainer, desired: DesiredRange) -> [String] {
        let assigned = live.assignedInterfaces
        var causes: [String] = []
        if !assigned.elementsEqual(vm.interfaces, by: { $0.network == $1.network && $0.ip == $1.ip }) {
            func shown(_ ip: IPv4Address?) -> String { ip?.description ?? "(unreadable)" }
            for i in vm.interfaces {
                if let old = assigned.first(where: { $0.network == i.network }) {
                    if old.ip != i.ip {
                        causes.append("\(i.name) \(i.network) \(shown(old.ip)) -> \(i.ip)")
                    }
                } else {
                    causes.append("\(i.name) \(i.network) \(i.ip) added")
                }
            }
            for old in assigned where !vm.interfaces.contains(where: { $0.network == old.network }) {
                causes.append("\(old.network) \(shown(old.ip)) removed")
            }
            if causes.isEmpty {
                causes.append("interface order \(assigned.map(\.network).joined(separator: ", ")) -> \(vm.interfaces.map(\.network).joined(separator: ", "))")
            }
            return causes
        }
        // The label matches the manifest: compare with what the engine really has (drift).
        var expected: [String: DesiredInterface] = [:]
        for i in vm.interfaces { expected[desired.engineNetwork(of: i, on: vm)] = i }
        for i in vm.interfaces {
            let dockerNetwork = desired.engineNetwork(of: i, on: vm)
            guard let e = live.endpoints.first(where: { $0.network == dockerNetwork }) else {
                causes.append("\(i.name) \(i.network) was disconnected on the engine")
                continue
            }
            if let ip = e.configuredIP, ip != i.ip {
                causes.append("\(i.name) \(i.network) is \(ip) on the engine, planned \(i.ip)")
            } else if e.configuredIP == nil {
                causes.append("\(i.name) \(i.network) has no fixed address on the engine, planned \(i.ip)")
            }
        }
        for e in live.endpoints where expected[e.network] == nil {
            causes.append("attached to \(e.network) on the engine")
        }
        return causes
    }
}
