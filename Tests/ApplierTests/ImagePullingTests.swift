import Applier
import ClusterEngine
import Engine
import InMemoryEngine
import Plan
import Planner
import RangeDiagnostics
import Testing
import Workflows

/// `apply --pull`: a plan that counts on apply's pulls warns where it would otherwise refuse; the
/// pulls go to the node that needs each image; a failed pull is a located error, nothing applied.
struct ImagePullingTests {
    static let text = lab("  - {hostname: web, image: alpine:3, networks: [a]}\n  - {hostname: db, image: busybox, networks: [a]}")

    func plan(_ text: String, on engine: any ContainerEngine, pulling: Bool, hosts: [String] = []) throws -> LivePlan {
        LivePlanning.plan(RangeCompiler.parse(Array(text.utf8), file: "t.yaml"), hosts: hosts, pulling: pulling, engine: { .success(engine) })
    }

    @Test func aMissingImageIsPulledThenThePlanSeesIt() throws {
        let engine = InMemoryEngine()
        engine.registry = ["alpine:3"]
        // Without pulling the plan refuses; counting on apply's pulls it warns.
        #expect(try plan(Self.text, on: engine, pulling: false).plan.diagnostics.map(\.code) == [.imageMissing])
        let first = try plan(Self.text, on: engine, pulling: true)
        #expect(first.plan.valid && first.plan.diagnostics.map(\.code) == [.imagePull], "\(first.plan.diagnostics.map(\.message))")
        let needs = ImageNeeds.toPull(first.plan.desired!, first.inventory!, policy: .missing)
        #expect(needs.map(\.image) == ["alpine:3"])
        let outcomes = ImagePulling.pull(needs, on: engine, parallelism: 4) { _ in }
        #expect(outcomes.allSatisfy { $0.failure == nil } && engine.pulled == ["alpine:3"])
        let again = try plan(Self.text, on: engine, pulling: true)
        #expect(again.plan.valid && again.plan.diagnostics.isEmpty)
        // With `always` every image is pulled again, also what is there.
        #expect(ImageNeeds.toPull(again.plan.desired!, again.inventory!, policy: .always).map(\.image) == ["alpine:3", "busybox"])
    }

    @Test func aPullTheRegistryRefusesIsALocatedErrorNamingTheImage() throws {
        let engine = InMemoryEngine()
        let first = try plan(Self.text, on: engine, pulling: true)
        let outcomes = ImagePulling.pull(ImageNeeds.toPull(first.plan.desired!, first.inventory!, policy: .missing), on: engine, parallelism: 2) { _ in }
        let failure = try #require(outcomes.first?.failure)
        #expect(failure.code == .imagePullFailed && failure.location?.line == 7, "\(failure.location.map { "\($0.line)" } ?? "-")")
        #expect(failure.message.hasPrefix("image alpine:3 could not be pulled on the engine: pulling alpine:3: pull access denied"), "\(failure.message)")
        #expect(engine.allContainers.isEmpty && engine.allNetworks.isEmpty)
    }

    @Test func overASwarmEachImageIsPulledOnTheNodeThatNeedsIt() throws {
        var nodes: [String: InMemoryEngine] = [:]
        for (k, name) in ["n1", "n2"].enumerated() {
            let e = InMemoryEngine(apiVersion: APIVersion(1, 51), layout: .manifest)
            e.idBase = (k + 1) << 32
            e.registry = ["alpine:3", "busybox:latest"]
            nodes[name] = e
        }
        nodes["n2"]!.overlaysOf = nodes["n1"]
        let cluster = ClusterEngine(nodes: nodes.map { ClusterEngine.Node(name: $0.key, engine: $0.value) }, manager: "n1")
        let pinned = lab("  - {hostname: web, image: alpine:3, host: n2, networks: [a]}\n  - {hostname: db, image: busybox, host: n1, networks: [a]}")
        let first = try plan(pinned, on: cluster, pulling: true, hosts: cluster.hostNames)
        let needs = ImageNeeds.toPull(first.plan.desired!, first.inventory!, policy: .missing)
        #expect(needs.map { "\($0.host ?? "-") \($0.image)" } == ["n2 alpine:3"])
        _ = ImagePulling.pull(needs, on: cluster, parallelism: 2) { _ in }
        #expect(nodes["n2"]!.pulled == ["alpine:3"] && nodes["n1"]!.pulled.isEmpty)
    }
}
