import ArgumentParser
import Engine
import Plan
import Planner
import RangeDiagnostics
import Workflows

/// `rangectl destroy FILE`: remove every object the range owns by label, and nothing else.
struct DestroyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy",
        abstract: "Remove every engine object of the range (by its labels), nothing else."
    )

    @Argument(help: "The manifest (YAML or JSON); - reads standard input.", completion: .manifest)
    var file: String

    @Flag(help: "Do not ask for confirmation (required when standard input is not a terminal).")
    var autoApprove = false

    @OptionGroup var concurrency: ParallelismOption

    @OptionGroup var engine: EngineOptions

    @OptionGroup var lock: LockOptions

    @OptionGroup var diagnostics: DiagnosticsOptions

    @OptionGroup var instances: InstanceOptions

    func run() throws {
        let format = diagnostics.format
        let compilation = try CommandSteps.compiledManifest(file, hosts: engine.hosts, instances: instances, format: format).compilation
        let settings = ApplySettings(hosts: engine.hosts, instances: instances.names, lockTimeout: lock.lockTimeout,
                                     parallelism: concurrency.parallelism)
        let prepared = ApplyPreparing.teardown(compilation.rangeName, settings: settings, connect: { engine.connect() })
        defer { prepared.lock?.release() }
        guard prepared.ready, let e = prepared.engine else {
            Terminal.printDiagnostics(prepared.live.plan.diagnostics, format: format)
            throw ExitCode(1)
        }
        let teardown = prepared.live
        let which = instances.names.isEmpty ? "" : " instance\(instances.names.count == 1 ? "" : "s") \(instances.names.joined(separator: ", ")) of"
        Terminal.write(PlanText.render(teardown.plan, header: "rangectl: destroy\(which) range \(compilation.rangeName) on \(e.endpoint)"))
        guard !teardown.reconciliation.graph.isEmpty, teardown.plan.desired != nil else { return }
        let runner = ApplyRunner(engine: e, parallelism: concurrency.parallelism, autoApprove: autoApprove, json: false, diagnosticsFormat: format)
        let report = try runner.run(teardown, verb: "destroy")
        if !report.succeeded { throw ExitCode(1) }
    }
}
