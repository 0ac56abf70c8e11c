import Foundation
import Testing
import TestSupport

/// `rangectl import cyroid`: streams, exit codes, `--out` and `--force`, and output identical
/// across processes (the manifests themselves are golden-tested in ImportersTests).
struct ImportCommandTests {
    static let fixtures = "Tests/ImportersTests/Fixtures"
    static let segmented = "\(fixtures)/segmented-firewall.yaml"

    @Test func theManifestGoesToStandardOutputAndWarningsToStandardError() throws {
        let r = try rangectl("import", "cyroid", Self.segmented)
        #expect(r.status == 0, "\(r.stderr)")
        let golden = try String(contentsOf: packageRoot.appendingPathComponent("Tests/ImportersTests/Golden/segmented-firewall.manifest.yaml"), encoding: .utf8)
        #expect(r.stdout == golden)
        #expect(r.stderr.contains("\(Self.segmented):96:1: warning: 'events' not imported"))
        #expect(r.stderr.split(separator: "\n").allSatisfy { $0.hasSuffix("[import-dropped]") || $0.hasSuffix("[import-adjusted]") })
    }

    @Test func twoRunsGiveTheSameBytes() throws {
        for name in ["segmented-firewall", "windows-domain", "single-nic"] {
            let a = try rangectl("import", "cyroid", "\(Self.fixtures)/\(name).yaml")
            let b = try rangectl("import", "cyroid", "\(Self.fixtures)/\(name).yaml")
            #expect(a.status == 0 && a.stdoutBytes == b.stdoutBytes && a.stderr == b.stderr)
        }
    }

    @Test func outWritesANewFileThatValidatesAndRefusesAnExistingOneWithoutForce() throws {
        try withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("range.yaml").path
            let first = try rangectl("import", "cyroid", Self.segmented, "--out", out)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout == "\(Self.segmented): imported into \(out): range harbor-breach, 3 networks, 4 vms, 9 warnings\n")
            let written = try String(contentsOfFile: out, encoding: .utf8)
            #expect(written == (try rangectl("import", "cyroid", Self.segmented)).stdout)
            let validate = try rangectl("validate", out)
            #expect(validate.status == 0, "\(validate.stderr)")
            #expect(validate.stderr.isEmpty)

            try "keep me\n".write(toFile: out, atomically: true, encoding: .utf8)
            let refused = try rangectl("import", "cyroid", Self.segmented, "--out", out)
            #expect(refused.status == 1)
            #expect(refused.stdout.isEmpty)
            #expect(refused.stderr.hasSuffix("error: '\(out)' already exists; rangectl does not overwrite it without --force [file-unreadable]\n"))
            #expect(try String(contentsOfFile: out, encoding: .utf8) == "keep me\n")

            let forced = try rangectl("import", "cyroid", Self.segmented, "--out", out, "--force")
            #expect(forced.status == 0, "\(forced.stderr)")
            #expect(try String(contentsOfFile: out, encoding: .utf8) == written)
        }
    }

    @Test func aBrokenBlueprintExitsOneWithEveryErrorAndWritesNothing() throws {
        try withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("range.yaml").path
            let r = try rangectl("import", "cyroid", "\(Self.fixtures)/broken.yaml", "--out", out)
            #expect(r.status == 1)
            #expect(r.stdout.isEmpty)
            let golden = try String(contentsOf: packageRoot.appendingPathComponent("Tests/ImportersTests/Golden/broken.diagnostics.txt"), encoding: .utf8)
            #expect(r.stderr == golden)
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        let notYAML = try rangectl("import", "cyroid", "\(Self.fixtures)/not-yaml.yaml")
        #expect(notYAML.status == 1)
        #expect(notYAML.stderr.contains("not-yaml.yaml:3:3: error: ") && notYAML.stderr.contains("[yaml-syntax]"))
    }

    @Test func standardInputUnreadableFilesAndUsage() throws {
        let stdin = try rangectl("import", "cyroid", "-", stdin: Data("seed_id: s\nnetworks: []\nvms: []\nevents: []\n".utf8))
        #expect(stdin.status == 0)
        #expect(stdin.stdout.hasPrefix("# Imported by `rangectl import cyroid` from the CYROID blueprint <stdin>.\n"))
        #expect(stdin.stderr == "<stdin>:4:1: warning: 'events' not imported (the exercise's MSEL; rangectl schedules nothing); kept as a comment [import-dropped]\n")

        let missing = try rangectl("import", "cyroid", "no/such/blueprint.yaml")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("[file-unreadable]"))

        let usage = try rangectl("import", "cyroid", Self.segmented, "--force")
        #expect(usage.status == 1)
        #expect(usage.stderr.contains("--force goes with --out"))
    }
}
