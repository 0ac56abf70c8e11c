import RangeDiagnostics

/// What a plan against a live engine decides from a compiled range and one observation: the range
/// as this engine needs it (see `PrimaryRoute`), the preflight's diagnostics and the diff. Pure:
/// `rangectl plan`, `apply` and the applier's tests all decide through this one function.
public struct LiveDecision: Sendable {
    public var desired: DesiredRange
    /// The preflight's errors and warnings (the caller adds the manifest's own).
    public var diagnostics: [Diagnostic]
    /// Empty when the preflight found an error: nothing may change then.
    public var reconciliation: Reconciliation
    /// The fingerprint of the range's observed objects, saved with a plan.
    public var fingerprint: String

    /// `pulling`: apply pulls missing images first (see `Preflight.check`).
    public init(_ compiled: DesiredRange, _ inventory: EngineInventory, pulling: Bool = false) {
        desired = PrimaryRoute.pinned(compiled, layout: inventory.interfaceLayout)
        diagnostics = Preflight.check(desired, inventory, pulling: pulling)
        let observed = inventory.observed(desired)
        reconciliation = diagnostics.hasErrors ? .none : Reconciler.reconcile(desired, observed, inventory.capabilities)
        fingerprint = observed.fingerprint
    }
}
