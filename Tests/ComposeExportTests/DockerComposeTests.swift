import ComposeExport
import Foundation
import Testing
import TestSupport

/// What Compose itself makes of the export, with no engine: Debian's docker-compose 1.29 reads
/// every `--target v1` file (`docker-compose config` validates it against its schema, resolves
/// `$$` and writes the result back), refuses the keys of `--target v2`, and the v2 files are
/// valid against that same schema with exactly those keys added.
@Suite(.enabled(if: dockerCompose != nil || toolsRequired, "docker-compose is not installed (scripts/setup.sh installs it)"))
struct DockerComposeTests {
    static let examples: [String] = (try? exampleManifests()) ?? []

    /// `docker-compose -f FILE config` with no engine to reach: it needs none.
    static func config(_ text: String) throws -> RunResult {
        let compose = try #require(dockerCompose)
        return try withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("docker-compose.yml")
            try text.write(to: file, atomically: true, encoding: .utf8)
            return try run(compose, ["-p", "tcompose", "-f", file.path, "config"], environment: ["DOCKER_HOST": "unix:///nonexistent/docker.sock"], directory: dir)
        }
    }

    static func exported(_ manifest: String, _ target: ComposeTarget) throws -> String {
        let text = try String(contentsOf: packageRoot.appendingPathComponent(manifest), encoding: .utf8)
        return try #require(export(text, target: target).text)
    }

    @Test(arguments: examples)
    func compose129AcceptsEveryExampleAsV1(_ manifest: String) throws {
        let file = try Self.exported(manifest, .v1)
        let r = try Self.config(file)
        #expect(r.status == 0, "\(manifest): \(r.stderr)")
        // What it read is what was written (config writes it back with `version: '3.9'`, `$` doubled again).
        #expect(try readWithPyYAML(r.stdout).withoutVersion == (try readWithPyYAML(file)), "\(manifest)")
    }

    /// Hostile values (quotes, `:`, `#`, line breaks, controls, bidi, `$`) survive Compose's own
    /// reading and interpolation.
    @Test func compose129ReadsHostileValuesBackExactly() throws {
        let file = try #require(export(ComposeExporterTests.lab).text)
        let r = try Self.config(file)
        #expect(r.status == 0, "\(r.stderr)")
        let read = try readWithPyYAML(r.stdout)
        #expect(read.withoutVersion == (try readWithPyYAML(file)))
        #expect(read["services"]?["web01"]?["environment"]?["CONTROL"] == .string("\u{1B}]0;title\u{07}"))
        #expect(read["services"]?["web01"]?["command"] == .list([.string("sh"), .string("-c"), .string("echo $$HOME: $${PATH} # not a comment")]))
        // Without the doubling Compose would have interpolated (or refused) them.
        let undoubled = file.replacingOccurrences(of: "$$", with: "$")
        let bad = try Self.config(undoubled)
        #expect(bad.status != 0 || bad.stdout != r.stdout)
    }

    @Test(arguments: ["manifests/seed-lab.yaml", "manifests/segmented-range.yaml"])
    func compose129RefusesV2AndSaysWhy(_ manifest: String) throws {
        let r = try Self.config(try Self.exported(manifest, .v2))
        #expect(r.status != 0)
        #expect(r.stderr.contains("name") || r.stderr.contains("interface_name") || r.stderr.contains("gw_priority"), "\(r.stderr)")
    }

    /// The v2 files against Compose 1.29's own schema with the three keys v2 adds (top-level
    /// `name`, `interface_name` and `gw_priority` on a service's network), as the Compose
    /// specification defines them: nothing else in them is new.
    @Test(arguments: examples)
    func v2IsV1sSchemaPlusItsThreeKeys(_ manifest: String) throws {
        let script = """
            import json, sys, yaml, jsonschema
            schema = json.load(open("/usr/lib/python3/dist-packages/compose/config/compose_spec.json"))
            schema["properties"]["name"] = {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"}
            nets = schema["definitions"]["service"]["properties"]["networks"]["oneOf"][1]["patternProperties"]["^[a-zA-Z0-9._-]+$"]["oneOf"][0]
            nets["properties"]["interface_name"] = {"type": "string"}
            nets["properties"]["gw_priority"] = {"type": "number"}
            jsonschema.validate(yaml.safe_load(sys.stdin), schema, format_checker=jsonschema.FormatChecker())
            """
        let r = try run(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", script], stdin: Data(try Self.exported(manifest, .v2).utf8))
        #expect(r.status == 0, "\(manifest): \(r.stderr)")
    }
}

extension Read {
    /// Without the `version` key, which `docker-compose config` adds to the file it writes back.
    var withoutVersion: Read {
        guard case var .map(m) = self else { return self }
        m["version"] = nil
        return .map(m)
    }
}
