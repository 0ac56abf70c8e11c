import Engine
import Foundation
import Plan
import RangeDiagnostics

/// `apply --pull`: the images a range needs and the engine lacks (or all, with `always`) pulled
/// through the engine before the plan is made, so that its preflight sees them.
public enum ImagePulling {
    /// One pull as it ended: its time, and the failure's diagnostic if it failed.
    public struct Outcome: Sendable {
        public var need: ImageNeed
        public var seconds: Double
        public var failure: Diagnostic?
    }

    /// Pulls each image on the node that needs it, up to `parallelism` at once; `progress` hears
    /// each as it ends (from the pulling threads, one at a time). The outcomes in `needs`' order.
    public static func pull(_ needs: [ImageNeed], on engine: any ContainerEngine, parallelism: Int,
                            progress: @escaping @Sendable (Outcome) -> Void) -> [Outcome] {
        let reporting = NSLock()
        return Concurrent.map(needs, width: parallelism) { need in
            let start = Date()
            var failure: Diagnostic?
            do {
                try engine.pullImage(need.image, host: need.host)
            } catch {
                let what = need.helper ? "the helper image \(need.image)" : "image \(need.image)"
                failure = .error(.imagePullFailed, "\(what) could not be pulled on \(need.engineText): \(error)", at: need.location)
            }
            let outcome = Outcome(need: need, seconds: Date().timeIntervalSince(start), failure: failure)
            reporting.lock()
            progress(outcome)
            reporting.unlock()
            return outcome
        }
    }
}

extension ImagePulling {
    /// Pulls what `live` needs by `policy` (`progress` hears each pull as it ends), then plans
    /// again with `replan` so that the preflight sees the images. The plan unchanged when there is
    /// nothing to pull; refused (image-pull-failed) when a pull fails. Also the pulls' outcomes.
    public static func pullThenReplan(_ live: LivePlan, policy: PullPolicy, engine: any ContainerEngine, parallelism: Int,
                                      progress: @escaping @Sendable (Outcome) -> Void,
                                      replan: () -> LivePlan) -> (live: LivePlan, pulls: [Outcome]) {
        guard live.plan.valid, let desired = live.plan.desired, let inventory = live.inventory else { return (live, []) }
        let needs = ImageNeeds.toPull(desired, inventory, policy: policy)
        if needs.isEmpty { return (live, []) }
        let outcomes = pull(needs, on: engine, parallelism: parallelism, progress: progress)
        let failures = outcomes.compactMap(\.failure)
        guard failures.isEmpty else {
            let diagnostics = live.plan.diagnostics.filter { $0.code != .imagePull } + failures
            return (.refused(live.plan.range, diagnostics, engine: live.plan.engine, inventory: inventory), outcomes)
        }
        return (replan(), outcomes)
    }
}
