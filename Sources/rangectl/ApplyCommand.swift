import Applier
import ArgumentParser
import DockerEngine
import Plan
import Planner
import Workflows
import RangeDiagnostics

/// `rangectl apply FILE|PLAN.json`: plan, show, confirm, then reconcile the engine to the manifest.
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Reconcile the engine to the manifest (or to a saved plan, refused if the engine changed since)."
    )

    @Argument(help: "The manifest (YAML or JSON), a plan saved with `plan --out`, or - for standard input.", completion: .manifest)
    var file: String

    @Flag(help: "Do not ask for confirmation (required when standard input is not a terminal).")
    var autoApprove = false

    @OptionGroup var concurrency: ParallelismOption

    @Flag(help: "Print one JSON document on standard output instead of text.")
    var json = false

    @OptionGroup var engine: EngineOptions

    @OptionGroup var lock: LockOptions

    @OptionGroup var addresses: LockFileOptions

    @OptionGroup var images: PullOptions

    @OptionGroup var instances: InstanceOptions

    @OptionGroup var diagnostics: DiagnosticsOptions

    func run() throws {
        let input: ManifestInput
        switch ManifestInput.read(file) {
        case let .failure(d):
            finish(Plan(range: "", diagnostics: [d], desired: nil, changes: []), report: nil)
            throw ExitCode(1)
        case let .success(i):
            input = i
        }
        let source: ApplySource
        if let document = JSONValue.parse(String(decoding: input.bytes, as: UTF8.self)), SavedPlan.looksLikePlan(document) {
            source = .saved(document, file: input.displayName)
        } else {
            let parsed = RangeCompiler.parse(input.bytes, file: input.displayName)
            let (whole, lockFile) = addresses.compile(parsed, manifest: file, hosts: engine.hosts)
            source = .manifest(parsed, validated: instances.select(whole), lock: lockFile)
        }
        let settings = ApplySettings(hosts: engine.hosts, pull: images.pull, instances: instances.names,
                                     lockTimeout: lock.lockTimeout, parallelism: concurrency.parallelism)
        // Images are pulled before the plan is shown (they change no object of the range).
        let quiet = json
        let prepared = ApplyPreparing.prepare(source, settings: settings, connect: { engine.connect() },
                                              pulled: { if !quiet { Terminal.write(PullOptions.progressLine($0)) } })
        defer { prepared.lock?.release() }
        if !json && !prepared.pulls.isEmpty && prepared.pulls.allSatisfy({ $0.failure == nil }) { Terminal.write("\n") }
        let live = prepared.live
        guard prepared.ready, let engineInUse = prepared.engine else {
            finish(live.plan, report: nil, source: input.forSourceLines)
            throw ExitCode(1)
        }
        if !json { PlanCommand.show(live.plan, json: false, source: input.forSourceLines, format: diagnostics.format) }
        if live.reconciliation.graph.isEmpty {
            if json {
                finish(live.plan, report: ApplyReport())
            } else if let calls = engineCalls(engineInUse) {
                Terminal.write("Nothing to apply (\(calls) engine calls in all).\n")
            }
            return
        }
        let runner = ApplyRunner(engine: engineInUse, parallelism: concurrency.parallelism, autoApprove: autoApprove, json: json,
                                 diagnosticsFormat: diagnostics.format)
        let report = try runner.run(live, verb: "apply")
        if json { finish(live.plan, report: report) }
        if !report.succeeded { throw ExitCode(1) }
    }

    /// The JSON document (plan, and the apply's result when there was one), or the diagnostics alone;
    /// printed as `PlanCommand.show` prints a plan's.
    private func finish(_ plan: Plan, report: ApplyReport?, source: ManifestInput? = nil) {
        guard json else {
            Terminal.printDiagnostics(plan.diagnostics, source: source, format: diagnostics.format)
            return
        }
        Terminal.streamJSON { w in
            w.beginObject()
            PlanJSON.writeFields(plan, into: &w)
            if let report {
                w.key("apply")
                w.value(ApplyRunner.reportJSON(report))
            }
            w.endObject()
        }
        Terminal.printDiagnostics(plan.diagnostics, format: diagnostics.format, besideJSON: true)
    }
}
