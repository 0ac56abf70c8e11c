import Engine
import Plan
import Planner
import RangeDiagnostics

/// A plan made against a live engine, with what the apply needs to carry it out.
struct LivePlan {
    var plan: Plan
    var reconciliation: Reconciliation
    var inventory: EngineInventory?
}

/// Observe once, keep live addresses, check before changing, diff (Compose's reconcile).
enum LivePlanning {
    /// Plans a parsed manifest against the engine. The manifest is planned without pins first
    /// (unless the caller did, `validated`): an invalid manifest never reaches the engine.
    static func plan(_ parsed: ParsedManifest, validated: Compilation? = nil,
                     engine: () -> Result<any ContainerEngine, Diagnostic>) -> LivePlan {
        let first = validated ?? RangeCompiler.plan(parsed)
        guard first.valid, first.desired != nil else {
            return LivePlan(plan: Plan(range: first.rangeName, diagnostics: first.diagnostics, desired: nil, changes: []),
                            reconciliation: .none, inventory: nil)
        }
        let connected: any ContainerEngine
        switch engine() {
        case let .failure(d):
            return LivePlan(plan: Plan(range: first.rangeName, diagnostics: first.diagnostics + [d], desired: nil, changes: []),
                            reconciliation: .none, inventory: nil)
        case let .success(e):
            connected = e
        }
        let inventory: EngineInventory
        do {
            inventory = try connected.observe()
        } catch {
            return LivePlan(plan: Plan(range: first.rangeName, diagnostics: first.diagnostics + [.engine(error, endpoint: connected.endpoint)],
                                       desired: nil, changes: []),
                            reconciliation: .none, inventory: nil)
        }
        let observed = inventory.observed(range: first.rangeName)
        let pins = observed.assignedAddresses.map { Pin(hostname: $0.hostname, network: $0.network, address: $0.ip) }
        let compiled = RangeCompiler.plan(parsed, pins: pins)
        return against(compiled, inventory: inventory, engine: connected)
    }

    /// Preflight and diff of a compiled (or saved) desired range against an inventory.
    static func against(_ compiled: Compilation, inventory: EngineInventory, engine: any ContainerEngine) -> LivePlan {
        let info = EngineInfo(host: engine.endpoint, apiVersion: inventory.apiVersion.description)
        guard let compiledDesired = compiled.desired else {
            return LivePlan(plan: Plan(range: compiled.rangeName, diagnostics: compiled.diagnostics, desired: nil, changes: [], engine: info),
                            reconciliation: .none, inventory: inventory)
        }
        let decision = LiveDecision(compiledDesired, inventory)
        let diagnostics = (compiled.diagnostics + decision.diagnostics).sortedBySource()
        if diagnostics.hasErrors {
            return LivePlan(plan: Plan(range: compiledDesired.name, diagnostics: diagnostics, desired: nil, changes: [], engine: info),
                            reconciliation: .none, inventory: inventory)
        }
        let reconciliation = decision.reconciliation
        let plan = Plan(range: decision.desired.name, diagnostics: diagnostics, desired: decision.desired, changes: reconciliation.changes,
                        engine: info, fingerprint: decision.fingerprint, operations: reconciliation.graph)
        return LivePlan(plan: plan, reconciliation: reconciliation, inventory: inventory)
    }
}
