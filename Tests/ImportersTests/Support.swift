import Foundation
import Importers
import RangeDiagnostics
import TestSupport
import Workflows

/// The blueprints written for these tests (from CYROID.md), by name without `.yaml`.
let fixtureDir = packageRoot.appendingPathComponent("Tests/ImportersTests/Fixtures")
let goldenDir = packageRoot.appendingPathComponent("Tests/ImportersTests/Golden")

/// Blueprints that import without an error.
let validFixtures = ["segmented-firewall", "single-nic", "windows-domain"]
/// Blueprints that must be refused, every problem located.
let invalidFixtures = ["broken", "not-yaml"]

/// The path a fixture is named by in diagnostics and the manifest's header (relative, so the
/// goldens do not depend on where the checkout is).
func fixturePath(_ name: String) -> String { "Tests/ImportersTests/Fixtures/\(name).yaml" }

func fixtureBytes(_ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: fixtureDir.appendingPathComponent("\(name).yaml")))
}

func importFixture(_ name: String) throws -> CyroidImportResult {
    CyroidImporting.run(try fixtureBytes(name), file: fixturePath(name))
}

/// Imports blueprint text named `b.yaml`.
func importText(_ text: String) -> CyroidImportResult {
    CyroidImporting.run(Array(text.utf8), file: "b.yaml")
}

/// Diagnostics as `severity code@line:column`.
func codes(_ result: CyroidImportResult) -> [String] {
    result.diagnostics.map { "\($0.severity.rawValue) \($0.code.rawValue)@\($0.location?.line ?? 0):\($0.location?.column ?? 0)" }
}

/// Diagnostics in the one-line form the command prints.
func rendered(_ diagnostics: [Diagnostic]) -> String {
    DiagnosticRenderer(colour: false).render(diagnostics)
}
