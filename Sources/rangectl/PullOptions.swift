import ArgumentParser
import Engine
import Plan
import RangeDiagnostics
import Workflows

extension PullPolicy: ExpressibleByArgument {}

/// `--pull missing|always|never` on `plan` and `apply`: what apply pulls before it applies.
struct PullOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Images apply pulls through the engine first: those it lacks, every one the range uses, or none (then a missing image is an error).",
                               valueName: "missing|always|never"))
    var pull: PullPolicy = .missing

    /// Whether the plan may count on apply's pulls (a missing image is then a warning).
    var pulling: Bool { pull != .never }

    /// Pulls what `live` needs by the policy, one progress line each (none with `json`), then
    /// plans again with `replan` so that the preflight sees the images. The plan unchanged when
    /// there is nothing to pull; refused (image-pull-failed, exit 1) when a pull fails.
    func pullThenReplan(_ live: LivePlan, engine: any ContainerEngine, parallelism: Int, json: Bool,
                        replan: () -> LivePlan) -> LivePlan {
        guard live.plan.valid, let desired = live.plan.desired, let inventory = live.inventory else { return live }
        let needs = ImageNeeds.toPull(desired, inventory, policy: pull)
        if needs.isEmpty { return live }
        let outcomes = ImagePulling.pull(needs, on: engine, parallelism: parallelism) { outcome in
            guard !json else { return }
            let on = outcome.need.host.map { " on \($0)" } ?? ""
            let what = outcome.need.helper ? "helper image" : "image"
            let seconds = String(format: "%.2fs", outcome.seconds)
            Terminal.write(outcome.failure == nil ? "  + pulled \(what) \(outcome.need.image)\(on) (\(seconds))\n"
                                                  : "  ! pull of \(what) \(outcome.need.image)\(on) FAILED after \(seconds)\n")
        }
        let failures = outcomes.compactMap(\.failure)
        guard failures.isEmpty else {
            var refused = live
            refused.plan = Plan(range: live.plan.range, diagnostics: live.plan.diagnostics.filter { $0.code != .imagePull } + failures,
                                desired: nil, changes: [], engine: live.plan.engine)
            return refused
        }
        if !json { Terminal.write("\n") }
        return replan()
    }
}
