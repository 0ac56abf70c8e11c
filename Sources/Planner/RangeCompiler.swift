import Manifest
import Plan
import Policy
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

/// A manifest parsed and shape-checked, ready to be planned (again, with pins) without re-reading it.
public struct ParsedManifest: Sendable {
    public var raw: RawManifest?
    public var diagnostics: [Diagnostic]
}

/// Text to validated, address-complete range: parse, decode, plan. No I/O.
public enum RangeCompiler {
    public static func compile(_ bytes: [UInt8], file: String, pins: [Pin] = [], hosts: [String] = []) -> Compilation {
        plan(parse(bytes, file: file), pins: pins, hosts: hosts)
    }

    public static func parse(_ bytes: [UInt8], file: String) -> ParsedManifest {
        let (raw, diagnostics) = ManifestReader.read(bytes, file: file)
        return ParsedManifest(raw: raw, diagnostics: diagnostics)
    }

    /// `hosts`: the swarm nodes VMs are placed on (see `Placement`); fewer than two: one engine.
    /// `lock`: the manifest's lock file, if it has one; its pins come before `pins` (those of the
    /// live range), so the lock decides where both know an interface. `blocks`: the blocks the
    /// live range's instances hold (after the lock's).
    public static func plan(_ parsed: ParsedManifest, pins: [Pin] = [], blocks: [BlockPin] = [], hosts: [String] = [],
                            lock: LockFile.Read? = nil) -> Compilation {
        guard let raw = parsed.raw else {
            return Compilation(rangeName: "", desired: nil, diagnostics: (parsed.diagnostics + (lock?.diagnostics ?? [])).sortedBySource())
        }
        var lockPins: [Pin] = []
        var lockBlocks: [BlockPin] = []
        var lockDiagnostics = lock?.diagnostics ?? []
        if let lock, let file = lock.lock {
            let (p, b, d) = file.pins(for: raw, file: lock.file)
            lockPins = p
            lockBlocks = b
            lockDiagnostics += d
        }
        let (desired, planDiagnostics) = raw.instances.map {
            InstanceRules.plan(raw, $0, pins: lockPins + pins, blocks: lockBlocks + blocks, hosts: hosts)
        } ?? Planner.plan(raw, pins: lockPins + pins, hosts: hosts)
        let all = (parsed.diagnostics + lockDiagnostics + planDiagnostics).sortedBySource()
        return Compilation(rangeName: raw.name?.value ?? "", desired: all.hasErrors ? nil : desired.map(PolicyCompiler.attach), diagnostics: all)
    }
}
