import Foundation
import Plan
import Planner
import RangeDiagnostics

/// The lock file beside a manifest (`lab.yaml.lock`, see `LockFile`): read by `validate`, `plan`,
/// `apply`, `status` and `graph` as pins when it exists; checked by `--locked`.
public enum LockFiles {
    /// The path of the lock beside `manifest`; none for standard input.
    public static func path(beside manifest: String) -> String? { manifest == "-" ? nil : manifest + ".lock" }

    /// The lock beside `manifest`: nil when there is none.
    public static func read(beside manifest: String) -> LockFile.Read? {
        guard let path = path(beside: manifest), FileManager.default.fileExists(atPath: path) else { return nil }
        switch ManifestInput.read(path) {
        case let .failure(d): return LockFile.Read(lock: nil, file: path, diagnostics: [d])
        case let .success(input): return LockFile.read(input.bytes, file: path)
        }
    }

    /// The manifest planned offline with its lock's pins; when `locked`, invalid (lock-stale) when
    /// the lock is missing or `rangectl lock` would change it. Also the lock, for the live plan.
    public static func compile(_ parsed: ParsedManifest, manifest file: String, hosts: [String], locked: Bool) -> (Compilation, LockFile.Read?) {
        let lock = read(beside: file)
        var compilation = RangeCompiler.plan(parsed, hosts: hosts, lock: lock)
        if locked, compilation.valid, let desired = compilation.desired, let stale = staleness(lock, desired: desired, manifest: file) {
            compilation.diagnostics.append(stale)
        }
        return (compilation, lock)
    }

    /// The lock-stale error when the lock `rangectl lock` would write for `desired` differs from
    /// the one read (or there is none), naming the interfaces that differ.
    public static func staleness(_ read: LockFile.Read?, desired: DesiredRange, manifest: String) -> Diagnostic? {
        let wanted = LockFile(desired)
        guard let read, let path = path(beside: manifest) else {
            return .error(.lockStale, "--locked: \(manifest) has no lock file (\(manifest).lock); run `rangectl lock \(manifest)` and commit it", at: nil)
        }
        guard let lock = read.lock else { return nil }   // unreadable: its lock-invalid error says so
        let sorted = lock.sorted
        guard sorted != wanted else { return nil }
        var changes = sorted.differences(to: wanted)
        if lock.range != wanted.range { changes.insert("range \(lock.range) -> \(wanted.range)", at: 0) }
        return .error(.lockStale, "--locked: the lock would change (\(changes.count) difference\(changes.count == 1 ? "" : "s")): "
                      + changes.joined(separator: "; ") + "; run `rangectl lock \(manifest)` and commit it",
                      at: SourceLocation(file: path, line: 1, column: 1))
    }
}
