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

    /// The line a pull prints as it ends.
    static func progressLine(_ outcome: ImagePulling.Outcome) -> String {
        let on = outcome.need.host.map { " on \($0)" } ?? ""
        let what = outcome.need.helper ? "helper image" : "image"
        let seconds = String(format: "%.2fs", outcome.seconds)
        return outcome.failure == nil ? "  + pulled \(what) \(outcome.need.image)\(on) (\(seconds))\n"
                                      : "  ! pull of \(what) \(outcome.need.image)\(on) FAILED after \(seconds)\n"
    }
}
