import Foundation
import Testing
import TestSupport

/// The text and JSON plan, the DOT and Mermaid graph and the Compose export (both targets) of every example manifest, compared byte
/// for byte with checked-in goldens. Re-record on purpose with
/// `RANGECTL_RECORD_GOLDEN=1 swift test --filter GoldenTests`, then review the diff; a golden
/// file is never written when the variable is unset.
struct GoldenTests {
    static let goldenDir = packageRoot.appendingPathComponent("Tests/CLITests/Golden")
    static let recording = ProcessInfo.processInfo.environment["RANGECTL_RECORD_GOLDEN"] == "1"

    static let manifests: [String] = (try? exampleManifests()) ?? []

    @Test(.disabled(if: recording, "recording writes the goldens this test looks for"))
    func everyExampleHasGoldens() throws {
        #expect(Self.manifests.count >= 4)
        for m in Self.manifests {
            let base = URL(fileURLWithPath: m).deletingPathExtension().lastPathComponent
            for ext in ["plan.txt", "plan.json", "graph.dot", "graph.mmd", "compose-v1.yml", "compose-v2.yml"] {
                #expect(FileManager.default.fileExists(atPath: Self.goldenDir.appendingPathComponent("\(base).\(ext)").path), "no golden \(base).\(ext)")
            }
        }
    }

    @Test(arguments: manifests)
    func textPlan(_ manifest: String) throws {
        let result = try rangectl("plan", "--offline", manifest)
        #expect(result.status == 0, "\(result.stderr)")
        try compare(result.stdout, golden: "\(name(manifest)).plan.txt")
    }

    @Test(arguments: manifests)
    func jsonPlan(_ manifest: String) throws {
        try withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("plan.json")
            let result = try rangectl("plan", "--offline", "--json", "--out", out.path, manifest)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.isEmpty)
            let saved = try String(contentsOf: out, encoding: .utf8)
            try compare(saved, golden: "\(name(manifest)).plan.json")
            // The compact stdout document and the saved, indented one carry the same data.
            let a = try JSONSerialization.jsonObject(with: result.stdoutBytes) as? NSDictionary
            let b = try JSONSerialization.jsonObject(with: Data(saved.utf8)) as? NSDictionary
            #expect(a != nil && a == b)
        }
    }

    @Test(arguments: manifests)
    func dotGraph(_ manifest: String) throws {
        let result = try rangectl("graph", manifest)
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        try compare(result.stdout, golden: "\(name(manifest)).graph.dot")
    }

    @Test(arguments: manifests)
    func mermaidGraph(_ manifest: String) throws {
        let result = try rangectl("graph", "--format", "mermaid", manifest)
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        try compare(result.stdout, golden: "\(name(manifest)).graph.mmd")
    }

    @Test(arguments: manifests)
    func composeV1(_ manifest: String) throws {
        let result = try rangectl("export", "compose", manifest)
        #expect(result.status == 0, "\(result.stderr)")
        try compare(result.stdout, golden: "\(name(manifest)).compose-v1.yml")
    }

    @Test(arguments: manifests)
    func composeV2(_ manifest: String) throws {
        let result = try rangectl("export", "compose", "--target", "v2", manifest)
        #expect(result.status == 0, "\(result.stderr)")
        try compare(result.stdout, golden: "\(name(manifest)).compose-v2.yml")
    }

    func name(_ manifest: String) -> String {
        URL(fileURLWithPath: manifest).deletingPathExtension().lastPathComponent
    }

    func compare(_ actual: String, golden: String) throws {
        let url = Self.goldenDir.appendingPathComponent(golden)
        if Self.recording {
            try FileManager.default.createDirectory(at: Self.goldenDir, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "\(golden) differs; re-record with RANGECTL_RECORD_GOLDEN=1 if the change is intended")
    }
}
