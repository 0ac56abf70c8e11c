import ArgumentParser
import Glibc
import Plan
import Planner
import RangeDiagnostics

/// `rangectl plan FILE`: compile the manifest into a plan and print it (text or JSON).
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Compile the plan: what the engine needs to match the manifest."
    )

    @Argument(help: "The manifest (YAML or JSON); - reads standard input.")
    var file: String

    @Flag(help: "Plan with no engine: everything is to be created.")
    var offline = false

    @Flag(help: "Print one JSON document on standard output instead of text.")
    var json = false

    @Flag(help: "Exit 0 when there are no changes, 2 when there are, 1 on error.")
    var detailedExitcode = false

    @Option(help: "Also save the plan as JSON to this path (only when the plan is valid).")
    var out: String?

    func run() throws {
        var diagnostics: [Diagnostic] = []
        var plan = Plan(range: "", diagnostics: [], desired: nil, changes: [])
        switch ManifestInput.read(file) {
        case let .failure(d):
            diagnostics = [d]
        case let .success(input):
            let compilation = RangeCompiler.compile(input.bytes, file: input.displayName)
            diagnostics = compilation.diagnostics
            if let desired = compilation.desired {
                if offline {
                    plan = Plan.offline(desired, diagnostics: diagnostics)
                } else {
                    diagnostics.append(.error(.engineUnreachable, "planning against a live engine is not available in this build; use --offline", at: nil))
                }
            } else {
                plan.range = compilation.rangeName
            }
        }
        plan.diagnostics = diagnostics
        if plan.valid, let out {
            if let failure = Self.save(PlanJSON.document(plan).serialized(pretty: true) + "\n", to: out) {
                plan.diagnostics.append(failure)
            }
        }
        if json {
            Terminal.printJSON(PlanJSON.document(plan))
        } else {
            Terminal.printDiagnostics(plan.diagnostics)
            if plan.valid { Terminal.write(PlanText.render(plan)) }
        }
        guard plan.valid else { throw ExitCode(1) }
        if detailedExitcode && !plan.changes.isEmpty { throw ExitCode(2) }
    }

    /// Writes the saved plan; a failure is a diagnostic naming the path.
    static func save(_ text: String, to path: String) -> Diagnostic? {
        let bytes = Array(text.utf8)
        guard let f = fopen(path, "wb") else {
            return .error(.fileUnreadable, "cannot write the plan to '\(path)': \(String(cString: strerror(errno)))", at: nil)
        }
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
        let closed = fclose(f)
        if written != bytes.count || closed != 0 {
            return .error(.fileUnreadable, "cannot write the plan to '\(path)': \(String(cString: strerror(errno)))", at: nil)
        }
        return nil
    }
}
