import Manifest
import Plan
import RangeDiagnostics

/// A network that passed its own rules, with the location of its definition for later notes.
struct CheckedNetwork {
    var desired: DesiredNetwork
    var location: SourceLocation
    /// The `router` value as written, checked against the VMs later.
    var router: Located<String>?
}

extension Planner {
    /// Checks each network on its own (name, subnet, gateway, reserved), then names and overlaps
    /// across networks. Returns every defined name's index (first definition wins) and, by that
    /// index, the network when it is usable for interfaces (nil when its subnet is unusable).
    mutating func checkNetworks(_ raw: [RawNetwork], range: String) -> (index: [String: Int], networks: [CheckedNetwork?]) {
        var index: [String: Int] = [:]
        var networks: [CheckedNetwork?] = []
        var firstDefinition: [String: SourceLocation] = [:]
        var checked: [CheckedNetwork] = []
        for n in raw {
            guard let name = n.name else { continue }
            if let earlier = firstDefinition[name.value] {
                error(.duplicateName, "network '\(name.value)' is already defined at \(earlier.reference(from: name.location))", at: name.location,
                      notes: [DiagnosticNote("first defined here", at: earlier)])
                continue
            }
            firstDefinition[name.value] = name.location
            index[name.value] = networks.count
            networks.append(nil)
            guard let subnetText = n.subnet, let subnet = parseSubnet(subnetText) else { continue }
            // A bad gateway or reserved is reported, and the network stays usable with the default
            // in its place, so that its interfaces and overlaps are still checked in this run.
            var gateway = subnet.firstHost
            if let g = n.gateway {
                if let address = IPv4Address(g.value) {
                    if subnet.contains(address), address != subnet.network, address != subnet.broadcast {
                        gateway = address
                    } else {
                        let why = !subnet.contains(address) ? "is outside" : address == subnet.network ? "is the network address of" : "is the broadcast address of"
                        error(.gatewayOutsideSubnet, "gateway \(address) \(why) subnet \(subnet)", at: g.location)
                    }
                } else {
                    error(.invalidIP, "gateway '\(Diagnostic.excerpt(g.value))' is not an IPv4 address", at: g.location)
                }
            }
            var reserved = ManifestSchema.defaultReserved
            if let r = n.reserved {
                if r.value <= subnet.hostCount - 1 {
                    reserved = r.value
                } else {
                    error(.outOfRange, "'reserved' must be between 0 and \(subnet.hostCount - 1) for \(subnet), found \(r.value)", at: r.location)
                }
            }
            let bridgeIP = checkBridge(n, subnet: subnet, gateway: gateway)
            let network = CheckedNetwork(
                desired: DesiredNetwork(name: name.value, dockerName: EngineNames.object(range, name.value), subnet: subnet, gateway: gateway,
                                        reserved: reserved, internal: n.internal?.value ?? false, router: n.router?.value,
                                        bridgeIP: bridgeIP, location: name.location),
                location: subnetText.location, router: n.router)
            networks[networks.count - 1] = network
            checked.append(network)
        }
        checkOverlaps(checked)
        return (index, networks)
    }

    /// The engine's address on a routed network: `bridge_ip` when valid, else the highest host that
    /// is not the gateway. Without a router the bridge is the gateway, and `bridge_ip` is refused.
    private mutating func checkBridge(_ n: RawNetwork, subnet: IPv4Subnet, gateway: IPv4Address) -> IPv4Address? {
        guard n.router != nil else {
            if let b = n.bridgeIP {
                error(.conflictingFields, "'bridge_ip' needs 'router': without a router the engine's bridge is the gateway", at: b.location)
            }
            return nil
        }
        let fallback = subnet.lastHost == gateway ? IPv4Address(subnet.lastHost.value - 1) : subnet.lastHost
        guard let b = n.bridgeIP else { return fallback }
        guard let address = IPv4Address(b.value) else {
            error(.invalidIP, "bridge_ip '\(Diagnostic.excerpt(b.value))' is not an IPv4 address", at: b.location)
            return fallback
        }
        if !subnet.contains(address) {
            error(.ipOutsideSubnet, "bridge_ip \(address) is outside subnet \(subnet)", at: b.location)
            return fallback
        }
        if address == gateway || address == subnet.network || address == subnet.broadcast {
            let what = address == gateway ? "the gateway, which the router holds" : address == subnet.network ? "the network address" : "the broadcast address"
            error(.ipReserved, "bridge_ip \(address) is \(what)", at: b.location)
            return fallback
        }
        return address
    }

    /// Overlaps in O(N log N): sort by first address; each subnet is compared with the one that
    /// reaches furthest among those before it. Reported at the later definition in the file.
    private mutating func checkOverlaps(_ networks: [CheckedNetwork]) {
        let sorted = networks.sorted {
            ($0.desired.subnet.network, $0.location) < ($1.desired.subnet.network, $1.location)
        }
        var widest: CheckedNetwork?
        for n in sorted {
            if let w = widest, w.desired.subnet.overlaps(n.desired.subnet) {
                let (later, earlier) = n.location > w.location ? (n, w) : (w, n)
                error(.subnetOverlap, "subnet \(later.desired.subnet) of network '\(later.desired.name)' overlaps \(earlier.desired.subnet) of network '\(earlier.desired.name)' (\(earlier.location.reference(from: later.location)))", at: later.location,
                      notes: [DiagnosticNote("subnet of network '\(earlier.desired.name)' given here", at: earlier.location)])
            }
            if widest.map({ n.desired.subnet.broadcast > $0.desired.subnet.broadcast }) ?? true {
                widest = n
            }
        }
    }

    private mutating func parseSubnet(_ text: Located<String>) -> IPv4Subnet? {
        switch IPv4Subnet.parse(text.value) {
        case let .success(subnet):
            return subnet
        case .failure(.malformed):
            error(.invalidCIDR, "subnet '\(Diagnostic.excerpt(text.value))' is not an IPv4 CIDR such as 10.0.1.0/24", at: text.location)
        case let .failure(.prefixOutOfRange(p)):
            error(.invalidCIDR, "subnet \(text.value) has prefix length /\(p); rangectl takes /8 to /30", at: text.location)
        case let .failure(.hostBitsSet(suggestion)):
            error(.invalidCIDR, "subnet \(text.value) has host bits set; did you mean \(suggestion)?", at: text.location)
        }
        return nil
    }
}
