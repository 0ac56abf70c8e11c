import Foundation
import Testing
import TestSupport

/// The built binary under GitHub Actions: diagnostics become workflow commands on standard error
/// when GITHUB_ACTIONS=true, `--diagnostics-format` chooses either way, and `--json` keeps its
/// document alone on standard output.
struct GitHubAnnotationOutputTests {
    static let lab = """
    version: 1
    name: t
    networks:
      - name: dmz
        subnet: 10.0.1.0/24
      - name: dmz
        subnet: 10.0.2.0/24
    vms:
      - hostname: web
        image: busybox:latest
        networks: [dmz]
        host: n1

    """

    static let annotations = """
        ::error file=lab.yaml,line=6,col=11,endLine=6,endColumn=13,title=duplicate-name::network 'dmz' is already defined at line 4%0Alab.yaml:4:11: note: first defined here
        ::warning file=lab.yaml,line=12,col=11,endLine=12,endColumn=12,title=host-ignored::host 'n1' is ignored: pass two or more --engine NAME=URL to place VMs on a swarm's nodes

        """

    static let text = """
        lab.yaml:6:11: error: network 'dmz' is already defined at line 4 [duplicate-name]
        lab.yaml:4:11: note: first defined here
        lab.yaml:12:11: warning: host 'n1' is ignored: pass two or more --engine NAME=URL to place VMs on a swarm's nodes [host-ignored]

        """

    static let actions = ["GITHUB_ACTIONS": "true"]

    /// Runs rangectl in a directory holding `lab.yaml`.
    func inLab(_ arguments: [String], environment: [String: String] = [:], manifest: String = lab) throws -> RunResult {
        try withTemporaryDirectory { dir in
            try Data(manifest.utf8).write(to: dir.appendingPathComponent("lab.yaml"))
            return try run(rangectlBinary, arguments, environment: environment, directory: dir)
        }
    }

    @Test(arguments: [["validate"], ["plan", "--offline"]])
    func underGitHubActionsDiagnosticsAreAnnotations(_ command: [String]) throws {
        let r = try inLab(command + ["lab.yaml"], environment: Self.actions)
        #expect(r.status == 1)
        #expect(r.stderr == Self.annotations)
        #expect(r.stdout.isEmpty)
    }

    @Test func theOptionOverridesTheEnvironmentEitherWay() throws {
        let text = try inLab(["validate", "lab.yaml", "--diagnostics-format", "text"], environment: Self.actions)
        #expect(text.status == 1)
        #expect(text.stderr == Self.text)
        let github = try inLab(["validate", "--diagnostics-format", "github", "lab.yaml"])
        #expect(github.stderr == Self.annotations)
    }

    @Test(arguments: ["false", "1", ""])
    func onlyGitHubActionsTrueMeansGitHub(_ value: String) throws {
        let r = try inLab(["validate", "lab.yaml"], environment: ["GITHUB_ACTIONS": value])
        #expect(r.stderr == Self.text)
    }

    @Test func aValidPlanKeepsItsTextOnStdoutAndItsWarningsBecomeAnnotations() throws {
        let valid = Self.lab.replacingOccurrences(of: "  - name: dmz\n    subnet: 10.0.2.0/24\n", with: "")
        let r = try inLab(["plan", "--offline", "lab.yaml"], environment: Self.actions, manifest: valid)
        #expect(r.status == 0)
        #expect(r.stderr == "::warning file=lab.yaml,line=10,col=11,endLine=10,endColumn=12,title=host-ignored::host 'n1' is ignored: pass two or more --engine NAME=URL to place VMs on a swarm's nodes\n")
        #expect(r.stdout.hasPrefix("rangectl: range t, 1 network, 1 vm, 1 interface\n"))
    }

    @Test(arguments: [["validate", "--json"], ["plan", "--offline", "--json"]])
    func withJSONTheDocumentStaysAloneOnStdoutAndTheAnnotationsGoBeside(_ command: [String]) throws {
        let r = try inLab(command + ["lab.yaml"], environment: Self.actions)
        #expect(r.status == 1)
        #expect(r.stderr == Self.annotations)
        let doc = try #require(try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any])
        #expect((doc["diagnostics"] as? [[String: Any]])?.map { $0["code"] as? String } == ["duplicate-name", "host-ignored"])

        let quiet = try inLab(command + ["lab.yaml", "--diagnostics-format", "text"], environment: Self.actions)
        #expect(quiet.stderr.isEmpty)
        #expect(quiet.stdoutBytes == r.stdoutBytes)
    }

    /// Connecting to a socket that does not exist fails at once: no engine is needed.
    @Test func anEngineErrorHasNoPlace() throws {
        let r = try rangectl("plan", "--host", "unix:///nonexistent/rangectl-test.sock", "manifests/seed-lab.yaml", environment: Self.actions)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("::error title=engine-unreachable::"))
        // The message is data: its colons stay as they are.
        #expect(r.stderr.contains("unix:///nonexistent/rangectl-test.sock"))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }

    @Test(arguments: ["validate", "plan", "apply", "destroy", "status"])
    func everyCommandThatPrintsDiagnosticsTakesTheOption(_ command: String) throws {
        let r = try rangectl(command, "--help")
        #expect(r.stdout.contains("--diagnostics-format <text|github>"))
        let wrong = try rangectl(command, "--diagnostics-format", "xml", "manifests/seed-lab.yaml")
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("diagnostics-format"))
    }
}
