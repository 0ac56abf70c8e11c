import ComposeExport
import Planner
import RangeDiagnostics

/// `export compose`: a manifest compiled offline with its lock file's pins (as `plan --offline`
/// assigns the addresses), written as a Compose file.
public enum ComposeExporting {
    /// The file for `compilation` (nil when it is invalid) and every diagnostic in source order:
    /// the compilation's and the export's `export-dropped` warnings. The planner's `host-ignored`
    /// (which says to pass `--engine`, an option export does not have) gives way to the export's
    /// own warning at the same `host:`.
    public static func export(_ parsed: ParsedManifest, compilation: Compilation, target: ComposeTarget) -> (text: String?, diagnostics: [Diagnostic]) {
        let compiled = compilation.diagnostics.filter { $0.code != .hostIgnored }
        guard compilation.valid, let desired = compilation.desired else { return (nil, compilation.diagnostics) }
        let placements = (parsed.raw?.vms ?? []).compactMap { vm -> ComposePlacement? in
            guard let hostname = vm.hostname?.value, let host = vm.host else { return nil }
            return ComposePlacement(hostname: hostname, host: host.value, location: host.location)
        }
        let document = ComposeExporter.export(desired, target: target, placements: placements)
        return (document.text, (compiled + document.diagnostics).sortedBySource())
    }
}
