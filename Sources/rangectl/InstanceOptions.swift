import ArgumentParser
import Planner

/// `--instance NAME` (repeatable) on `plan`, `apply`, `destroy` and `status`: act on these
/// instances of a manifest with `instances:` only; without it, on every instance.
struct InstanceOptions: ParsableArguments {
    @Option(name: .customLong("instance"),
            help: ArgumentHelp("Only this instance of the manifest's instances: (repeatable; default: every instance).", valueName: "name"))
    var names: [String] = []

    /// The compilation narrowed to the chosen instances (`unknown-instance` when one is not the manifest's).
    func select(_ compilation: Compilation) -> Compilation { InstanceRules.select(compilation, names) }
}

/// `--instance NAME` on `graph` and `export compose`, which show one copy of a range with instances.
struct OneInstanceOption: ParsableArguments {
    @Option(help: ArgumentHelp("The instance to show, of the manifest's instances: (default: the first).", valueName: "name"))
    var instance: String?

    func select(_ compilation: Compilation) -> Compilation { InstanceRules.one(compilation, instance) }
}
