import Manifest
import Plan
import RangeDiagnostics

/// Validates a raw manifest as a whole and assigns every missing address deterministically
/// (MANIFEST.md). Pure: the same manifest and pins always give the same range and diagnostics.
public struct Planner {
    public private(set) var diagnostics: [Diagnostic] = []

    /// The validated range (nil when any error was found) and every diagnostic, in source order.
    /// `hosts`: the swarm nodes VMs are placed on (`--engine NAME=URL`); fewer than two: one engine.
    public static func plan(_ raw: RawManifest, pins: [Pin] = [], hosts: [String] = []) -> (DesiredRange?, [Diagnostic]) {
        var planner = Planner()
        let desired = planner.run(raw, pins: pins, hosts: hosts)
        return (desired, planner.diagnostics)
    }

    /// An interface on its way to an address; `network` indexes the checked networks.
    struct Slot {
        var network: Int
        var location: SourceLocation
        var ip: IPv4Address?
        var isStatic: Bool
        /// This NIC holds its network's gateway as the network's router.
        var router = false
    }

    /// Interface names by position; longer lists are built on demand.
    static let interfaceNames = (0..<16).map { "eth\($0)" }

    // The VMs are walked by index and read field by field: binding a whole `RawVM` copies it,
    // which for 50,000 VMs and a dozen references each is measurable.
    private mutating func run(_ raw: RawManifest, pins: [Pin], hosts: [String]) -> DesiredRange? {
        let range = raw.name?.value ?? ""
        for label in raw.labels where label.key.value.hasPrefix(RangeLabels.prefix) {
            error(.invalidName, "label key '\(label.key.value)' is reserved for rangectl", at: label.key.location)
        }
        let placed = Placement.place(raw, hosts: hosts, into: &self)
        var (networkIndex, networks) = checkNetworks(raw.networks, range: range)
        if placed.contains(where: { $0 != nil }) {
            let nodes = Set(hosts).count
            for k in networks.indices {
                guard let subnet = networks[k]?.desired.subnet else { continue }
                networks[k]?.desired.swarmRange = SwarmAddresses.loadBalancerBlock(subnet, nodes: nodes)
            }
        }
        var pools: [AddressPool?] = networks.map { $0.map { AddressPool($0.desired) } }
        // The slots of VM i are slots[slotStart[i]..<slotStart[i + 1]].
        var (slots, slotStart) = collectSlots(raw, networks: networks, networkIndex: networkIndex, pools: &pools)
        reserveNATAddresses(raw, networks: networks, networkIndex: networkIndex, pools: &pools)
        checkRouters(raw, networks: networks, slots: slots, slotStart: slotStart)
        applyPins(pins, raw, networks: networks, slots: &slots, slotStart: slotStart, pools: &pools)
        assignRemaining(networks: networks, slots: &slots, pools: &pools)
        let routes = decideRoutes(raw, networks: networks, slots: slots, slotStart: slotStart, swarm: placed.contains { $0 != nil })
        let policy = checkPolicy(raw, networks: networks, networkIndex: networkIndex, slots: slots, slotStart: slotStart)
        return assemble(raw, range: range, networks: networks, slots: slots, slotStart: slotStart, routes: routes, hosts: placed, policy: policy)
    }

    /// Claims a dictionary entry with one lookup (through the defaulting subscript, -1 when new):
    /// the first claimant, `claimant` itself when it is the first.
    static func claim(_ entry: inout Int32, for claimant: Int32) -> Int32 {
        if entry < 0 { entry = claimant }
        return entry
    }

    /// A hostname folded for case-insensitive comparison; hostnames are ASCII, and most are
    /// already lowercase, which costs no allocation.
    static func caseFolded(_ hostname: String) -> String {
        hostname.utf8.contains { $0 >= 0x41 && $0 <= 0x5A } ? hostname.lowercased() : hostname
    }

    /// Why a pinned address can no longer be kept, or nil when it can.
    func pinProblem(_ a: IPv4Address, _ n: DesiredNetwork, _ pool: AddressPool) -> String? {
        if !n.subnet.contains(a) { return "is outside its subnet \(n.subnet)" }
        if a == n.subnet.network || a == n.subnet.broadcast { return "is the network or broadcast address" }
        if a == n.gateway { return "is the gateway" }
        if n.subnet.offset(of: a) <= UInt32(n.reserved) { return "is in the reserved range (offsets 1 to \(n.reserved))" }
        if pool.isTaken(a) { return "is now taken by a static address or another pin" }
        return nil
    }

    /// Capabilities without the `CAP_` prefix, sorted and unique: their order means nothing.
    static func capabilities(_ caps: [String]) -> [String] {
        if caps.isEmpty { return [] }
        return Array(Set(caps.map { $0.hasPrefix("CAP_") ? String($0.dropFirst(4)) : $0 })).sorted()
    }

    /// A map sorted by key, so that reordering it in the manifest changes nothing.
    static func sorted(_ pairs: [RawPair]) -> [KeyValue] {
        if pairs.isEmpty { return [] }
        return pairs.map { KeyValue($0.key.value, $0.value.value) }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    mutating func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, notes: [DiagnosticNote] = []) {
        diagnostics.append(.error(code, message, at: location, notes: notes))
    }

    mutating func warning(_ code: DiagnosticCode, _ message: String, at location: SourceLocation) {
        diagnostics.append(.warning(code, message, at: location))
    }
}
