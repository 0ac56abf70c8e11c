import Foundation
import Testing
import TestSupport

/// `--engine NAME=URL`: malformed entries are refused (exit 1) before anything is read; placement
/// over the names works offline; one engine keeps today's behaviour (host: ignored, warned).
struct EngineOptionsTests {
    static let manifest = """
        version: 1
        name: tcli-swarm
        networks:
          - {name: a, subnet: 10.201.70.0/24}
        vms:
          - {hostname: web, image: busybox:latest, host: n2, networks: [a]}
          - {hostname: db, image: busybox:latest, networks: [a]}
        """

    func file(_ text: String = manifest) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tcli-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: [
        (["--engine", "n1"], "--engine takes NAME=URL"),
        (["--engine", "n1=unix:///a", "--engine", "n1=unix:///b"], "engine name 'n1' is given twice"),
        (["--engine", "n/1=unix:///a"], "may only hold letters, digits"),
        (["--engine", "n1=unix:///a", "--host", "unix:///b"], "give either --host or --engine"),
    ])
    func malformedEnginesAreUsageErrors(_ arguments: [String], _ message: String) throws {
        let r = try cli("plan", "--offline", try file(), arguments: arguments)
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }

    @Test func anOfflinePlanOverTwoEnginesPlacesEveryVM() throws {
        let r = try cli("plan", "--offline", "--json", try file(), arguments: ["--engine", "n1=unix:///x", "--engine", "n2=unix:///y"])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any])
        let vms = try #require(doc["vms"] as? [[String: Any]])
        #expect(vms.first { $0["hostname"] as? String == "web" }?["host"] as? String == "n2")
        #expect(["n1", "n2"].contains(vms.first { $0["hostname"] as? String == "db" }?["host"] as? String ?? ""))
    }

    @Test func withoutEnginesHostIsIgnoredWithAWarning() throws {
        let r = try cli("plan", "--offline", "--json", try file())
        #expect(r.status == 0)
        #expect(r.stderr.contains("[host-ignored]") || r.stdout.contains("host-ignored"), "\(r.stdout)\(r.stderr)")
        #expect(!r.stdout.contains("\"host\""))
    }
}

/// rangectl with `arguments` before the manifest (the last of `words`), without RANGECTL_ENGINES.
private func cli(_ words: String..., arguments: [String] = []) throws -> RunResult {
    try run(rangectlBinary, Array(words.dropLast()) + arguments + [words.last!], environment: ["RANGECTL_ENGINES": ""])
}
