import Foundation
import Testing
import TestSupport

/// The plan job of the workflow in docs/ci.md, its `run:` steps run with bash as the Actions
/// runner runs them (`scripts/run-workflow-steps.py`), on a manifest from manifests/ and broken
/// copies of it: the step summary's fenced plan, the job's `changes` output, the saved plan and
/// the annotations. Not run (docs/ci.md says so too): the build step (this build's rangectl is on
/// PATH instead, its `plan` made `--offline` by a wrapper: there is no engine here), the `uses:`
/// steps, and the apply job, which needs an engine.
struct WorkflowStepsTests {
    struct Job {
        var status: Int32
        var stderr: String
        var summary: String
        var output: String
        var savedPlan: Data?
        /// The workflow commands on stderr (the runner's annotations).
        var annotations: [String] { stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("::") } }
    }

    /// Runs the plan job in a checkout holding `manifests/lab.yaml` with the text given.
    func planJob(_ manifest: String, event: String) throws -> Job {
        try withTemporaryDirectory { dir in
            let manifests = dir.appendingPathComponent("manifests")
            try FileManager.default.createDirectory(at: manifests, withIntermediateDirectories: true)
            try Data(manifest.utf8).write(to: manifests.appendingPathComponent("lab.yaml"))
            let summary = dir.appendingPathComponent("summary.md"), output = dir.appendingPathComponent("output")
            let r = try run(URL(fileURLWithPath: "/usr/bin/env"),
                            ["python3", packageRoot.appendingPathComponent("scripts/run-workflow-steps.py").path,
                             "--doc", packageRoot.appendingPathComponent("docs/ci.md").path, "--job", "plan", "--event", event,
                             "--skip-step", "build", "--rangectl", rangectlBinary.path, "--offline",
                             "--env", "MANIFEST=manifests/lab.yaml"],
                            environment: ["GITHUB_STEP_SUMMARY": summary.path, "GITHUB_OUTPUT": output.path], directory: dir)
            return Job(status: r.status, stderr: r.stderr,
                       summary: (try? String(contentsOf: summary, encoding: .utf8)) ?? "",
                       output: (try? String(contentsOf: output, encoding: .utf8)) ?? "",
                       savedPlan: try? Data(contentsOf: dir.appendingPathComponent("plan.json")))
        }
    }

    static let seedLab = (try? String(contentsOf: packageRoot.appendingPathComponent("manifests/seed-lab.yaml"), encoding: .utf8)) ?? ""
    static let seedPlan = (try? String(contentsOf: packageRoot.appendingPathComponent("Tests/CLITests/Golden/seed-lab.plan.txt"), encoding: .utf8)) ?? ""

    @Test func onAPushThePlanIsSummarisedSavedAndMarkedAsChanges() throws {
        let job = try planJob(Self.seedLab, event: "push")
        #expect(job.status == 0, "\(job.stderr)")
        #expect(job.summary == "### rangectl plan: `manifests/lab.yaml`\n\nChanges to apply:\n\n```text\n" + Self.seedPlan + "```\n")
        #expect(job.output == "changes=true\n")
        #expect(job.annotations.isEmpty)
        let saved = try #require(job.savedPlan)
        let doc = try #require(try JSONSerialization.jsonObject(with: saved) as? [String: Any])
        #expect(doc["format_version"] as? String == "1" && doc["range"] as? String == "seed-lab" && doc["valid"] as? Bool == true)
        #expect(job.stderr.contains("skipped: Build rangectl"))
    }

    @Test func onAPullRequestAWarningIsAnAnnotationAndThePlanStillShows() throws {
        let placed = Self.seedLab.replacingOccurrences(of: "    networks: [internal]\n", with: "    networks: [internal]\n    host: n1\n")
        #expect(placed != Self.seedLab)
        let job = try planJob(placed, event: "pull_request")
        #expect(job.status == 0, "\(job.stderr)")
        #expect(job.annotations == ["::warning file=manifests/lab.yaml,line=24,col=11,endLine=24,endColumn=12,title=host-ignored::host 'n1' is ignored: pass two or more --engine NAME=URL to place VMs on a swarm's nodes"])
        #expect(job.summary.contains("```text\n" + Self.seedPlan + "```\n"))
    }

    @Test func anInvalidManifestFailsTheJobWithItsErrorsAsAnnotations() throws {
        let broken = Self.seedLab.replacingOccurrences(of: "  - name: dmz\n", with: "  - name: internal\n")
        #expect(broken != Self.seedLab)
        let job = try planJob(broken, event: "pull_request")
        #expect(job.status == 1)
        #expect(job.annotations.first?.hasPrefix("::error file=manifests/lab.yaml,line=9,col=11,endLine=9,endColumn=18,title=duplicate-name::network 'internal' is already defined at line 7%0Amanifests/lab.yaml:7:11: note: first defined here") == true, "\(job.annotations)")
        #expect(job.summary == "### rangectl plan: `manifests/lab.yaml`\n\nThe plan failed (exit 1); its diagnostics are annotations of this run.\n")
        #expect(job.output.isEmpty)
        #expect(job.savedPlan == nil)
    }
}
