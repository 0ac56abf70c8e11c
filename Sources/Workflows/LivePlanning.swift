import Engine
import Manifest
import Plan
import Planner
import RangeDiagnostics

/// A plan made against a live engine, with what the apply needs to carry it out.
public struct LivePlan: Sendable {
    public var plan: Plan
    public var reconciliation: Reconciliation
    /// The observation it was planned from (nil when the engine was never read).
    public var inventory: EngineInventory?

    public init(plan: Plan, reconciliation: Reconciliation, inventory: EngineInventory?) {
        self.plan = plan
        self.reconciliation = reconciliation
        self.inventory = inventory
    }

    /// A plan that went no further than `diagnostics` (nothing may change).
    static func refused(_ range: String, _ diagnostics: [Diagnostic], engine: EngineInfo? = nil, inventory: EngineInventory? = nil) -> LivePlan {
        LivePlan(plan: Plan(range: range, diagnostics: diagnostics, desired: nil, changes: [], engine: engine),
                 reconciliation: .none, inventory: inventory)
    }
}

/// The workflows of `plan`, `apply` and `destroy` up to the engine's changes, for the commands and
/// the tests alike: observe once, keep live addresses, check before changing, diff (Compose's
/// reconcile). The commands keep arguments, the terminal and exit codes.
public enum LivePlanning {
    /// Plans a parsed manifest against the engine. The manifest is planned without pins first
    /// (unless the caller did, `validated`): an invalid manifest never reaches the engine.
    /// `hosts`: the node names VMs are placed over when the engine is a swarm's (else empty).
    /// `lock`: the manifest's lock file, whose pins come before the live range's.
    /// `pulling`: apply pulls missing images before it applies (a warning, not an error; see `Preflight`).
    /// `instances`: only these instances (`--instance`; empty: the whole range).
    public static func plan(_ parsed: ParsedManifest, validated: Compilation? = nil, hosts: [String] = [], lock: LockFile.Read? = nil,
                            pulling: Bool = false, instances: [String] = [], engine: () -> Result<any ContainerEngine, Diagnostic>) -> LivePlan {
        let first = InstanceRules.select(validated ?? RangeCompiler.plan(parsed, hosts: hosts, lock: lock), instances)
        guard first.valid, first.desired != nil else { return .refused(first.rangeName, first.diagnostics) }
        let connected: any ContainerEngine
        switch engine() {
        case let .failure(d): return .refused(first.rangeName, first.diagnostics + [d])
        case let .success(e): connected = e
        }
        let inventory: EngineInventory
        do {
            inventory = try connected.observe(for: first.desired)
        } catch {
            return .refused(first.rangeName, first.diagnostics + [.engine(error, endpoint: connected.endpoint)])
        }
        return plan(parsed, inventory: inventory, endpoint: connected.endpoint, hosts: hosts, lock: lock, pulling: pulling, instances: instances)
    }

    /// Plans a parsed manifest against an observation: the addresses the range's VMs hold are
    /// kept (pins), then preflight and diff.
    public static func plan(_ parsed: ParsedManifest, inventory: EngineInventory, endpoint: String, hosts: [String] = [],
                            lock: LockFile.Read? = nil, pulling: Bool = false, instances: [String] = []) -> LivePlan {
        let compiled = compile(parsed, inventory: inventory, hosts: hosts, lock: lock)
        return against(InstanceRules.select(compiled, instances), inventory: inventory, endpoint: endpoint, pulling: pulling)
    }

    /// The manifest compiled as this engine's live range has it: the addresses and instance
    /// blocks its objects hold are kept (after the lock's).
    public static func compile(_ parsed: ParsedManifest, inventory: EngineInventory, hosts: [String] = [], lock: LockFile.Read? = nil) -> Compilation {
        let range = parsed.raw?.name?.value ?? ""
        return RangeCompiler.plan(parsed, pins: pins(inventory, range: range), blocks: blocks(inventory, range: range), hosts: hosts, lock: lock)
    }

    /// The addresses rangectl gave the range's existing VMs (from their labels), for the planner
    /// to keep: what a plan against this engine assigns them.
    public static func pins(_ inventory: EngineInventory, range: String) -> [Pin] {
        inventory.observed(range: range).assignedAddresses.map { Pin(hostname: $0.hostname, network: $0.network, address: $0.ip, instance: $0.instance) }
    }

    /// The blocks the range's instances hold on the engine: an address of each instance's first
    /// network (by name), whose block the planner keeps for it.
    public static func blocks(_ inventory: EngineInventory, range: String) -> [BlockPin] {
        inventory.observed(range: range).networks.compactMap { n in
            guard let instance = n.instance, let subnet = n.subnet else { return nil }
            return BlockPin(instance: instance, address: subnet.network)
        }
    }

    /// Preflight and diff of a compiled (or saved) desired range against an inventory.
    public static func against(_ compiled: Compilation, inventory: EngineInventory, endpoint: String, pulling: Bool = false) -> LivePlan {
        let info = EngineInfo(host: endpoint, apiVersion: inventory.apiVersion)
        guard let compiledDesired = compiled.desired else {
            return .refused(compiled.rangeName, compiled.diagnostics, engine: info, inventory: inventory)
        }
        let decision = LiveDecision(compiledDesired, inventory, pulling: pulling)
        let diagnostics = (compiled.diagnostics + decision.diagnostics).uniqued().sortedBySource()
        if diagnostics.hasErrors {
            return .refused(compiledDesired.name, diagnostics, engine: info, inventory: inventory)
        }
        let reconciliation = decision.reconciliation
        let plan = Plan(range: decision.desired.name, diagnostics: diagnostics, desired: decision.desired, changes: reconciliation.changes,
                        engine: info, fingerprint: decision.fingerprint, operations: reconciliation.graph)
        return LivePlan(plan: plan, reconciliation: reconciliation, inventory: inventory)
    }
}

extension LivePlanning {
    /// A saved plan (`plan --out`) checked against a fresh observation: applied only if the
    /// engine still holds exactly what it was planned against, and it still plans the same changes.
    public static func saved(_ saved: SavedPlan, file: String, inventory: EngineInventory, endpoint: String, pulling: Bool = false) -> LivePlan {
        let range = saved.desired.name
        let stale = Diagnostic.error(.stalePlan, "the engine changed since \(file) was planned; plan again", at: nil)
        guard inventory.observed(saved.desired).fingerprint == saved.fingerprint else { return .refused(range, [stale]) }
        let live = against(Compilation(rangeName: range, desired: saved.desired, diagnostics: []), inventory: inventory, endpoint: endpoint, pulling: pulling)
        if live.plan.valid && live.plan.changes != saved.changes { return .refused(range, [stale]) }
        return live
    }

    /// `destroy`: every object the range owns by label (of `instances` only, when given), removed; nothing else.
    public static func teardown(_ range: String, instances: [String] = [], inventory: EngineInventory, endpoint: String) -> LivePlan {
        let observed = inventory.observed(range: range, instances: instances.isEmpty ? nil : Set(instances))
        let teardown = Reconciler.teardown(observed, inventory.capabilities)
        let empty = DesiredRange(name: range, labels: [], networks: [], vms: [])
        let plan = Plan(range: range, diagnostics: [], desired: empty, changes: teardown.changes,
                        engine: EngineInfo(host: endpoint, apiVersion: inventory.apiVersion), operations: teardown.graph)
        return LivePlan(plan: plan, reconciliation: teardown, inventory: inventory)
    }
}
