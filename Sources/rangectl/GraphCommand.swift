import ArgumentParser
import Foundation
import Glibc
import Planner
import RangeDiagnostics
import RangeGraph
import Workflows

/// What `graph` writes: text for Graphviz or Mermaid, or a picture drawn by Graphviz's `dot`.
enum GraphFormat: String, CaseIterable, ExpressibleByArgument {
    case dot, mermaid, svg, png

    /// True for the formats `dot` draws (bytes that are not the DOT or Mermaid text itself).
    var drawn: Bool {
        switch self {
        case .dot, .mermaid: return false
        case .svg, .png: return true
        }
    }
}

/// `rangectl graph FILE`: the range as a picture (networks as boxes, VMs, one line per NIC),
/// from the manifest alone or, with `--live`, with each VM's state and addresses as the engine
/// holds them.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw the range: networks, VMs and one line per NIC, as DOT, Mermaid, SVG or PNG."
    )

    @Argument(help: "The manifest (YAML or JSON); - reads standard input.", completion: .manifest)
    var file: String

    @Option(help: "dot or mermaid (text), or svg or png (drawn by Graphviz's dot).")
    var format: GraphFormat = .dot

    @Option(help: "Write to this file instead of standard output.", completion: .file())
    var out: String?

    @Flag(help: "Read each VM's state and addresses from the engine; what differs from the plan is marked.")
    var live = false

    @OptionGroup var concurrency: ParallelismOption

    @OptionGroup var engine: EngineOptions

    @OptionGroup var diagnostics: DiagnosticsOptions

    @OptionGroup var copy: OneInstanceOption

    func validate() throws {
        if !live && (engine.host != nil || !engine.engines.isEmpty) {
            throw ValidationError("--host and --engine are read only with --live")
        }
    }

    func run() throws {
        // What cannot work is refused before the manifest is read or the engine asked.
        if format.drawn && out == nil && isatty(STDOUT_FILENO) != 0 {
            Terminal.printDiagnostics([.error(.terminalOutput, "refusing to write \(format.rawValue.uppercased()) to a terminal: give --out FILE, or redirect standard output", at: nil)],
                                      format: diagnostics.format)
            throw ExitCode(1)
        }
        let dot = format.drawn ? try Graphviz.locate(path: ProcessInfo.processInfo.environment["PATH"]).orExit(diagnostics.format) : nil

        let input = try ManifestInput.read(file).orExit(diagnostics.format)
        let parsed = RangeCompiler.parse(input.bytes, file: input.displayName)
        let hosts = live ? engine.hosts : []
        // Drawn with the lock file's addresses, as plan gives them.
        let (whole, lock) = LockFiles.compile(parsed, manifest: file, hosts: hosts, locked: false)
        let compilation = copy.select(whole)
        Terminal.printDiagnostics(compilation.diagnostics, source: input.forSourceLines, format: diagnostics.format)
        guard compilation.valid, let desired = compilation.desired else { throw ExitCode(1) }

        let topology: Topology
        if live {
            let e = try engine.connect().orExit(diagnostics.format)
            let inventory = try CommandSteps.observe(e, routes: false, format: diagnostics.format)
            topology = LiveGraph.topology(parsed, validated: desired, inventory: inventory, engine: e, hosts: hosts,
                                          lock: lock, instance: copy.instance, parallelism: concurrency.parallelism)
        } else {
            topology = Topology(desired)
        }

        let bytes: [UInt8]
        switch format {
        case .dot: bytes = Array(DOTRenderer.render(topology).utf8)
        case .mermaid: bytes = Array(MermaidRenderer.render(topology).utf8)
        case .svg, .png: bytes = try Graphviz.draw(DOTRenderer.render(topology), format: format.rawValue, dot: dot!).orExit(diagnostics.format)
        }
        if let out {
            if let failure = OutputFile.write(bytes, to: out, mode: 0o644, what: "the picture") {
                Terminal.printDiagnostics([failure], format: diagnostics.format)
                throw ExitCode(1)
            }
        } else {
            // The renderers escaped every value they show; a picture is written as dot drew it.
            Terminal.write(bytes, to: STDOUT_FILENO)
        }
    }
}
