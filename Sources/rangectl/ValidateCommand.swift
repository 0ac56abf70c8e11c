import ArgumentParser
import Planner
import RangeDiagnostics
import Workflows

/// `rangectl validate FILE`: parse and check a manifest with no engine; exit 0 valid, 1 invalid.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Parse and check a manifest (no engine needed)."
    )

    @Argument(help: "The manifest (YAML or JSON); - reads standard input.", completion: .manifest)
    var file: String

    @Flag(help: "Print one JSON document on standard output instead of text.")
    var json = false

    @OptionGroup var diagnostics: DiagnosticsOptions

    func run() throws {
        let compilation: Compilation
        var parsed: ParsedManifest?
        var source: ManifestInput?
        switch ManifestInput.read(file) {
        case let .failure(d):
            compilation = Compilation(rangeName: "", desired: nil, diagnostics: [d])
        case let .success(input):
            source = input.forSourceLines
            parsed = RangeCompiler.parse(input.bytes, file: input.displayName)
            compilation = LockFiles.compile(parsed!, manifest: file, hosts: [], locked: false).0
        }
        if json {
            Terminal.printJSON(.object([
                ("format_version", .string("1")),
                ("valid", .bool(compilation.valid)),
                ("diagnostics", .array(compilation.diagnostics.map(\.json))),
            ]))
            Terminal.printDiagnostics(compilation.diagnostics, format: diagnostics.format, besideJSON: true)
        } else {
            Terminal.printDiagnostics(compilation.diagnostics, source: source, format: diagnostics.format)
            if let d = compilation.desired {
                Terminal.write("\(file == "-" ? "<stdin>" : file): valid: range \(d.name), \(d.networks.count) networks, \(d.vms.count) vms, \(d.interfaceCount) interfaces\n")
            }
        }
        Terminal.exit(compilation.valid ? 0 : 1, keeping: parsed as Any, compilation)
    }
}
