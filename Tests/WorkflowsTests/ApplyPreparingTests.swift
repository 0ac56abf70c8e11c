import Engine
import InMemoryEngine
import Plan
import Planner
import RangeDiagnostics
import Testing
@testable import Workflows

/// What `apply` and `destroy` do before they change anything: an invalid input never reaches the
/// engine, the plan is made under the range's lock, missing images are pulled and the plan made
/// again, a saved plan is refused once the engine changed. Against the in-memory engine.
struct ApplyPreparingTests {
    static let manifest = """
        version: 1
        name: t
        networks:
          - {name: lan, subnet: 10.200.210.0/24}
        vms:
          - {hostname: web, image: nginx:1.27, networks: [lan]}
          - {hostname: db, image: busybox:latest, networks: [lan]}

        """

    static func source(_ text: String = manifest) -> ApplySource {
        let parsed = RangeCompiler.parse(Array(text.utf8), file: "t.yaml")
        return .manifest(parsed, validated: RangeCompiler.plan(parsed), lock: nil)
    }

    @Test func anInvalidManifestNeverConnects() {
        var connected = false
        let prepared = ApplyPreparing.prepare(Self.source(Self.manifest.replacingOccurrences(of: "10.200.210.0/24", with: "10.200.210.0/33")),
                                              settings: ApplySettings(), connect: { connected = true; return .success(InMemoryEngine()) })
        #expect(!connected)
        #expect(!prepared.ready && prepared.engine == nil && prepared.lock == nil)
        #expect(prepared.live.plan.diagnostics.contains { $0.severity == .error })
    }

    @Test func missingImagesArePulledThenThePlanIsMadeAgainUnderTheLock() throws {
        let engine = InMemoryEngine()
        engine.registry = ["nginx:1.27"]
        let prepared = ApplyPreparing.prepare(Self.source(), settings: ApplySettings(), connect: { .success(engine) })
        #expect(prepared.ready)
        #expect(engine.pulled == ["nginx:1.27"])
        #expect(prepared.pulls.map(\.need.image) == ["nginx:1.27"] && prepared.pulls.allSatisfy { $0.failure == nil })
        // Planned again after the pull: the preflight no longer warns that the image is missing.
        #expect(!prepared.live.plan.diagnostics.contains { $0.code == .imagePull }, "\(prepared.live.plan.diagnostics.map(\.message))")
        let lock = try #require(prepared.lock)
        #expect(engine.allContainers.contains { $0.name == "t.lock" })
        lock.release()
        #expect(!engine.allContainers.contains { $0.name == "t.lock" })
        #expect(prepared.live.apply(on: engine, parallelism: 4)?.succeeded == true)
    }

    @Test func aFailedPullRefusesThePlanAndNamesTheImage() {
        let engine = InMemoryEngine()
        let prepared = ApplyPreparing.prepare(Self.source(), settings: ApplySettings(), connect: { .success(engine) })
        defer { prepared.lock?.release() }
        #expect(!prepared.ready)
        let failure = prepared.live.plan.diagnostics.first { $0.code == .imagePullFailed }
        #expect(failure?.message.contains("image nginx:1.27 could not be pulled") == true, "\(prepared.live.plan.diagnostics.map(\.message))")
        #expect(prepared.live.reconciliation.graph.isEmpty)
    }

    @Test func withPullNeverAMissingImageIsAnErrorAndNothingIsPulled() {
        let engine = InMemoryEngine()
        engine.registry = ["nginx:1.27"]
        let prepared = ApplyPreparing.prepare(Self.source(), settings: ApplySettings(pull: .never), connect: { .success(engine) })
        defer { prepared.lock?.release() }
        #expect(!prepared.ready && engine.pulled.isEmpty && prepared.pulls.isEmpty)
        #expect(prepared.live.plan.diagnostics.contains { $0.code == .imageMissing && $0.severity == .error })
    }

    @Test func aRangeLockedByAnotherRunIsRefusedBeforeTheEngineIsRead() throws {
        let engine = InMemoryEngine()
        engine.registry = ["nginx:1.27"]
        let other = try RangeLock.acquire("t", on: engine, timeout: 0, host: "ci-runner-2")
        defer { other.release() }
        let clock = ManualClock()
        engine.resetCalls()
        let prepared = ApplyPreparing.prepare(Self.source(), settings: ApplySettings(lockTimeout: 1), clock: clock, connect: { .success(engine) })
        #expect(!prepared.ready && prepared.lock == nil)
        #expect(prepared.live.plan.diagnostics.map(\.code) == [.rangeLocked])
        #expect(clock.sleeps == [0.5, 0.5])
        #expect(engine.pulled.isEmpty && !engine.calls.contains { $0.name == "inventory" }, "\(engine.calls.map(\.name))")
    }

    /// The plan of `manifest` against `engine`, saved as `plan --out` saves it.
    static func savedPlan(on engine: InMemoryEngine) throws -> JSONValue {
        let parsed = RangeCompiler.parse(Array(manifest.utf8), file: "t.yaml")
        let live = LivePlanning.plan(parsed, pulling: false, engine: { .success(engine) })
        return try #require(JSONValue.parse(PlanJSON.text(live.plan, revealSensitive: true, pretty: true)))
    }

    @Test func aSavedPlanIsAppliedOnlyWhileTheEngineHoldsWhatItWasPlannedAgainst() throws {
        let engine = InMemoryEngine(images: ["busybox:latest", "nginx:1.27"])
        let document = try Self.savedPlan(on: engine)
        let fresh = ApplyPreparing.prepare(.saved(document, file: "t.plan.json"), settings: ApplySettings(), connect: { .success(engine) })
        #expect(fresh.ready && fresh.live.plan.changes.count > 0)
        #expect(fresh.live.apply(on: engine, parallelism: 4)?.succeeded == true)
        fresh.lock?.release()

        // Applied once, the engine holds the range: the same saved plan is stale now.
        let stale = ApplyPreparing.prepare(.saved(document, file: "t.plan.json"), settings: ApplySettings(), connect: { .success(engine) })
        defer { stale.lock?.release() }
        #expect(!stale.ready)
        #expect(stale.live.plan.diagnostics.map(\.message) == ["the engine changed since t.plan.json was planned; plan again"])
    }

    @Test func aDocumentThatIsNoPlanIsRefusedWithoutConnecting() throws {
        var connected = false
        let document = try #require(JSONValue.parse(#"{"format_version": 1, "range": "t"}"#))
        let prepared = ApplyPreparing.prepare(.saved(document, file: "x.json"), settings: ApplySettings(),
                                              connect: { connected = true; return .success(InMemoryEngine()) })
        #expect(!connected && !prepared.ready)
        #expect(prepared.live.plan.diagnostics.first?.code == .stalePlan)
        #expect(prepared.live.plan.diagnostics.first?.message.hasPrefix("x.json is not a plan that can be applied: ") == true)
    }

    @Test func aTeardownRemovesWhatTheRangeOwnsAndNothingElse() throws {
        let engine = InMemoryEngine(images: ["busybox:latest", "nginx:1.27"])
        let applied = ApplyPreparing.prepare(Self.source(), settings: ApplySettings(), connect: { .success(engine) })
        #expect(applied.live.apply(on: engine, parallelism: 4)?.succeeded == true)
        applied.lock?.release()
        _ = engine.addContainer(name: "bystander")
        let teardown = ApplyPreparing.teardown("t", settings: ApplySettings(), connect: { .success(engine) })
        #expect(teardown.ready)
        #expect(teardown.live.apply(on: engine, parallelism: 4)?.succeeded == true)
        teardown.lock?.release()
        #expect(engine.allContainers.map(\.name) == ["bystander"])
        #expect(engine.allNetworks.isEmpty)
    }
}
