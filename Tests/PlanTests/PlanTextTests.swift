import Plan
import RangeDiagnostics
import Testing

/// The Terraform-style text plan of CLI.md, for plans built by hand.
struct PlanTextTests {
    @Test func anOfflinePlanCreatesEverythingInManifestOrderWithAlignedColumns() {
        let plan = Plan.offline(Fixture.desired(), diagnostics: [])
        #expect(PlanText.render(plan) == """
            rangectl: range t, 2 networks, 2 vms, 3 interfaces

              + network t-a  10.200.1.0/24  gateway 10.200.1.1
              + network t-b  10.200.2.0/24  gateway 10.200.2.1
              + vm web  eth0 a 10.200.1.10 (primary)   eth1 b 10.200.2.10
              + vm db   eth0 a 10.200.1.11 (primary)

            Plan: 4 to add, 0 to change, 0 to re-create, 0 to destroy.

            """)
    }

    @Test func aRoutedRangeShowsRoutersBridgesAndRoutes() {
        let dmz = Fixture.network("dmz", "10.200.3.0/24", internal: true, router: "fw", bridge: "10.200.3.254")
        var fw = Fixture.vm("fw", [("dmz", "10.200.3.1")], routes: [Fixture.route("default", via: "10.200.3.254", implicit: true),
                                                                   Fixture.route("10.9.0.0/16", via: "10.200.3.2")])
        fw.interfaces[0].router = true
        let text = PlanText.render(Plan.offline(Fixture.desired([dmz], [fw]), diagnostics: []))
        #expect(text.hasPrefix("rangectl: range t, 1 network, 1 vm, 1 interface\n\n"))
        #expect(text.contains("  + network t-dmz  10.200.3.0/24  gateway 10.200.3.1 (router fw)  bridge 10.200.3.254  internal\n"))
        #expect(text.contains("  + vm fw  eth0 dmz 10.200.3.1 (primary) (router)   routes: default via 10.200.3.254, 10.9.0.0/16 via 10.200.3.2\n"))
        #expect(text.hasSuffix("\nPlan: 2 to add, 0 to change, 0 to re-create, 0 to destroy.\n"))
    }

    @Test func changesOtherThanCreatesShowTheirCauses() {
        let plan = Plan(range: "t", diagnostics: [], desired: Fixture.desired(), changes: [
            Change(.replace, .network, "b", detail: ["subnet 10.200.9.0/24 -> 10.200.2.0/24"]),
            Change(.update, .vm, "web", detail: ["start (stopped)"]),
            Change(.replace, .vm, "db", detail: ["image busybox:1.36 -> busybox", "cpu 2 -> 1"]),
            Change(.delete, .vm, "old"),
            Change(.delete, .helper, "t-web.routes-helper"),
        ])
        #expect(PlanText.render(plan, header: "rangectl: apply range t") == """
            rangectl: apply range t

              -/+ network t-b  subnet 10.200.9.0/24 -> 10.200.2.0/24
              ~ vm web   start (stopped)
              -/+ vm db  image busybox:1.36 -> busybox; cpu 2 -> 1
              - vm old
              - helper t-web.routes-helper

            Plan: 0 to add, 1 to change, 2 to re-create, 2 to destroy.

            """)
    }

    @Test func aPlanWithNothingToDoSaysSo() {
        let plan = Plan(range: "t", diagnostics: [], desired: Fixture.desired(), changes: [])
        #expect(PlanText.render(plan).hasSuffix("interfaces\n\nNo changes. The engine matches the manifest.\n"))
    }

    @Test func anInvalidPlanRendersNothing() {
        let plan = Plan(range: "t", diagnostics: [.error(.duplicateIP, "x", at: nil)], desired: nil, changes: [])
        #expect(PlanText.render(plan) == "")
    }

    @Test func validityAndCounts() {
        let warned = Plan(range: "t", diagnostics: [.warning(.nicOrder, "w", at: nil)], desired: Fixture.desired(), changes: [
            Change(.create, .network, "a"), Change(.create, .vm, "web"), Change(.update, .vm, "db"),
            Change(.replace, .vm, "x"), Change(.delete, .network, "z"), Change(.delete, .helper, "h"),
        ])
        #expect(warned.valid)
        #expect(warned.summary == (add: 2, change: 1, replace: 1, destroy: 2))
        #expect(!Plan(range: "t", diagnostics: [.error(.imageMissing, "e", at: nil)], desired: Fixture.desired(), changes: []).valid)
        #expect(!Plan(range: "t", diagnostics: [], desired: nil, changes: []).valid)
        #expect([ChangeAction.create, .update, .replace, .delete].map(\.symbol) == ["+", "~", "-/+", "-"])
    }

    /// Names and causes can come from the engine (a delete names what it found): a line break in
    /// one must not start a line of its own, which could forge a plan line.
    @Test func textPlanShowsEachChangeOnOneLineWithItsValuesEscaped() {
        let desired = DesiredRange(name: "r", labels: [], networks: [], vms: [])
        let plan = Plan(range: "r", diagnostics: [], desired: desired, changes: [
            Change(.delete, .vm, "old\u{1B}]0;x\u{07}\nPlan: 0 to add, 0 to change, 0 to re-create, 0 to destroy."),
            Change(.replace, .vm, "web", detail: ["name r-web\r -> r-web", "attached to \u{202E}net on the engine"]),
        ])
        let text = PlanText.render(plan, header: "rangectl: destroy range r on unix:///\u{1B}[2J")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 7, "\(text)")
        #expect(lines.first == #"rangectl: destroy range r on unix:///\e[2J"#)
        #expect(lines.dropFirst(2).first == #"  - vm old\e]0;x\a\nPlan: 0 to add, 0 to change, 0 to re-create, 0 to destroy."#)
        #expect(lines.dropFirst(3).first.map {
            $0.hasPrefix("  -/+ vm web ") && $0.hasSuffix(#"  name r-web\r -> r-web; attached to \u{202E}net on the engine"#)
        } == true)
        #expect(lines.dropFirst(5).first == "Plan: 0 to add, 0 to change, 1 to re-create, 1 to destroy.")
    }
}
