import Foundation
import Plan
import Planner
import TestSupport

// Manifests compiled the way the CLI compiles them, for the tests of the modules that take a
// compiled range (Policy, Verify, RangeGraph). Kept apart from TestSupport, which knows no module.

/// Manifest text compiled as `t.yaml`; nil when it has an error.
public func range(_ text: String) -> DesiredRange? {
    RangeCompiler.compile(Array(text.utf8), file: "t.yaml").desired
}

/// An example manifest (a path relative to the package root) compiled; it must be valid.
public func exampleRange(_ path: String) throws -> DesiredRange {
    let bytes = try Data(contentsOf: packageRoot.appendingPathComponent(path))
    let c = RangeCompiler.compile(Array(bytes), file: path)
    guard let desired = c.desired else { throw ExampleError(path: path, diagnostics: c.diagnostics.map(\.message)) }
    return desired
}

/// An example that did not compile, with its diagnostics.
public struct ExampleError: Error {
    public var path: String
    public var diagnostics: [String]
}
