import Applier
import Engine
import Plan

/// The step after `LivePlanning`, for the commands and the tests alike: a live plan (or a
/// teardown) carried out on the engine it was planned against, by an `Applier` for its desired
/// range, with the CPU limit clamped to what that observation found. The commands add the
/// confirmation, the signals and the terminal (`ApplyRunner`).
extension LivePlan {
    /// The applier for this plan on `engine`; nil when the plan may change nothing (it has errors,
    /// or the engine was never read).
    public func applier(on engine: any ContainerEngine, parallelism: Int,
                        progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in }) -> Applier? {
        guard plan.valid, let desired = plan.desired, let inventory else { return nil }
        return Applier(engine: engine, desired: desired, cpus: inventory.cpus, parallelism: parallelism, progress: progress)
    }

    /// Carries the plan out on `engine`; nil when it may change nothing.
    public func apply(on engine: any ContainerEngine, parallelism: Int,
                      progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in }) -> ApplyReport? {
        applier(on: engine, parallelism: parallelism, progress: progress)?.apply(reconciliation)
    }
}
