import Applier
import Engine
import Foundation
import InMemoryEngine
import Plan
import Planner
import Testing
import TestSupport
import Verify
@testable import Workflows

/// `verify`'s wiring against the in-memory engine: which helpers it starts where, that it
/// removes them, and how it reads what they print. (The probes themselves run for real in the
/// namespace tests and, on every engine, in the end-to-end tests.)
struct LiveVerifyTests {
    /// The segmented-policy example applied to a fresh in-memory engine, and the range compiled.
    static func applied() throws -> (InMemoryEngine, DesiredRange) {
        let text = try Data(contentsOf: packageRoot.appendingPathComponent("manifests/segmented-policy.yaml"))
        let engine = InMemoryEngine()
        let live = LivePlanning.plan(RangeCompiler.parse(Array(text), file: "segmented-policy.yaml"), engine: { .success(engine) })
        let desired = try #require(live.plan.desired, "\(live.plan.diagnostics.map(\.message))")
        #expect(live.apply(on: engine, parallelism: 8)?.succeeded == true)
        return (engine, desired)
    }

    /// Listeners say ready; a client passes when `passes` says so of the script it runs.
    static func answer(_ engine: InMemoryEngine, passes: @escaping @Sendable (String) -> Bool) {
        engine.helperScripts = { _, script in
            if script.contains("nc -l -p") || script.contains("netstat -lun") { return "RANGECTL-LISTEN ready\n" }
            return passes(script) ? "RANGECTL-PROBE pass\n" : "RANGECTL-PROBE fail\n"
        }
    }

    @Test func everythingBlockedDiffersExactlyWhereTheRulesAllow() throws {
        let (engine, desired) = try Self.applied()
        Self.answer(engine) { _ in false }
        engine.resetCalls()
        let report = LiveVerify.run(desired, plan: ProbePlanner.plan(desired), inventory: try engine.inventory(), engine: engine, parallelism: 4, deadline: 1)
        #expect(report.results.count == 16)
        #expect(!report.asDeclared)
        #expect(report.results.filter { $0.agrees == false }.map(\.probe.expected) == Array(repeating: .pass, count: 10))
        #expect(report.results.filter { $0.agrees == true }.count == 6)
        // One listener per TCP probe (15; the ping has none), each removed; one client per probe.
        let calls = engine.calls.map(\.name)
        #expect(calls.filter { $0 == "startHelper" }.count == 15 && calls.filter { $0 == "runHelper" }.count == 16)
        #expect(engine.helperCount == 0)
        // Listeners run in the destination, clients in the source.
        let db01 = try #require(engine.container(named: "segmented-policy-db01")).id
        #expect(engine.calls.filter { $0.name == "startHelper" && $0.target == db01 }.count == 4)
    }

    @Test func whatTheRulesAllowPassesAndTheReportIsAsDeclared() throws {
        let (engine, desired) = try Self.applied()
        let allowed = Set(ProbePlanner.probes(desired).filter { $0.expected == .pass }.map { "\($0.dialled) \($0.port ?? 0)" })
        Self.answer(engine) { script in allowed.contains { script.contains(" \($0)") } || (script.contains("ping") && script.contains("172.30.1.10")) }
        let report = LiveVerify.run(desired, plan: ProbePlanner.plan(desired), inventory: try engine.inventory(), engine: engine, parallelism: 8, deadline: 1)
        #expect(report.asDeclared, "\(report.summary)")
        #expect(report.summary == "16 probes: 16 as declared")
    }

    @Test func aStoppedVMFailsItsProbesWithoutAHelper() throws {
        let (engine, desired) = try Self.applied()
        Self.answer(engine) { _ in true }
        engine.modifyContainer(named: "segmented-policy-db01") { $0.running = false }
        engine.resetCalls()
        let report = LiveVerify.run(desired, plan: ProbePlanner.plan(desired), inventory: try engine.inventory(), engine: engine, parallelism: 8, deadline: 1)
        let failed = report.results.filter { if case .failed = $0.outcome { return true } else { return false } }
        #expect(failed.count == 8 && failed.allSatisfy { $0.probe.source.hostname == "db01" || $0.probe.destination.hostname == "db01" })
        #expect(failed.allSatisfy { $0.outcome == .failed("db01 is not running (apply the range first)") })
        let db01 = try #require(engine.container(named: "segmented-policy-db01")).id
        #expect(!engine.calls.contains { $0.target == db01 && ($0.name == "startHelper" || $0.name == "runHelper") })
    }
}

struct LiveVerifyPreflightTests {
    @Test func aHelperWithoutTheProbeToolsIsRefusedNamingThem() throws {
        let (engine, desired) = try LiveVerifyTests.applied()
        #expect(LiveVerify.preflight(desired, plan: ProbePlanner.plan(desired), inventory: try engine.inventory(), engine: engine).isEmpty)
        engine.helperLacks = ["nslookup", "iptables", "netstat"]
        let problems = LiveVerify.preflight(desired, plan: ProbePlanner.plan(desired), inventory: try engine.inventory(), engine: engine)
        #expect(problems.map(\.code) == [.helperMissingTool])
        #expect(problems.first?.message.contains("lacks nslookup, netstat, which verify's probes need") == true, "\(problems.map(\.message))")
        #expect(problems.first?.location?.line == desired.policy?.location?.line)
    }
}
