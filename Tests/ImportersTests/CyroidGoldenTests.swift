import Foundation
import Planner
import Testing
import TestSupport
import Workflows

/// Each test blueprint's manifest and diagnostics, compared byte for byte with checked-in
/// goldens. Re-record on purpose with `RANGECTL_RECORD_GOLDEN=1 swift test --filter
/// CyroidGoldenTests`, then review the diff; a golden is never written when the variable is unset.
struct CyroidGoldenTests {
    static let recording = ProcessInfo.processInfo.environment["RANGECTL_RECORD_GOLDEN"] == "1"

    @Test(arguments: validFixtures + invalidFixtures)
    func importMatchesGoldens(_ name: String) throws {
        let result = try importFixture(name)
        try compare(rendered(result.diagnostics), golden: "\(name).diagnostics.txt")
        let manifestGolden = goldenDir.appendingPathComponent("\(name).manifest.yaml")
        if let manifest = result.manifest {
            try compare(manifest, golden: "\(name).manifest.yaml")
        } else if !Self.recording {
            #expect(!FileManager.default.fileExists(atPath: manifestGolden.path), "\(name) gave no manifest but has a golden one")
        }
    }

    @Test(.disabled(if: recording, "recording writes the goldens this test looks for"))
    func everyFixtureHasItsGoldens() {
        for name in validFixtures + invalidFixtures {
            #expect(FileManager.default.fileExists(atPath: goldenDir.appendingPathComponent("\(name).diagnostics.txt").path), "no golden diagnostics for \(name)")
        }
        for name in validFixtures {
            #expect(FileManager.default.fileExists(atPath: goldenDir.appendingPathComponent("\(name).manifest.yaml").path), "no golden manifest for \(name)")
        }
    }

    func compare(_ actual: String, golden: String) throws {
        let url = goldenDir.appendingPathComponent(golden)
        if Self.recording {
            try FileManager.default.createDirectory(at: goldenDir, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "\(golden) differs; re-record with RANGECTL_RECORD_GOLDEN=1 if the change is intended")
    }
}
