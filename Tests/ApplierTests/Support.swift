import Applier
import Engine
import InMemoryEngine
import Plan
import Planner
import RangeDiagnostics
import Testing
import Workflows

/// A small manifest for the applier's tests: range `t`, networks a (10.200.1.0/24) and b (10.200.2.0/24).
func lab(_ vms: String, networks: String = "  - {name: a, subnet: 10.200.1.0/24}\n  - {name: b, subnet: 10.200.2.0/24}") -> String {
    "version: 1\nname: t\nnetworks:\n\(networks)\n" + (vms.isEmpty ? "vms: []\n" : "vms:\n\(vms)\n")
}

/// What one plan against the engine decided: the live plan as `rangectl plan` would make it.
struct Planned {
    var desired: DesiredRange
    var diagnostics: [Diagnostic]
    var reconciliation: Reconciliation
    var fingerprint: String
}

/// Observe, pin, compile, preflight and reconcile: `rangectl plan`'s own workflow, without the CLI.
func plan(_ text: String, on engine: any ContainerEngine) throws -> Planned {
    let parsed = RangeCompiler.parse(Array(text.utf8), file: "t.yaml")
    let live = LivePlanning.plan(parsed, inventory: try engine.observe(), endpoint: engine.endpoint)
    // Refused by preflight, the plan has no range; the tests still read the manifest's.
    let desired = try #require(live.plan.desired ?? RangeCompiler.plan(parsed).desired, "invalid manifest: \(live.plan.diagnostics)")
    return Planned(desired: desired, diagnostics: live.plan.diagnostics, reconciliation: live.reconciliation,
                   fingerprint: live.plan.fingerprint ?? "")
}

/// Plans and applies; returns the plan and the report.
@discardableResult
func apply(_ text: String, on engine: InMemoryEngine, parallelism: Int = 8) throws -> (Planned, ApplyReport) {
    let p = try plan(text, on: engine)
    #expect(!p.diagnostics.hasErrors, "preflight: \(p.diagnostics.map(\.message))")
    let applier = Applier(engine: engine, desired: p.desired, cpus: engine.cpus, parallelism: parallelism) { _ in }
    return (p, applier.apply(p.reconciliation))
}

/// The changes as `action kind name: detail; detail`.
func describe(_ changes: [Change]) -> [String] {
    changes.map { c in "\(c.action.rawValue) \(c.kind.rawValue) \(c.name)" + (c.detail.isEmpty ? "" : ": " + c.detail.joined(separator: "; ")) }
}

/// The graph's nodes in plan order as `id <- [dependencies]`.
func edges(_ graph: OperationGraph) -> [String] {
    graph.nodes.map { "\($0.id) <- [\($0.dependsOn.joined(separator: ", "))]" }
}
