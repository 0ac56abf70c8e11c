import Foundation
import Plan
import Planner
import TestSupport

/// Compiles manifest text the way the CLI does; nil when it has an error.
func range(_ text: String) -> DesiredRange? {
    RangeCompiler.compile(Array(text.utf8), file: "t.yaml").desired
}

/// The example manifests that have a `policy:`, as paths relative to the package root.
func policyExamples() -> [String] {
    ((try? exampleManifests()) ?? []).filter { path in
        let text = (try? String(contentsOf: packageRoot.appendingPathComponent(path), encoding: .utf8)) ?? ""
        return text.contains("\npolicy:")
    }
}

/// An example compiled (it must be valid).
func exampleRange(_ path: String) throws -> DesiredRange {
    let bytes = try Data(contentsOf: packageRoot.appendingPathComponent(path))
    let c = RangeCompiler.compile(Array(bytes), file: path)
    guard let desired = c.desired else { throw ExampleError(path: path, diagnostics: c.diagnostics.map(\.message)) }
    return desired
}

struct ExampleError: Error {
    var path: String
    var diagnostics: [String]
}

/// `iptables-restore` and `unshare`, when both are here and we may make a network namespace.
let netnsTools: (restore: URL, unshare: URL)? = {
    let fm = FileManager.default
    guard getuid() == 0,
          let restore = ["/usr/sbin/iptables-restore", "/sbin/iptables-restore"].first(where: fm.isExecutableFile(atPath:)),
          let unshare = ["/usr/bin/unshare", "/bin/unshare"].first(where: fm.isExecutableFile(atPath:)) else { return nil }
    return (URL(fileURLWithPath: restore), URL(fileURLWithPath: unshare))
}()
