import Plan
import RangeDiagnostics
import Testing
import TestSupport

/// The saved plan's writer (`PlanJSON`) and reader (`SavedPlan`) are two hands: over random
/// plans that set every field, what is read back must equal what was written, so a field one of
/// them forgets fails here. A field added to the range but not to the generator fails too.
struct SavedPlanRoundTripTests {
    @Test func randomPlansRoundTripThroughTheSavedPlanFile() throws {
        var g = SplitMix64(state: 20261202)
        var samples: [DesiredRange] = []
        for _ in 0..<200 {
            let desired = RandomRange.make(&g)
            samples.append(desired)
            let changes = RandomRange.changes(desired, &g)
            let plan = Plan(range: desired.name, diagnostics: [], desired: desired, changes: changes,
                            engine: EngineInfo(host: "unix:///var/run/docker.sock", apiVersion: "1.51"), fingerprint: "f\(g.next() % 1000)")
            let text = PlanJSON.text(plan, revealSensitive: true, pretty: Bool.random(using: &g))
            let document = try #require(JSONValue.parse(text))
            let saved = try SavedPlan.read(document).get()
            #expect(saved.desired == desired)
            #expect(saved.changes == changes)
            #expect(saved.fingerprint == plan.fingerprint)
            if saved.desired != desired { break }
        }
        // Every field the saved plan carries took more than one value in the sample.
        // Source positions: a saved plan has no file. The range's `policy` (the declaration): the
        // saved plan carries what apply needs of it, each router's compiled policy (DesiredVM.policy).
        func varied<T>(_ items: [T], _ kind: String, skipping: Set<String> = []) {
            let skipped = skipping.union(["location", "diskGBLocation"])
            var values: [String: Set<String>] = [:]
            for item in items {
                for child in Mirror(reflecting: item).children {
                    guard let label = child.label, !skipped.contains(label) else { continue }
                    values[label, default: []].insert(String(describing: child.value))
                }
            }
            for (label, seen) in values { #expect(seen.count > 1, "the generator never varies \(kind).\(label)") }
        }
        varied(samples, "DesiredRange", skipping: ["policy"])
        varied(samples.flatMap(\.networks), "DesiredNetwork")
        varied(samples.flatMap(\.vms), "DesiredVM")
        varied(samples.flatMap(\.vms).flatMap(\.interfaces), "DesiredInterface")
        varied(samples.flatMap(\.vms).flatMap(\.routes), "DesiredRoute")
        varied(samples.flatMap(\.instances), "InstanceBlock")
        varied(samples.flatMap(\.vms).compactMap(\.policy), "RouterPolicy")
        varied(samples.flatMap(\.vms).compactMap(\.policy).flatMap(\.addresses), "PolicyAddress")
    }
}

/// Random ranges with every field set to something other than its default some of the time.
enum RandomRange {
    static let odd = ["plain", "with space", "quote\"and\\backslash", "line\nbreak", "ctl\u{1}\u{7F}", "é✓", ""]

    static func word(_ g: inout SplitMix64) -> String {
        String((0..<Int.random(in: 1...8, using: &g)).map { _ in "abcdefghij".randomElement(using: &g)! })
    }

    static func pairs(_ g: inout SplitMix64) -> [KeyValue] {
        let keys = Set((0..<Int.random(in: 0...3, using: &g)).map { _ in word(&g) })
        return keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { KeyValue($0, odd.randomElement(using: &g)!) }
    }

    static func make(_ g: inout SplitMix64) -> DesiredRange {
        let name = "t" + word(&g)
        let networks = (0..<Int.random(in: 1...3, using: &g)).map { k -> DesiredNetwork in
            let subnet = IPv4Subnet(network: IPv4Address(0x0AC8_0000 + UInt32(k) << 8), prefixLength: 24)
            let n = "n\(k)" + word(&g)
            var network = DesiredNetwork(name: n, dockerName: name + "-" + n, subnet: subnet,
                                  gateway: subnet.address(atOffset: UInt32.random(in: 1...254, using: &g)),
                                  reserved: Int.random(in: 0...20, using: &g), internal: Bool.random(using: &g),
                                  router: Bool.random(using: &g) ? "r" + word(&g) : nil,
                                  bridgeIP: Bool.random(using: &g) ? subnet.address(atOffset: UInt32.random(in: 1...254, using: &g)) : nil)
            if Bool.random(using: &g) { network.swarmRange = SwarmAddresses.loadBalancerBlock(subnet, nodes: Int.random(in: 2...20, using: &g)) }
            network.instance = [nil, "a" + word(&g)].randomElement(using: &g)!
            return network
        }
        let vms = (0..<Int.random(in: 0...4, using: &g)).map { k -> DesiredVM in
            let hostname = "v\(k)" + word(&g)
            let nics = networks.shuffled(using: &g).prefix(Int.random(in: 1...networks.count, using: &g))
            let interfaces = nics.enumerated().map { i, n in
                DesiredInterface(name: "eth\(i)", network: n.name, ip: n.subnet.address(atOffset: UInt32.random(in: 1...254, using: &g)),
                                 primary: i == 0, auto: Bool.random(using: &g), router: Bool.random(using: &g))
            }
            let routes = (0..<Int.random(in: 0...2, using: &g)).map { _ in
                DesiredRoute(to: Bool.random(using: &g) ? "default" : "10.\(Int.random(in: 0...255, using: &g)).0.0/16",
                             via: interfaces[0].ip, implicit: Bool.random(using: &g))
            }
            var vm = DesiredVM(hostname: hostname, dockerName: name + "-" + hostname,
                             image: ["busybox", "busybox:latest", "registry.example:5000/x/y@sha256:" + String(repeating: "a", count: 64)].randomElement(using: &g)!,
                             cpu: Int.random(in: 1...8, using: &g), ramMB: Int.random(in: 64...8192, using: &g),
                             diskGB: Int.random(in: 0...100, using: &g), privileged: Bool.random(using: &g),
                             capAdd: Bool.random(using: &g) ? ["NET_ADMIN"] : [], sysctls: pairs(&g),
                             env: pairs(&g) + (Bool.random(using: &g) ? [KeyValue("zz_PASSWORD", "s3cret")] : []),
                             command: Bool.random(using: &g) ? (0..<Int.random(in: 0...3, using: &g)).map { _ in odd.randomElement(using: &g)! } : nil,
                             interfaces: Array(interfaces), routes: routes,
                             host: [nil, "n1", "node-" + word(&g)].randomElement(using: &g)!,
                             instance: [nil, "01", "i" + word(&g)].randomElement(using: &g)!)
            if Bool.random(using: &g) { vm.policy = policy(interfaces, &g) }
            return vm
        }
        let instances = (0..<Int.random(in: 0...3, using: &g)).map { k in
            InstanceBlock(name: "i\(k)" + word(&g), block: IPv4Subnet(network: IPv4Address(0x0A80_0000 + UInt32(k) << 10), prefixLength: 22))
        }
        var range = DesiredRange(name: name, labels: pairs(&g), networks: networks, vms: vms,
                                 helperImage: Bool.random(using: &g) ? "busybox:latest" : "helper:" + word(&g), instances: instances)
        if !instances.isEmpty && Bool.random(using: &g) { range.instanceScope = instances.prefix(Int.random(in: 1...instances.count, using: &g)).map(\.name) }
        return range
    }

    static func policy(_ nics: [DesiredInterface], _ g: inout SplitMix64) -> RouterPolicy {
        let hooks = (0..<Int.random(in: 0...2, using: &g)).map { _ in word(&g) }
        return RouterPolicy(declared: Bool.random(using: &g),
                            restore: "*filter\n:" + word(&g) + " - [0:0]\n-A x -s " + odd.randomElement(using: &g)! + "\nCOMMIT\n",
                            hookCommands: hooks.map { "iptables -C " + $0 }, hookRules: hooks.map { "-A FORWARD -j " + $0 },
                            rules: (0..<Int.random(in: 0...3, using: &g)).map { _ in "allow " + odd.randomElement(using: &g)! },
                            addresses: nics.prefix(Int.random(in: 0...nics.count, using: &g)).map {
                                PolicyAddress(interface: $0.name, ip: IPv4Address($0.ip.value &+ 1))
                            })
    }

    static func changes(_ desired: DesiredRange, _ g: inout SplitMix64) -> [Change] {
        let actions: [ChangeAction] = [.create, .update, .replace, .delete]
        let kinds: [ResourceKind] = [.network, .vm, .helper]
        return (0..<Int.random(in: 0...4, using: &g)).map { _ in
            Change(actions.randomElement(using: &g)!, kinds.randomElement(using: &g)!, word(&g),
                   detail: (0..<Int.random(in: 0...2, using: &g)).map { _ in odd.randomElement(using: &g)! },
                   instance: [nil, "i" + word(&g)].randomElement(using: &g)!)
        }
    }
}
