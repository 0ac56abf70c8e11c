import Applier
import ArgumentParser
import DockerEngine
import Engine
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
        let live: LivePlan
        var connected: (any ContainerEngine)?
        var held: RangeLock?
        defer { held?.release() }
        if let document = JSONValue.parse(String(decoding: input.bytes, as: UTF8.self)), SavedPlan.looksLikePlan(document) {
            live = savedPlan(document, file: input.displayName, connected: &connected, lock: &held)
        } else {
            // An invalid manifest never reaches the engine; a valid one is planned under the range's lock.
            let parsed = RangeCompiler.parse(input.bytes, file: input.displayName)
            let (whole, lockFile) = addresses.compile(parsed, manifest: file, hosts: engine.hosts)
            let first = instances.select(whole)
            guard first.valid else {
                finish(Plan(range: first.rangeName, diagnostics: first.diagnostics, desired: nil, changes: []), report: nil, source: input.forSourceLines)
                throw ExitCode(1)
            }
            let e: any ContainerEngine
            switch engine.connect() {
            case let .failure(d):
                finish(Plan(range: first.rangeName, diagnostics: first.diagnostics + [d], desired: nil, changes: []), report: nil)
                throw ExitCode(1)
            case let .success(x): e = x
            }
            switch lock.acquire(first.rangeName, on: e) {
            case let .failure(d):
                finish(Plan(range: first.rangeName, diagnostics: first.diagnostics + [d], desired: nil, changes: []), report: nil)
                throw ExitCode(1)
            case let .success(l): held = l
            }
            connected = e
            let replan = { LivePlanning.plan(parsed, validated: first, hosts: engine.hosts, lock: lockFile, pulling: images.pulling,
                                             instances: instances.names, engine: { .success(e) }) }
            // Images are pulled before the plan is shown (they change no object of the range).
            live = images.pullThenReplan(replan(), engine: e, parallelism: concurrency.parallelism, json: json, replan: replan)
        }
        guard live.plan.valid, live.plan.desired != nil, let engineInUse = connected, live.inventory != nil else {
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

    /// A saved plan is applied only if the engine still holds exactly what it was planned against
    /// (`LivePlanning.saved`), checked under the range's lock.
    private func savedPlan(_ document: JSONValue, file: String, connected: inout (any ContainerEngine)?, lock held: inout RangeLock?) -> LivePlan {
        func refused(_ d: Diagnostic, range: String = "") -> LivePlan {
            LivePlan(plan: Plan(range: range, diagnostics: [d], desired: nil, changes: []), reconciliation: .none, inventory: nil)
        }
        let saved: SavedPlan
        switch SavedPlan.read(document) {
        case let .failure(e): return refused(.error(.stalePlan, "\(file) is not a plan that can be applied: \(e.reason)", at: nil))
        case let .success(s): saved = s
        }
        let e: any ContainerEngine
        switch engine.connect() {
        case let .failure(d): return refused(d, range: saved.desired.name)
        case let .success(x): e = x
        }
        connected = e
        switch lock.acquire(saved.desired.name, on: e) {
        case let .failure(d): return refused(d, range: saved.desired.name)
        case let .success(l): held = l
        }
        do {
            let replan = { LivePlanning.saved(saved, file: file, inventory: try e.observe(for: saved.desired), endpoint: e.endpoint, pulling: images.pulling) }
            let first = try replan()
            var failure: (any Error)?
            let live = images.pullThenReplan(first, engine: e, parallelism: concurrency.parallelism, json: json) {
                do { return try replan() } catch { failure = error; return first }
            }
            if let failure { throw failure }
            return live
        } catch {
            return refused(.engine(error, endpoint: e.endpoint), range: saved.desired.name)
        }
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
