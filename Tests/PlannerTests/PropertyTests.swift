import Plan
import Planner
import Testing
import TestSupport

/// A random valid manifest: non-overlapping subnets, pools large enough, some static addresses.
func randomManifest(seed: UInt64) -> (text: String, statics: [String: String]) {
    var rng = SplitMix64(state: seed)
    let networkCount = Int.random(in: 1...8, using: &rng)
    var lines = ["version: 1", "name: prop", "networks:"]
    var subnets: [(name: String, subnet: IPv4Subnet, gateway: IPv4Address, reserved: Int)] = []
    for i in 0..<networkCount {
        let prefix = Int.random(in: 20...24, using: &rng)
        // Each network gets its own /20 block, so none overlap whatever the prefix.
        let subnet = IPv4Subnet(network: IPv4Address(0x0AC8_0000 + UInt32(i) << 12), prefixLength: prefix)
        let reserved = Int.random(in: 0...30, using: &rng)
        var gateway = subnet.firstHost
        var line = "  - {name: n\(i), subnet: \(subnet), reserved: \(reserved)"
        if Bool.random(using: &rng) {
            gateway = subnet.address(atOffset: UInt32.random(in: 1...40, using: &rng))
            line += ", gateway: \(gateway)"
        }
        lines.append(line + "}")
        subnets.append(("n\(i)", subnet, gateway, reserved))
    }
    lines.append("vms:")
    var statics: [String: String] = [:]
    var used: [String: Set<UInt32>] = [:]
    for v in 0..<Int.random(in: 1...60, using: &rng) {
        let chosen = subnets.shuffled(using: &rng).prefix(Int.random(in: 1...min(4, subnets.count), using: &rng))
        var items: [String] = []
        for n in chosen {
            if Int.random(in: 0..<4, using: &rng) == 0 {
                let offset = UInt32.random(in: 2...200, using: &rng)
                let ip = n.subnet.address(atOffset: offset)
                if ip != n.gateway, !used[n.name, default: []].contains(offset) {
                    used[n.name, default: []].insert(offset)
                    statics["vm\(v)/\(n.name)"] = ip.description
                    items.append("{network: \(n.name), ip: \(ip)}")
                    continue
                }
            }
            items.append(n.name)
        }
        lines.append("  - {hostname: vm\(v), image: busybox, networks: [\(items.joined(separator: ", "))]}")
    }
    return (lines.joined(separator: "\n") + "\n", statics)
}

struct PropertyTests {
    static let seeds: [UInt64] = Array(1...200)

    @Test(arguments: seeds)
    func assignmentInvariantsHold(seed: UInt64) throws {
        let (text, statics) = randomManifest(seed: seed)
        let compilation = compile(text)
        #expect(compilation.diagnostics.isEmpty, "seed \(seed): \(compilation.diagnostics.map(\.message))")
        let range = try #require(compilation.desired)
        let networks = Dictionary(uniqueKeysWithValues: range.networks.map { ($0.name, $0) })
        var seen: [String: Set<IPv4Address>] = [:]
        for vm in range.vms {
            for i in vm.interfaces {
                let n = try #require(networks[i.network])
                #expect(n.subnet.contains(i.ip), "seed \(seed): \(i.ip) outside \(n.subnet)")
                #expect(i.ip != n.subnet.network && i.ip != n.subnet.broadcast && i.ip != n.gateway, "seed \(seed): \(i.ip)")
                #expect(seen[i.network, default: []].insert(i.ip).inserted, "seed \(seed): \(i.ip) twice on \(i.network)")
                if let s = statics["\(vm.hostname)/\(i.network)"] {
                    #expect(i.ip.description == s && !i.auto)
                } else {
                    #expect(i.auto && n.subnet.offset(of: i.ip) > UInt32(n.reserved), "seed \(seed): \(i.ip) in reserved")
                }
            }
        }
    }

    @Test(arguments: seeds.prefix(50))
    func sameInputSameOutput(seed: UInt64) {
        let (text, _) = randomManifest(seed: seed)
        let a = compile(text).desired
        let b = compile(text).desired
        #expect(a != nil && a == b)
        #expect(PlanJSON.text(Plan.offline(a!, diagnostics: [])) == PlanJSON.text(Plan.offline(b!, diagnostics: [])))
    }

    @Test(arguments: seeds.prefix(50))
    func pinnedVMsKeepTheirAddressesWhenOthersGo(seed: UInt64) throws {
        let (text, _) = randomManifest(seed: seed)
        let before = try #require(compile(text).desired)
        let pins = before.vms.flatMap { vm in vm.interfaces.map { Pin(hostname: vm.hostname, network: $0.network, address: $0.ip) } }
        // Drop every third VM line and reverse the rest.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = lines.firstIndex(of: "vms:")! + 1
        let kept = lines[start...].enumerated().filter { $0.offset % 3 != 0 && !$0.element.isEmpty }.map(\.element)
        lines = Array(lines[..<start]) + kept.reversed()
        let after = try #require(compile(lines.joined(separator: "\n") + "\n", pins: pins).desired)
        let old = Dictionary(uniqueKeysWithValues: before.vms.map { ($0.hostname, $0.interfaces) })
        for vm in after.vms {
            #expect(vm.interfaces == old[vm.hostname], "seed \(seed): \(vm.hostname) moved")
        }
    }
}
