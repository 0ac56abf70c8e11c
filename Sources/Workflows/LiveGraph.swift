import Engine
import Plan
import Planner
import RangeGraph

/// `graph --live`: the range's picture with what the engine holds, read the way `status` reads
/// it (`RangeStatus.collect`, one inventory and one read inside each running VM), and compared
/// with what a plan against this engine gives (the manifest planned with the addresses the
/// range's VMs were given, as `plan` keeps them).
public enum LiveGraph {
    /// The live topology of a parsed manifest that compiled as `validated` without pins (the
    /// caller compiled it first and reported its diagnostics; pins never make it invalid, but
    /// should they, `validated` is what is drawn).
    public static func topology(_ parsed: ParsedManifest, validated: DesiredRange, inventory: EngineInventory, engine: any ContainerEngine,
                                hosts: [String] = [], lock: LockFile.Read? = nil, instance: String? = nil, parallelism: Int) -> Topology {
        // With instances, the copy `validated` was narrowed to (see `InstanceRules.one`).
        let whole = LivePlanning.compile(parsed, inventory: inventory, hosts: hosts, lock: lock)
        let compiled = validated.instances.isEmpty ? whole : InstanceRules.one(whole, instance ?? validated.instances.first?.name)
        let desired = compiled.valid ? compiled.desired ?? validated : validated
        let (_, views) = RangeStatus.collect(desired, inventory: inventory, engine: engine, parallelism: parallelism)
        return Topology(desired, observed: observed(views))
    }

    /// What `status` read, as the graph's input: VMs that are absent are left out (the topology
    /// marks every VM it has no observation of as absent).
    public static func observed(_ views: [VMStatus]) -> [ObservedVM] {
        views.compactMap { v in
            guard let state = v.containerState else { return nil }
            return ObservedVM(hostname: v.hostname, state: state, host: v.host, nics: v.nics.map {
                ObservedNIC(name: $0.name, network: $0.network, rangeNetwork: $0.rangeNetwork, address: $0.address, nameRead: !$0.predicted)
            })
        }
    }
}
