import ArgumentParser
import Glibc
import RangeDiagnostics
import Workflows

/// `rangectl import FORMAT FILE`: a manifest written from another tool's range format.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Write a manifest from another tool's range format.",
        subcommands: [CyroidImportCommand.self]
    )
}

/// `rangectl import cyroid BLUEPRINT [--out FILE [--force]]`: a CYROID blueprint as a manifest,
/// on standard output or into a new file; what the manifest cannot hold is kept as comments and
/// reported as warnings. Exit 0 written, 1 when the blueprint (or `--out`) has an error.
struct CyroidImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cyroid",
        abstract: "Turn a CYROID blueprint (YAML) into a manifest."
    )

    @Argument(help: "The CYROID blueprint (YAML); - reads standard input.", completion: .manifest)
    var blueprint: String

    @Option(help: "Write the manifest to this file instead of standard output; an existing file is refused without --force.",
            completion: .file(extensions: ["yaml", "yml"]))
    var out: String?

    @Flag(help: "With --out: replace the file if it exists.")
    var force = false

    @OptionGroup var format: DiagnosticsOptions

    func validate() throws {
        if force && out == nil { throw ValidationError("--force goes with --out") }
    }

    func run() throws {
        let input = try ManifestInput.read(blueprint).orExit(format.format)
        let result = CyroidImporting.run(input.bytes, file: input.displayName)
        var diagnostics = result.diagnostics
        if let out, !force, access(out, F_OK) == 0 {
            diagnostics.append(Self.exists(out))
        } else if let out, let text = result.manifest, !diagnostics.hasErrors,
                  let failure = OutputFile.write(Array(text.utf8), to: out, mode: 0o644, what: "the manifest", exclusive: !force) {
            diagnostics.append(errno == EEXIST ? Self.exists(out) : failure)
        }
        Terminal.printDiagnostics(diagnostics, source: input.forSourceLines, format: format.format)
        guard let text = result.manifest, !diagnostics.hasErrors else { throw ExitCode(1) }
        if let out {
            let warnings = diagnostics.count
            Terminal.write("\(input.displayName): imported into \(out): range \(result.rangeName), \(result.networkCount) networks, \(result.vmCount) vms, \(warnings) warning\(warnings == 1 ? "" : "s")\n")
        } else {
            Terminal.write(text)
        }
    }

    static func exists(_ path: String) -> Diagnostic {
        .error(.fileUnreadable, "'\(path)' already exists; rangectl does not overwrite it without --force", at: nil)
    }
}
