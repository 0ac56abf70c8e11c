import ArgumentParser
import Foundation
import Engine
import Plan
import Planner
import RangeDiagnostics
import Verify
import Workflows

/// `rangectl verify FILE`: probes the policy from inside the VMs of the live range.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Probe the live range's policy from inside its VMs: every allowed flow, a sample of denied ones, every NAT entry.",
        discussion: "Each probe runs in helper containers in the VMs' network namespaces (a listener in the destination's; a TCP connect, a UDP datagram or a ping from the source's): nothing is installed in the VMs. Prints a matrix (source, destination, port, expected, seen) and a summary. Exit 0 when every probe is as declared, 1 when any differs or could not run."
    )

    @Argument(help: "The manifest (YAML or JSON); - reads standard input.", completion: .manifest)
    var file: String

    @Flag(help: "Print one JSON document on standard output instead of text.")
    var json = false

    @Option(help: "Seconds each probe waits for an answer (1 to 30).")
    var deadline = 3

    @OptionGroup var concurrency: ParallelismOption

    @OptionGroup var engine: EngineOptions

    @OptionGroup var diagnostics: DiagnosticsOptions

    @OptionGroup var instances: InstanceOptions

    func validate() throws {
        guard (1...30).contains(deadline) else { throw ValidationError("--deadline must be between 1 and 30") }
    }

    func run() throws {
        let format = diagnostics.format
        let (parsed, first, lock) = try CommandSteps.compiledManifest(file, hosts: engine.hosts, instances: instances, format: format)
        let e = try engine.connect().orExit(format)
        let inventory = try CommandSteps.observe(e, routes: false, format: format)
        // The addresses the live range holds, as status shows them.
        let live = instances.select(LivePlanning.compile(parsed, inventory: inventory, hosts: engine.hosts, lock: lock))
        let desired = (live.valid ? live.desired : nil) ?? instances.select(first).desired!
        let probes = ProbePlanner.plan(desired)
        let problems = LiveVerify.preflight(desired, plan: probes, inventory: inventory, engine: e)
        if !problems.isEmpty {
            Terminal.printDiagnostics(problems, format: format)
            throw ExitCode(1)
        }
        let report = LiveVerify.run(desired, plan: probes, inventory: inventory, engine: e, parallelism: concurrency.parallelism, deadline: deadline)
        if json {
            Terminal.printJSON(report.json)
        } else {
            Terminal.write(report.text)
        }
        if !report.asDeclared { throw ExitCode(1) }
    }
}
