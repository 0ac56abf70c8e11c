import Manifest
import Plan
import RangeDiagnostics

/// The result of compiling one manifest: the range (nil when invalid) and its diagnostics in source order.
public struct Compilation: Sendable {
    /// The range's name as written, or "" when it could not be read.
    public var rangeName: String
    public var desired: DesiredRange?
    public var diagnostics: [Diagnostic]

    public var valid: Bool { desired != nil && !diagnostics.hasErrors }

    public init(rangeName: String, desired: DesiredRange?, diagnostics: [Diagnostic]) {
        self.rangeName = rangeName
        self.desired = desired
        self.diagnostics = diagnostics
    }
}

/// Text to validated, address-complete range: parse, decode, plan. No I/O.
public enum RangeCompiler {
    public static func compile(_ bytes: [UInt8], file: String, pins: [Pin] = []) -> Compilation {
        let (raw, readDiagnostics) = ManifestReader.read(bytes, file: file)
        guard let raw else {
            return Compilation(rangeName: "", desired: nil, diagnostics: readDiagnostics.sortedBySource())
        }
        let (desired, planDiagnostics) = Planner.plan(raw, pins: pins)
        let all = (readDiagnostics + planDiagnostics).sortedBySource()
        return Compilation(rangeName: raw.name?.value ?? "", desired: all.hasErrors ? nil : desired, diagnostics: all)
    }
}
