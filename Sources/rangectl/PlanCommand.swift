import ArgumentParser
import DockerEngine
import Engine
import Glibc
import Plan
import Planner
import RangeDiagnostics
import Workflows

/// `rangectl plan FILE`: compile the manifest into a plan against the engine (or `--offline`)
/// and print it, as text or JSON.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Compile the plan: what the engine needs to match the manifest."
    )

    @Argument(help: "The manifest (YAML or JSON); - reads standard input.", completion: .manifest)
    var file: String

    @Flag(help: "Plan with no engine: everything is to be created.")
    var offline = false

    @Flag(help: "Print one JSON document on standard output instead of text.")
    var json = false

    @Flag(help: "Exit 0 when there are no changes, 2 when there are, 1 on error.")
    var detailedExitcode = false

    @Option(help: "Also save the plan as JSON to this path (only when the plan is valid).")
    var out: String?

    @OptionGroup var engine: EngineOptions

    @OptionGroup var addresses: LockFileOptions

    @OptionGroup var images: PullOptions

    @OptionGroup var instances: InstanceOptions

    @OptionGroup var diagnostics: DiagnosticsOptions

    func run() throws {
        var plan: Plan
        var parsed: ParsedManifest?
        var source: ManifestInput?
        switch ManifestInput.read(file) {
        case let .failure(d):
            plan = Plan(range: "", diagnostics: [d], desired: nil, changes: [])
        case let .success(input):
            source = input.forSourceLines
            let parsedNow = RangeCompiler.parse(input.bytes, file: input.displayName)
            parsed = parsedNow
            // An invalid manifest (or, with --locked, a stale lock) never reaches the engine.
            let (whole, lockFile) = addresses.compile(parsedNow, manifest: file, hosts: engine.hosts)
            let compilation = instances.select(whole)
            if offline || !compilation.valid {
                plan = compilation.valid ? Plan.offline(compilation.desired!, diagnostics: compilation.diagnostics)
                    : Plan(range: compilation.rangeName, diagnostics: compilation.diagnostics, desired: nil, changes: [])
            } else {
                plan = LivePlanning.plan(parsedNow, validated: compilation, hosts: engine.hosts, lock: lockFile, pulling: images.pulling,
                                         instances: instances.names, engine: { engine.connect() }).plan
            }
        }
        if plan.valid, let out {
            // The saved plan is apply's input: it keeps sensitive values (like Terraform's plan file), readable by its owner only.
            if let failure = Self.save(PlanJSON.text(plan, revealSensitive: true, pretty: true) + "\n", to: out) {
                plan.diagnostics.append(failure)
            }
        }
        Self.show(plan, json: json, source: source, format: diagnostics.format)
        let status: Int32 = !plan.valid ? 1 : detailedExitcode && !plan.changes.isEmpty ? 2 : 0
        Terminal.exit(status, keeping: parsed as Any, plan)
    }

    /// Prints a plan: JSON on stdout (diagnostics inside, and beside it on stderr as GitHub
    /// workflow commands in that `format`), or diagnostics on stderr in `format` (with their
    /// source lines from `source` on a terminal) and the text plan.
    static func show(_ plan: Plan, json: Bool, source: ManifestInput? = nil, format: DiagnosticsFormat) {
        if json {
            Terminal.streamJSON { w in
                w.beginObject()
                PlanJSON.writeFields(plan, into: &w)
                w.endObject()
            }
            Terminal.printDiagnostics(plan.diagnostics, format: format, besideJSON: true)
        } else {
            Terminal.printDiagnostics(plan.diagnostics, source: source, format: format)
            if plan.valid { Terminal.write(PlanText.render(plan)) }
        }
    }

    /// Writes the saved plan; a failure is a diagnostic naming the path.
    static func save(_ text: String, to path: String) -> Diagnostic? {
        OutputFile.write(Array(text.utf8), to: path, mode: 0o600, what: "the plan")
    }
}
