import Foundation
import Plan
import Planner
import TestSupport
@testable import Verify

/// Compiles manifest text the way the CLI does; nil when it has an error.
func range(_ text: String) -> DesiredRange? {
    RangeCompiler.compile(Array(text.utf8), file: "t.yaml").desired
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

/// A probe as one comparable line: `jumpbox 172.30.1.2 -> db01 172.30.2.5 tcp/22 pass`, with
/// the listener's address and port after `=>` when they differ from the dialled ones (NAT).
func line(_ p: Probe) -> String {
    var out = "\(p.source.name) \(p.source.address) -> \(p.destination.name) \(p.dialled) \(p.portText) \(p.expected.rawValue)"
    if p.dialled != p.destination.address || p.listenPort != p.port {
        out += " => \(p.destination.address):\(p.listenPort.map(String.init) ?? "-")"
    }
    return out
}
