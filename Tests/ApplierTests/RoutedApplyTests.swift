import Applier
import Engine
import InMemoryEngine
import Plan
import Testing

/// Routes set from outside the VM, their marker, and drift (a restart loses them).
struct RoutedApplyTests {
    static func range(_ webRoutes: String = "", web: Bool = true) -> String {
        var text = """
        version: 1
        name: t
        networks:
          - {name: dmz, subnet: 10.200.1.0/24, router: fw, internal: true}
          - {name: lan, subnet: 10.200.2.0/24, router: fw, internal: true}
        vms:
          - {hostname: fw, image: busybox, sysctls: {net.ipv4.ip_forward: "1"}, networks: [dmz, lan]}
          - {hostname: db, image: busybox, networks: [lan]}

        """
        if web { text += "  - {hostname: web, image: busybox, networks: [dmz]\(webRoutes)}\n" }
        return text
    }

    @Test func routesAreSetAfterStartAndRecordedInAMarker() throws {
        let engine = InMemoryEngine()
        let (planned, report) = try apply(Self.range(), on: engine)
        #expect(report.succeeded)
        #expect(planned.desired.vms.map { $0.routes.map(\.description) } == [["default via 10.200.1.254"], ["default via 10.200.2.1"], ["default via 10.200.1.1"]])
        #expect(engine.container(named: "t-web")?.routes == ["default via 10.200.1.1"])
        let marker = try #require(engine.container(named: "t-web.routes"))
        #expect(!marker.running && marker.labels[RangeLabels.routesOf] == "web" && marker.labels[RangeLabels.range] == "t")
        #expect(marker.labels[RangeLabels.routes] == "default via 10.200.1.1")
        // Routed networks: the engine's gateway is the bridge address; not engine-internal.
        #expect(engine.allNetworks.map { "\($0.name) \($0.gateway) \($0.internal)" }.sorted() == ["t-dmz 10.200.1.254 false", "t-lan 10.200.2.254 false"])
        #expect(engine.container(named: "t-fw")?.endpoints.map(\.ip) == ["10.200.1.1", "10.200.2.1"])
        #expect(try plan(Self.range(), on: engine).reconciliation.changes.isEmpty)
    }

    @Test func routesLostToARestartAreRestoredWithoutReCreating() throws {
        let engine = InMemoryEngine()
        try apply(Self.range(), on: engine)
        let id = engine.container(named: "t-web")?.id
        engine.restart(named: "t-web")
        #expect(engine.container(named: "t-web")?.routes == [])
        let p = try plan(Self.range(), on: engine)
        #expect(describe(p.reconciliation.changes) == ["update vm web: routes lost (the VM restarted since they were set): set default via 10.200.1.1 again"])
        try apply(Self.range(), on: engine)
        #expect(engine.container(named: "t-web")?.id == id)
        #expect(engine.container(named: "t-web")?.routes == ["default via 10.200.1.1"])
        #expect(try plan(Self.range(), on: engine).reconciliation.changes.isEmpty)
    }

    @Test func addedRoutesAreSetInPlaceRemovedOnesReCreate() throws {
        let engine = InMemoryEngine()
        try apply(Self.range(), on: engine)
        let more = Self.range(", routes: [{to: 10.99.0.0/16, via: 10.200.1.254}]")
        #expect(describe(try plan(more, on: engine).reconciliation.changes) == ["update vm web: routes default via 10.200.1.1 -> default via 10.200.1.1, 10.99.0.0/16 via 10.200.1.254"])
        try apply(more, on: engine)
        #expect(engine.container(named: "t-web")?.routes == ["default via 10.200.1.1", "10.99.0.0/16 via 10.200.1.254"])
        #expect(describe(try plan(Self.range(), on: engine).reconciliation.changes) == ["replace vm web: routes 10.99.0.0/16 via 10.200.1.254 removed"])
        try apply(Self.range(), on: engine)
        #expect(try plan(Self.range(), on: engine).reconciliation.changes.isEmpty)
    }

    @Test func startingAStoppedVMSetsItsRoutes() throws {
        let engine = InMemoryEngine()
        try apply(Self.range(), on: engine)
        engine.modifyContainer(named: "t-db") { $0.running = false; $0.routes = [] }
        #expect(describe(try plan(Self.range(), on: engine).reconciliation.changes) == ["update vm db: start (stopped); then set routes default via 10.200.2.1"])
        try apply(Self.range(), on: engine)
        #expect(engine.container(named: "t-db")?.routes == ["default via 10.200.2.1"])
        #expect(try plan(Self.range(), on: engine).reconciliation.changes.isEmpty)
    }

    @Test func aDeletedVMTakesItsMarkerWithIt() throws {
        let engine = InMemoryEngine()
        try apply(Self.range(), on: engine)
        try apply(Self.range(web: false), on: engine)
        #expect(engine.container(named: "t-web") == nil && engine.container(named: "t-web.routes") == nil)
        #expect(engine.container(named: "t-db.routes") != nil)
    }

    @Test func missingHelperImageIsRefusedBeforeAnyChange() throws {
        let engine = InMemoryEngine(images: ["busybox:latest"])
        let text = Self.range().replacingOccurrences(of: "name: t\n", with: "name: t\nhelper_image: tools/iproute:1\n")
        let p = try plan(text, on: engine)
        #expect(p.diagnostics.filter { $0.severity == .error }.map(\.code.rawValue) == ["image-missing"])
        #expect(p.diagnostics.first { $0.code == .imageMissing }?.message.contains("tools/iproute:1") == true)
    }

    @Test func aHelperLeftByAnInterruptedApplyIsRemoved() throws {
        let engine = InMemoryEngine()
        try apply(Self.range(), on: engine)
        engine.addContainer(name: "brave_turing", labels: [RangeLabels.range: "t", RangeLabels.managed: "true", RangeLabels.helper: "web"], running: false)
        #expect(describe(try plan(Self.range(), on: engine).reconciliation.changes) == ["delete helper brave_turing"])
        try apply(Self.range(), on: engine)
        #expect(engine.container(named: "brave_turing") == nil)
    }

    @Test func aFailedRouteSettingIsReportedAndTheNextApplyConverges() throws {
        let engine = InMemoryEngine()
        engine.fault = { $0.name == "setRoutes" && $0.target == "t-web" ? .unsupported("helper exited 1: RTNETLINK answers: Network unreachable") : nil }
        let (_, report) = try apply(Self.range(), on: engine)
        #expect(report.failed.map(\.operation.objectName) == ["t-web"])
        engine.fault = nil
        #expect(describe(try plan(Self.range(), on: engine).reconciliation.changes) == ["update vm web: set routes default via 10.200.1.1 (not set yet)"])
        try apply(Self.range(), on: engine)
        #expect(try plan(Self.range(), on: engine).reconciliation.changes.isEmpty)
    }
}
