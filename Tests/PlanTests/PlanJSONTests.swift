import Plan
import RangeDiagnostics
import Testing

/// The plan as CLI.md's JSON document, and the saved plan read back from it.
struct PlanJSONTests {
    static let small = Fixture.desired([Fixture.a], [Fixture.vm("db", [("a", "10.200.1.11")], env: [KeyValue("DB_PASSWORD", "hunter2"), KeyValue("PORT", "8080")])])

    /// The document's top-level keys in the order written (`JSONValue.parse` sorts them).
    func keys(_ text: String) -> [String] {
        guard case let .object(fields)? = JSONValue.parse(text) else { return [] }
        return fields.map(\.0).sorted { text.range(of: "\"\($0)\":")!.lowerBound < text.range(of: "\"\($1)\":")!.lowerBound }
    }

    @Test func anOfflinePlanIsExactlyThisDocument() {
        let text = PlanJSON.text(Plan.offline(Self.small, diagnostics: []))
        #expect(text == #"{"format_version":"1","range":"t","valid":true,"diagnostics":[],"labels":{"team":"red"},"helper_image":"busybox:latest","#
            + #""networks":[{"name":"a","docker_name":"t-a","subnet":"10.200.1.0/24","gateway":"10.200.1.1","internal":false,"reserved":9,"router":null,"bridge_ip":null}],"#
            + #""vms":[{"hostname":"db","docker_name":"t-db","image":"busybox","cpu":1,"ram_mb":256,"disk_gb":0,"privileged":false,"cap_add":[],"sysctls":{},"#
            + #""env":{"DB_PASSWORD":"(sensitive)","PORT":"8080"},"command":["sleep","infinity"],"#
            + #""interfaces":[{"name":"eth0","network":"a","ip":"10.200.1.11","primary":true,"auto":true,"router":false}],"routes":[]}],"#
            + #""changes":[{"action":"create","kind":"network","name":"a"},{"action":"create","kind":"vm","name":"db"}],"#
            + #""summary":{"add":2,"change":0,"replace":0,"destroy":0}}"#)
    }

    @Test func aLivePlanNamesItsEngineAndFingerprintAfterTheDiagnostics() {
        var plan = Plan.offline(Self.small, diagnostics: [])
        plan.engine = EngineInfo(host: "unix:///var/run/docker.sock", apiVersion: "1.41")
        plan.fingerprint = "0123456789abcdef"
        let text = PlanJSON.text(plan)
        #expect(keys(text) == ["format_version", "range", "valid", "diagnostics", "engine", "fingerprint", "labels", "helper_image",
                               "networks", "vms", "changes", "summary"])
        #expect(text.contains(#""engine":{"host":"unix:///var/run/docker.sock","api_version":"1.41"},"fingerprint":"0123456789abcdef","#))
    }

    @Test func anInvalidPlanHasItsDiagnosticsAndEmptyListsOnly() {
        let plan = Plan(range: "t", diagnostics: [.error(.duplicateIP, "10.200.1.11 twice", at: Fixture.at(7))], desired: Self.small,
                        changes: [Change(.create, .network, "a")])
        let text = PlanJSON.text(plan)
        #expect(text.hasPrefix(#"{"format_version":"1","range":"t","valid":false,"diagnostics":[{"severity":"error","code":"duplicate-ip","#))
        #expect(text.hasSuffix(#""labels":{},"helper_image":null,"networks":[],"vms":[],"changes":[],"summary":{"add":1,"change":0,"replace":0,"destroy":0}}"#))
    }

    @Test func secretsAreShownOnlyInTheSavedPlanFile() {
        let plan = Plan.offline(Self.small, diagnostics: [])
        #expect(!PlanJSON.text(plan).contains("hunter2") && !PlanJSON.text(plan, pretty: true).contains("hunter2"))
        #expect(PlanJSON.text(plan, revealSensitive: true).contains(#""DB_PASSWORD":"hunter2""#))
    }

    @Test func prettyAndCompactAreTheSameDocument() {
        let plan = Plan.offline(Fixture.desired(), diagnostics: [])
        #expect(JSONValue.parse(PlanJSON.text(plan, pretty: true)) == JSONValue.parse(PlanJSON.text(plan)))
        #expect(PlanJSON.text(plan, pretty: true).contains("\n  \"range\": \"t\",\n"))
    }

    // MARK: - Saved plans

    func saved(_ plan: Plan, revealSensitive: Bool = true) -> Result<SavedPlan, SavedPlanError> {
        SavedPlan.read(JSONValue.parse(PlanJSON.text(plan, revealSensitive: revealSensitive, pretty: true))!)
    }

    func live(_ desired: DesiredRange) -> Plan {
        var plan = Plan.offline(desired, diagnostics: [])
        plan.engine = EngineInfo(host: "unix:///var/run/docker.sock", apiVersion: "1.41")
        plan.fingerprint = "0123456789abcdef"
        plan.changes.append(Change(.update, .vm, "db", detail: ["start (stopped)"]))
        return plan
    }

    /// What a plan file carries (no source locations) is read back exactly.
    @Test func aSavedPlanReadsBackToTheSameRangeChangesAndFingerprint() throws {
        let dmz = Fixture.network("dmz", "10.200.3.0/24", internal: true, router: "fw", bridge: "10.200.3.254")
        var fw = Fixture.vm("fw", [("dmz", "10.200.3.1"), ("a", "10.200.1.2")],
                            routes: [Fixture.route("default", via: "10.200.1.1", implicit: true), Fixture.route("10.9.0.0/16", via: "10.200.3.2")])
        fw.interfaces[0].router = true
        fw.capAdd = ["NET_ADMIN"]
        fw.sysctls = [KeyValue("net.ipv4.ip_forward", "1")]
        fw.privileged = true
        fw.command = nil
        var desired = Fixture.desired([Fixture.a, dmz], [fw, Self.small.vms[0]], helperImage: "nicolaka/netshoot")
        let plan = live(desired)
        let read = try saved(plan).get()
        for i in desired.networks.indices { desired.networks[i].location = nil }
        for i in desired.vms.indices { desired.vms[i].location = nil }
        #expect(read.desired == desired)
        #expect(read.changes == plan.changes)
        #expect(read.fingerprint == "0123456789abcdef")
    }

    @Test func looksLikePlanTellsAPlanFromAManifest() {
        #expect(SavedPlan.looksLikePlan(JSONValue.parse(PlanJSON.text(live(Self.small)))!))
        #expect(!SavedPlan.looksLikePlan(JSONValue.parse(#"{"version":1,"name":"t","networks":[],"vms":[]}"#)!))
    }

    func refusal(_ result: Result<SavedPlan, SavedPlanError>) -> String? {
        if case let .failure(e) = result { return e.reason }
        return nil
    }

    @Test func anOfflineInvalidOrRedactedPlanIsRefused() {
        #expect(refusal(saved(Plan.offline(Self.small, diagnostics: [])))?.contains("--offline") == true)
        var invalid = live(Self.small)
        invalid.diagnostics = [.error(.imageMissing, "no image", at: nil)]
        #expect(refusal(saved(invalid)) == "the saved plan is not valid")
        #expect(refusal(saved(live(Self.small), revealSensitive: false))?.contains("(sensitive) placeholders") == true)
        let future = PlanJSON.text(live(Self.small)).replacingOccurrences(of: #""format_version":"1""#, with: #""format_version":"2""#)
        #expect(refusal(SavedPlan.read(JSONValue.parse(future)!)) == #"format_version is not "1""#)
    }

    @Test func aPlanFileMissingPartsIsRefusedNotGuessed() {
        let text = PlanJSON.text(live(Self.small), revealSensitive: true)
        for (cut, reason) in [(#""gateway":"10.200.1.1","#, "a network of the saved plan is incomplete"),
                              (#""image":"busybox","#, "VM entry of the saved plan is incomplete"),
                              (#""ip":"10.200.1.11","#, "an interface of VM db in the saved plan is incomplete")] {
            let broken = text.replacingOccurrences(of: cut, with: "")
            #expect(refusal(SavedPlan.read(JSONValue.parse(broken)!)) == reason, "\(cut)")
        }
    }
}
