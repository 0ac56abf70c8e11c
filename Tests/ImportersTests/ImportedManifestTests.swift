import Foundation
@testable import Importers
import Manifest
import Planner
import RangeDiagnostics
import Testing
import Workflows

/// What every imported manifest must be: valid by the project's own rules, the same bytes on
/// every run, and exactly the model when read back by the project's own manifest reader.
struct ImportedManifestTests {
    @Test(arguments: validFixtures)
    func validatesWithoutADiagnostic(_ name: String) throws {
        let result = try importFixture(name)
        #expect(!result.diagnostics.hasErrors, "\(rendered(result.diagnostics))")
        let manifest = try #require(result.manifest)
        let compilation = RangeCompiler.compile(Array(manifest.utf8), file: "imported.yaml")
        #expect(compilation.valid)
        #expect(compilation.diagnostics.isEmpty, "\(rendered(compilation.diagnostics))")
    }

    /// The note that replaces base_subnet_prefix shows `instances:` lines that work as written:
    /// uncommented, the manifest plans two copies of the range.
    @Test func theBaseSubnetPrefixNoteHoldsAWorkingInstancesExample() throws {
        let manifest = try #require(try importFixture("segmented-firewall").manifest)
        let lines = manifest.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex(of: "#     instances:"))
        var edited = lines
        for k in start..<(start + 3) { edited[k] = String(lines[k].dropFirst(6)) }
        let compilation = RangeCompiler.compile(Array(edited.joined(separator: "\n").utf8), file: "imported.yaml")
        #expect(compilation.valid, "\(rendered(compilation.diagnostics))")
        #expect(compilation.desired?.instances.map(\.name) == ["alice", "bob"])
    }

    @Test(arguments: validFixtures + invalidFixtures)
    func importingTwiceGivesTheSameBytes(_ name: String) throws {
        let a = try importFixture(name), b = try importFixture(name)
        #expect(a.manifest == b.manifest)
        #expect(rendered(a.diagnostics) == rendered(b.diagnostics))
    }

    @Test(arguments: invalidFixtures)
    func aBrokenBlueprintGivesNoManifest(_ name: String) throws {
        let result = try importFixture(name)
        #expect(result.manifest == nil)
        #expect(result.diagnostics.hasErrors)
        #expect(result.diagnostics.allSatisfy { $0.location?.file == fixturePath(name) })
    }

    /// The manifest read back by `ManifestReader` holds exactly the model's values.
    @Test(arguments: validFixtures)
    func readsBackAsTheModel(_ name: String) throws {
        let (blueprint, _) = CyroidBlueprintReader.read(try fixtureBytes(name), file: fixturePath(name))
        let (model, _) = CyroidImport.convert(try #require(blueprint))
        let text = ManifestWriter.write(model)
        let (read, diagnostics) = ManifestReader.read(Array(text.utf8), file: "imported.yaml")
        #expect(diagnostics.isEmpty, "\(rendered(diagnostics))")
        #expect(try Summary(try #require(read)) == Summary(model.raw))
    }

    /// Environment values of every awkward kind survive blueprint -> manifest -> reader exactly.
    @Test func environmentValuesSurviveExactly() throws {
        let values = ["a: b", "x # y", "'single'", "\"double\"", "back\\slash", "two\nlines\n", "no newline\nat end", "\u{1B}]0;title\u{07}",
                      "tab\there", "\u{202E}reversed", "\u{2028}", "\u{85}", "\u{0}", "日本語 🇯🇵", "", " padded ", "yes", "010", "~", "null",
                      "- dash", "[flow]", "{flow}", "&anchor", "*alias", "!tag", "%percent", "@at", "`tick", "|pipe", ">gt", "---", "...",
                      String(repeating: "long ", count: 400)]
        var env = ""
        for (i, v) in values.enumerated() { env += "      V\(i): \(YAMLScalar.doubleQuoted(v))\n" }
        let blueprint = """
        seed_id: env-check
        networks:
          - {name: n, subnet: 10.9.0.0/24}
        vms:
          - hostname: h
            base_image_tag: busybox:latest
            network_name: n
            environment:
        \(env)
        """
        let result = importText(blueprint)
        #expect(!result.diagnostics.hasErrors, "\(rendered(result.diagnostics))")
        let manifest = try #require(result.manifest)
        let raw = try #require(ManifestReader.read(Array(manifest.utf8), file: "m.yaml").0)
        #expect(raw.vms.first?.env.map(\.value.value) == values)
        #expect(raw.vms.first?.env.map(\.key.value) == values.indices.map { "V\($0)" })
    }

    /// Names with quotes, colons and unicode, as the blueprint's display name, kept in a comment,
    /// never break the file.
    @Test func commentsHoldAnythingSafely() throws {
        let result = importText("""
        seed_id: c
        name: "Evil\\nname: # \\e]0;x\\a \\u202E ' \\" end"
        description: "line\\u2028line\\u0085line"
        networks: []
        vms: []
        events:
          - title: "\\ttab"
            "odd name: #": [1, {a: "\\r"}]

        """)
        let manifest = try #require(result.manifest)
        for scalar in manifest.unicodeScalars where scalar != "\n" {
            #expect(!YAMLScalar.mustEscape(scalar), "raw \(scalar.debugDescription) in the manifest")
        }
        let compilation = RangeCompiler.compile(Array(manifest.utf8), file: "m.yaml")
        #expect(compilation.valid, "\(rendered(compilation.diagnostics))\n\(manifest)")
        #expect(manifest.contains(#"# name: "Evil\nname: # \e]0;x\a \u202E ' \" end""#))
    }
}

/// The values of a raw manifest that the importer sets, without locations, for comparison.
struct Summary: Equatable {
    var name: String?
    var networks: [[String?]]
    var vms: [[String?]]

    init(_ raw: RawManifest) throws {
        name = raw.name?.value
        networks = raw.networks.map { n in
            [n.name?.value, n.subnet?.value, n.gateway?.value, n.internal.map { "\($0.value)" }, n.router?.value, n.bridgeIP?.value]
        }
        vms = raw.vms.map { vm in
            var row: [String?] = [vm.hostname?.value, vm.image?.value]
            row += [vm.cpu, vm.ramMB, vm.diskGB].map { $0.map { String($0.value) } }
            for i in vm.interfaces { row += [i.network?.value, i.ip?.value] }
            for p in vm.sysctls + vm.env { row += [p.key.value, p.value.value] }
            for r in vm.routes { row += [r.to?.value, r.via?.value] }
            return row
        }
    }
}
