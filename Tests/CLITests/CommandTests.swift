import Foundation
import Testing
import TestSupport

/// Exit codes, stream discipline and formats of `validate`, `plan --offline` and `schema` (CLI.md).
struct CommandTests {
    static let invalid = """
    version: 1
    name: t
    networks:
      - {name: a, subnet: 10.0.0.0/24}
    vms:
      - {hostname: h, image: b, networks: [a, nowhere]}
      - {hostname: i, image: b, networks: [a], cpu: 99}

    """

    @Test func validateExitsZeroForEveryExample() throws {
        for m in try exampleManifests() {
            let r = try rangectl("validate", m)
            #expect(r.status == 0, "\(m): \(r.stderr)")
            #expect(r.stderr.isEmpty)
            #expect(r.stdout.hasPrefix("\(m): valid: range "))
        }
    }

    @Test func invalidManifestExitsOneWithEveryLocatedDiagnosticOnStderr() throws {
        let r = try rangectl("validate", "-", stdin: Data(Self.invalid.utf8))
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr == """
        <stdin>:6:43: error: network 'nowhere' is not defined in this range [unknown-network]
        <stdin>:7:49: error: 'cpu' must be between 1 and 32, found 99 [out-of-range]

        """)
    }

    @Test func planOfAnInvalidManifestExitsOneAndPrintsNoPlan() throws {
        let r = try rangectl("plan", "--offline", "-", stdin: Data(Self.invalid.utf8))
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("[unknown-network]"))
    }

    @Test func jsonPutsDiagnosticsOnlyInTheDocument() throws {
        let r = try rangectl("plan", "--offline", "--json", "-", stdin: Data(Self.invalid.utf8))
        #expect(r.status == 1)
        #expect(r.stderr.isEmpty)
        let doc = try #require(try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any])
        #expect(doc["format_version"] as? String == "1")
        #expect(doc["range"] as? String == "t")
        #expect(doc["valid"] as? Bool == false)
        #expect((doc["networks"] as? [Any])?.isEmpty == true)
        #expect((doc["vms"] as? [Any])?.isEmpty == true)
        #expect((doc["changes"] as? [Any])?.isEmpty == true)
        let diagnostics = try #require(doc["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.map { $0["code"] as? String } == ["unknown-network", "out-of-range"])
        #expect(diagnostics.first?["file"] as? String == "<stdin>")
        #expect(diagnostics.first?["line"] as? Int == 6)
        #expect(diagnostics.first?["column"] as? Int == 43)
        #expect(diagnostics.first?["severity"] as? String == "error")
    }

    @Test func validateJSONDocument() throws {
        let ok = try rangectl("validate", "--json", "manifests/seed-lab.yaml")
        #expect(ok.status == 0)
        #expect(ok.stdout == "{\"format_version\":\"1\",\"valid\":true,\"diagnostics\":[]}\n")
        let bad = try rangectl("validate", "--json", "-", stdin: Data(Self.invalid.utf8))
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("\"valid\":false"))
    }

    @Test func detailedExitcodeIsTwoWhenThereAreChangesAndZeroWhenNone() throws {
        #expect(try rangectl("plan", "--offline", "--detailed-exitcode", "manifests/seed-lab.yaml").status == 2)
        #expect(try rangectl("plan", "--offline", "manifests/seed-lab.yaml").status == 0)
        let empty = try rangectl("plan", "--offline", "--detailed-exitcode", "-", stdin: Data("version: 1\nname: e\nnetworks: []\nvms: []\n".utf8))
        #expect(empty.status == 0)
        #expect(empty.stdout.contains("No changes."))
        let invalid = try rangectl("plan", "--offline", "--detailed-exitcode", "-", stdin: Data(Self.invalid.utf8))
        #expect(invalid.status == 1)
    }

    @Test func outIsNotWrittenForAnInvalidPlan() throws {
        try withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("plan.json")
            let r = try rangectl("plan", "--offline", "--out", out.path, "-", stdin: Data(Self.invalid.utf8))
            #expect(r.status == 1)
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
    }

    @Test func unwritableOutIsADiagnostic() throws {
        let r = try rangectl("plan", "--offline", "--out", "/nonexistent-dir/plan.json", "manifests/seed-lab.yaml")
        #expect(r.status == 1)
        #expect(r.stderr.contains("cannot write the plan to '/nonexistent-dir/plan.json'"))
    }

    @Test func missingFileIsADiagnosticNamingIt() throws {
        let r = try rangectl("validate", "no-such-file.yaml")
        #expect(r.status == 1)
        #expect(r.stderr == "rangectl: error: cannot read 'no-such-file.yaml': No such file or directory [file-unreadable]\n")
    }

    @Test func usageErrorsExitOne() throws {
        let r = try rangectl("validate", "--no-such-flag", "x.yaml")
        #expect(r.status == 1)
        #expect(r.stderr.contains("no-such-flag"))
    }

    @Test(arguments: ["apply", "destroy"], ["0", "65"])
    func parallelismOutsideOneToSixtyFourIsAUsageError(_ command: String, _ value: String) throws {
        // Refused before any engine is contacted (none answers at this endpoint).
        let r = try rangectl(command, "--auto-approve", "--parallelism", value, "--host", "tcp://127.0.0.1:9", "manifests/seed-lab.yaml")
        #expect(r.status == 1)
        #expect(r.stderr.contains("--parallelism must be between 1 and 64"), "\(r.stderr)")
        #expect(!r.stderr.contains("engine-unreachable"))
    }

    @Test func unreachableEngineIsADiagnosticNamingTheEndpoint() throws {
        for command in [["plan"], ["apply", "--auto-approve"], ["destroy", "--auto-approve"], ["status"]] {
            let r = try run(rangectlBinary, command + ["--host", "unix:///nonexistent/docker.sock", "manifests/seed-lab.yaml"])
            #expect(r.status == 1, "\(command)")
            #expect(r.stderr.contains("rangectl: error: cannot reach the engine at unix:///nonexistent/docker.sock"), "\(command): \(r.stderr)")
            #expect(r.stderr.hasSuffix("[engine-unreachable]\n"), "\(command): \(r.stderr)")
        }
        let env = try rangectl("plan", "manifests/seed-lab.yaml", environment: ["DOCKER_HOST": "tcp://127.0.0.1:1"])
        #expect(env.status == 1)
        #expect(env.stderr.contains("tcp://127.0.0.1:1"))
    }

    @Test func invalidManifestNeverReachesTheEngine() throws {
        let r = try rangectl("plan", "--host", "unix:///nonexistent/docker.sock", "-", stdin: Data(Self.invalid.utf8))
        #expect(r.status == 1)
        #expect(!r.stderr.contains("engine-unreachable"))
        #expect(r.stderr.contains("[unknown-network]"))
    }

    @Test func colourNeverReachesAPipe() throws {
        let r = try rangectl("validate", "-", stdin: Data(Self.invalid.utf8))
        #expect(!r.stderr.contains("\u{1B}["))
    }

}

/// The checked-in schema is exactly what `rangectl schema` prints, and every example validates against it.
struct SchemaTests {
    static let schemaPath = packageRoot.appendingPathComponent("schema/range.schema.json")

    @Test func checkedInSchemaEqualsGeneratedSchema() throws {
        let generated = try rangectl("schema")
        #expect(generated.status == 0)
        let checkedIn = try String(contentsOf: Self.schemaPath, encoding: .utf8)
        #expect(generated.stdout == checkedIn, "schema/range.schema.json is stale: run `swift run rangectl schema > schema/range.schema.json`")
    }

    @Test func examplesValidateAgainstTheSchemaWithPythonJsonschema() throws {
        // An independent implementation reads the manifests (PyYAML, json) and checks them with
        // jsonschema's draft 2020-12 validator; .ci/run installs both. PyYAML follows YAML 1.1,
        // where a bare `on` (a NAT entry's key) is true: its booleans are narrowed to YAML 1.2's.
        let script = """
        import json, re, sys, yaml, jsonschema
        class Core(yaml.SafeLoader): pass
        Core.yaml_implicit_resolvers = {k: [(t, r) for t, r in v if t != 'tag:yaml.org,2002:bool'] for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
        Core.add_implicit_resolver('tag:yaml.org,2002:bool', re.compile(r'^(?:true|false)$'), list('tf'))
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        v = jsonschema.Draft202012Validator(schema)
        bad = 0
        for path in sys.argv[2:]:
            doc = yaml.load(open(path), Loader=Core) if not path.endswith('.json') else json.load(open(path))
            for e in v.iter_errors(doc):
                bad += 1
                print(path, list(e.path), e.message)
        print('checked', len(sys.argv) - 2)
        sys.exit(1 if bad else 0)
        """
        let files = try exampleManifests()
        let r = try run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, Self.schemaPath.path] + files)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("checked \(files.count)"))
    }

    @Test func schemaRejectsWhatTheDecoderRejects() throws {
        let script = """
        import json, sys, jsonschema
        v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
        docs = [
          {"version": 1, "name": "t", "networks": [], "vms": [], "extra": 1},
          {"version": 1, "name": "Bad", "networks": [], "vms": []},
          {"version": 1, "name": "t", "networks": [{"name": "a"}], "vms": []},
          {"version": 1, "name": "t", "networks": [], "vms": [{"hostname": "h", "image": "b", "cpu": 64, "networks": ["a"]}]},
          {"version": 1, "name": "t", "networks": [], "vms": [{"hostname": "h", "image": "b"}]},
          {"version": 1, "name": "t", "networks": [], "vms": [{"hostname": "h", "image": "b", "networks": ["a"], "network": "a"}]},
        ]
        print(sum(1 for d in docs if not v.is_valid(d)), len(docs))
        """
        let r = try run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, Self.schemaPath.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "6 6\n")
    }
}
