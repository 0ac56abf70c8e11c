import ArgumentParser
import Engine
import Plan
import Planner
import RangeDiagnostics
import Workflows

extension Result where Failure == Diagnostic {
    /// The value; or the diagnostic printed in `format` and exit 1.
    func orExit(_ format: DiagnosticsFormat) throws -> Success {
        switch self {
        case let .success(value): return value
        case let .failure(d):
            Terminal.printDiagnostics([d], format: format)
            throw ExitCode(1)
        }
    }
}

/// Steps shared by the commands that read a manifest and then talk to an engine.
enum CommandSteps {
    /// The manifest read and compiled; its diagnostics printed in `format`; exit 1 when it is invalid.
    /// `instances`: `--instance`, checked against the manifest's instances (no selection is made).
    static func compiledManifest(_ file: String, hosts: [String] = [], instances: InstanceOptions? = nil,
                                 format: DiagnosticsFormat) throws -> (parsed: ParsedManifest, compilation: Compilation, lock: LockFile.Read?) {
        let input = try ManifestInput.read(file).orExit(format)
        // With the lock file's pins, so that status shows the addresses plan and apply give.
        let parsed = RangeCompiler.parse(input.bytes, file: input.displayName)
        var (compilation, lock) = LockFiles.compile(parsed, manifest: file, hosts: hosts, locked: false)
        if let instances { compilation.diagnostics = instances.select(compilation).diagnostics }
        Terminal.printDiagnostics(compilation.diagnostics, source: input, format: format)
        guard compilation.valid else { throw ExitCode(1) }
        return (parsed, compilation, lock)
    }

    /// One observation of the engine (with start times of routed VMs when `routes`); exit 1 on
    /// failure, its diagnostic printed in `format`.
    static func observe(_ engine: any ContainerEngine, routes: Bool, format: DiagnosticsFormat) throws -> EngineInventory {
        do {
            return try routes ? engine.observe() : engine.inventory()
        } catch {
            Terminal.printDiagnostics([.engine(error, endpoint: engine.endpoint)], format: format)
            throw ExitCode(1)
        }
    }
}
