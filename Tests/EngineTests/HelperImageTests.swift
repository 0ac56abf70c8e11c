import Engine
import InMemoryEngine
import Plan
import Testing

/// The helper image check policy setting and verify share: per node, absent (from the images
/// the inventory lists), lacking tools (asked of the engine only when present), or ready.
struct HelperImageTests {
    static func range(helper: String = "busybox:latest", policyOn hosts: [String?]) -> DesiredRange {
        let routers = hosts.enumerated().map { k, host in
            var vm = Fixture.vm("fw\(k)", [("a", "10.200.1.\(2 + k)")])
            vm.host = host
            vm.policy = RouterPolicy(declared: true, restore: "", hookCommands: [], hookRules: [], rules: [], addresses: [])
            return vm
        }
        return DesiredRange(name: "t", labels: [], networks: [Fixture.a], vms: routers, helperImage: helper)
    }

    @Test func aPresentImageIsAskedForItsToolsAnAbsentOneIsNot() throws {
        let engine = InMemoryEngine(images: ["busybox:latest"])
        engine.helperLacks = ["nft"]
        let inventory = try engine.inventory()
        let lacking = try engine.helperImage(["ip", "nft"], range: Self.range(policyOn: [nil]), hosts: [nil], inventory: inventory)
        #expect(lacking.map(\.state) == [.lacks(["nft"])])
        engine.resetCalls()
        let absent = try engine.helperImage(["ip"], range: Self.range(helper: "netshoot:1", policyOn: [nil]), hosts: [nil], inventory: inventory)
        #expect(absent.map(\.state) == [.absent])
        #expect(!engine.calls.contains { $0.name == "missingHelperTools" })
        engine.helperLacks = []
        #expect(try engine.helperImage(["ip"], range: Self.range(policyOn: [nil]), hosts: [nil], inventory: inventory).map(\.state) == [.ready])
    }

    @Test func eachNodeIsJudgedByItsOwnImagesAndObserveRecordsOnlyTheLackingOnes() throws {
        let engine = InMemoryEngine(images: ["busybox:latest"])
        engine.helperLacks = ["iptables"]
        var inventory = try engine.inventory()
        inventory.imagesByHost = ["n1": ["busybox:latest"], "n2": []]
        let states = try engine.helperImage(["iptables"], range: Self.range(policyOn: ["n1", "n2"]), hosts: ["n1", "n2"], inventory: inventory)
        #expect(states.map(\.host) == ["n1", "n2"])
        #expect(states.map(\.state) == [.lacks(["iptables"]), .absent])
        let observed = try engine.observe(for: Self.range(policyOn: [nil]))
        #expect(observed.helperMissingTools == ["": PolicySetting.tools.filter { $0 == "iptables" }])
    }
}
