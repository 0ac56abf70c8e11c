import ArgumentParser

/// The `rangectl` root command: a compiler from range manifests to plans and engine state.
struct RangeCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rangectl",
        abstract: "Compile cyber-range manifests into plans and reconcile a Docker engine to them.",
        version: "0.1.0",
        subcommands: [ValidateCommand.self, PlanCommand.self, ApplyCommand.self, DestroyCommand.self, StatusCommand.self, VerifyCommand.self, LockCommand.self, GraphCommand.self, ExportCommand.self, SchemaCommand.self, ImportCommand.self]
    )
}
