import ArgumentParser
import Manifest
import ComposeExport
import Glibc
import Plan
import Planner
import RangeDiagnostics
import Workflows

/// `rangectl export FORMAT FILE`: the range in another tool's format.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the range in another tool's format.",
        subcommands: [ExportComposeCommand.self]
    )
}

extension ComposeTarget: ExpressibleByArgument {}

/// `rangectl export compose FILE`: a docker-compose.yml with the range's networks and one
/// service per VM, named and addressed as rangectl would apply them (offline, with the lock file).
struct ExportComposeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compose",
        abstract: "Write the range as a Compose file: its networks, one service per VM, every address as plan --offline assigns it."
    )

    @Argument(help: "The manifest (YAML or JSON); - reads standard input.", completion: .manifest)
    var file: String

    @Option(help: ArgumentHelp(
        "v1: Compose 1.29 (Debian's docker-compose) and v2, any engine; v2: Compose 2.36+ on Docker 28.1+, with interface_name and gw_priority (the manifest's NIC order and default route).",
        valueName: "v1|v2"))
    var target: ComposeTarget = .v1

    @Option(help: "Write to this file instead of standard output.", completion: .file())
    var out: String?

    @OptionGroup var addresses: LockFileOptions

    @OptionGroup var diagnostics: DiagnosticsOptions

    @OptionGroup var copy: OneInstanceOption

    func run() throws {
        let format = diagnostics.format
        let input = try ManifestInput.read(file).orExit(format)
        let parsed = RangeCompiler.parse(input.bytes, file: input.displayName)
        let (whole, _) = addresses.compile(parsed, manifest: file, hosts: [])
        let compilation = copy.select(whole)
        let (text, found) = ComposeExporting.export(parsed, compilation: compilation, target: target)
        Terminal.printDiagnostics(found, source: input.forSourceLines, format: format)
        guard let text, let desired = compilation.desired else { throw ExitCode(1) }
        let bytes = Array(text.utf8)
        if let out {
            // Env values are written as they are (Compose needs them); a secret-looking one keeps the file its owner's.
            let secret = desired.vms.contains { $0.env.contains { Sensitive.isSensitive($0.key) } }
            if let failure = OutputFile.write(bytes, to: out, mode: secret ? 0o600 : 0o644, what: "the Compose file") {
                Terminal.printDiagnostics([failure], format: format)
                throw ExitCode(1)
            }
        } else {
            // The emitter escaped every control and bidi character (YAMLScalar).
            Terminal.write(bytes, to: STDOUT_FILENO)
        }
    }
}
