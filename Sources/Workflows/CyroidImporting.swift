import Importers
import Manifest
import Planner
import RangeDiagnostics

/// What `rangectl import cyroid` produced from one blueprint.
public struct CyroidImportResult: Sendable {
    /// The manifest text; nil when an error was found (then nothing is written).
    public var manifest: String?
    /// The range's name and size, for the command's summary.
    public var rangeName: String
    public var networkCount: Int
    public var vmCount: Int
    /// Every diagnostic, in blueprint order; all located in the blueprint.
    public var diagnostics: [Diagnostic]
}

/// The import of a CYROID blueprint, as the command and the tests run it: read it, convert it,
/// check the result with the planner's own rules at the blueprint's places, write it, and read
/// the text back as a manifest (it must validate; anything else is a bug of the writer). No I/O.
public enum CyroidImporting {
    /// The name the written manifest is read back under, in the rare message about it.
    static let writtenName = "<imported manifest>"

    public static func run(_ bytes: [UInt8], file: String) -> CyroidImportResult {
        let (blueprint, readDiagnostics) = CyroidBlueprintReader.read(bytes, file: file)
        guard let blueprint else {
            return CyroidImportResult(manifest: nil, rangeName: "", networkCount: 0, vmCount: 0, diagnostics: readDiagnostics.sortedBySource())
        }
        var (model, importDiagnostics) = CyroidImport.convert(blueprint)
        // The planner's rules (overlaps, addresses, duplicate names, routers, policy), located in
        // the blueprint. A firewall_rules entry the planner refuses is kept as a comment instead
        // (CYROID only documents those rules), and the rest is planned again without it.
        var (_, planDiagnostics) = Planner.plan(model.raw)
        let refused = model.refusePolicyEntries(planDiagnostics.filter { $0.severity == .error })
        if !refused.isEmpty {
            importDiagnostics += refused
            planDiagnostics = Planner.plan(model.raw).1
        }
        var diagnostics = (readDiagnostics + importDiagnostics + planDiagnostics).sortedBySource()
        var text: String?
        if !diagnostics.hasErrors {
            let written = ManifestWriter.write(model)
            let check = RangeCompiler.compile(Array(written.utf8), file: writtenName)
            if check.valid && !check.diagnostics.hasErrors {
                text = written
            } else {
                diagnostics += check.diagnostics.filter { $0.severity == .error }.map { d in
                    .error(d.code, "the manifest written from this blueprint does not read back, a bug of rangectl's importer: \(d.message) (at line \(d.location?.line ?? 0) of the written manifest)", at: nil)
                }
            }
        }
        return CyroidImportResult(manifest: text, rangeName: model.name.value, networkCount: model.networks.count, vmCount: model.vms.count,
                                  diagnostics: diagnostics)
    }
}
