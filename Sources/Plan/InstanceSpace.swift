/// Many copies of one range, each re-based into its own block of an address space (the
/// manifest's `instances:`). Pure.
///
/// The range's *span* is the smallest aligned block that covers all its subnets; instance k gets
/// the k-th block of the span's size in the address space, unless a pin (from the lock file or
/// the engine's labels) keeps the block it had; every address keeps its offset within the span.
public enum InstanceSpace {
    /// The smallest aligned block covering every subnet (nil for none).
    public static func span(of subnets: [IPv4Subnet]) -> IPv4Subnet? {
        guard let first = subnets.first else { return nil }
        var low = first.network.value, high = first.broadcast.value
        for s in subnets.dropFirst() {
            low = min(low, s.network.value)
            high = max(high, s.broadcast.value)
        }
        // The longest prefix whose block holds both ends.
        var prefix = 32
        while prefix > 0 && (low >> UInt32(32 - prefix)) != (high >> UInt32(32 - prefix)) { prefix -= 1 }
        let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefix)
        return IPv4Subnet(network: IPv4Address(low & mask), prefixLength: prefix)
    }

    /// Why blocks cannot be handed out: the space holds fewer blocks than there are instances,
    /// or overlaps the span the range is written in.
    public enum Refusal: Error, Equatable, Sendable {
        case exhausted(fit: Int, needed: Int)
        case overlapsSpan
        /// A pin names a block outside the space, or two pins the same block.
        case badPin(String)
    }

    /// Each name's block, in the order written: a pinned name keeps its block; the others take
    /// the lowest free ones, in order. Adding a name at the end moves nothing; removing one moves
    /// nothing (the others are pinned to theirs by then). A pin of a name no longer listed still
    /// holds its block (while an engine object of that instance exists, its caller keeps the pin).
    public static func blocks(names: [String], span: IPv4Subnet, space: IPv4Subnet, pins: [String: Int] = [:])
        -> Result<[(name: String, block: IPv4Subnet)], Refusal> {
        if space.overlaps(span) { return .failure(.overlapsSpan) }
        guard space.prefixLength <= span.prefixLength else { return .failure(.exhausted(fit: 0, needed: names.count)) }
        let fit = Int(min(UInt64(1) << UInt64(span.prefixLength - space.prefixLength), UInt64(Int.max)))
        var taken = Set<Int>()
        var index: [String: Int] = [:]
        let listed = Set(names)
        for (name, k) in pins.sorted(by: { $0.key < $1.key }) {
            guard k >= 0 && k < fit else { return .failure(.badPin("\(name) is pinned to block \(k), outside the \(fit) the space holds")) }
            guard taken.insert(k).inserted else { return .failure(.badPin("two instances are pinned to block \(k)")) }
            if listed.contains(name) { index[name] = k }
        }
        var next = 0
        for name in names where index[name] == nil {
            while taken.contains(next) { next += 1 }
            guard next < fit else { return .failure(.exhausted(fit: fit, needed: names.count)) }
            index[name] = next
            taken.insert(next)
        }
        let size = UInt64(1) << UInt64(32 - span.prefixLength)
        return .success(names.map { name in
            let base = UInt32(truncatingIfNeeded: UInt64(space.network.value) + UInt64(index[name]!) * size)
            return (name, IPv4Subnet(network: IPv4Address(base), prefixLength: span.prefixLength))
        })
    }

    /// An address moved from `span` to the same offset in `block`; one outside the span stays.
    public static func rebase(_ a: IPv4Address, from span: IPv4Subnet, to block: IPv4Subnet) -> IPv4Address {
        span.contains(a) ? block.address(atOffset: span.offset(of: a)) : a
    }

    /// A subnet inside the span moved with it; one outside it, or wider than it, stays.
    public static func rebase(_ s: IPv4Subnet, from span: IPv4Subnet, to block: IPv4Subnet) -> IPv4Subnet {
        guard span.contains(s.network), s.prefixLength >= span.prefixLength else { return s }
        return IPv4Subnet(network: rebase(s.network, from: span, to: block), prefixLength: s.prefixLength)
    }

    /// The range as instance `instance` in `block`: every subnet, gateway, bridge address, swarm
    /// range, interface address, route target inside the span and route gateway re-based, and the
    /// policy's sources, destinations and NAT addresses; every network, VM and NAT entry marked as
    /// the instance's, and named `<range>-<instance>-<object>` on the engine.
    public static func instance(_ desired: DesiredRange, named instance: String, span: IPv4Subnet, block: IPv4Subnet) -> DesiredRange {
        var out = desired
        let prefix = EngineNames.prefix(desired.name, instance: instance)
        out.networks = desired.networks.map { n in
            var n = n
            n.instance = instance
            n.dockerName = EngineNames.object(prefix, n.name)
            n.subnet = rebase(n.subnet, from: span, to: block)
            n.gateway = rebase(n.gateway, from: span, to: block)
            n.bridgeIP = n.bridgeIP.map { rebase($0, from: span, to: block) }
            n.swarmRange = n.swarmRange.map { rebase($0, from: span, to: block) }
            return n
        }
        out.vms = desired.vms.map { vm in
            var vm = vm
            vm.instance = instance
            vm.dockerName = EngineNames.object(prefix, vm.hostname)
            vm.interfaces = vm.interfaces.map { i in
                var i = i
                i.ip = rebase(i.ip, from: span, to: block)
                return i
            }
            vm.routes = vm.routes.map { r in
                var r = r
                r.via = rebase(r.via, from: span, to: block)
                if case let .success(to) = IPv4Subnet.parse(r.to, allowedPrefixes: 0...32) { r.to = rebase(to, from: span, to: block).description }
                return r
            }
            return vm
        }
        out.policy = desired.policy.map { policy in
            var p = policy
            p.rules = policy.rules.map { r in
                var r = r
                r.sources = r.sources.map { rebase($0, from: span, to: block) }
                r.destinations = r.destinations.map { rebase($0, from: span, to: block) }
                return r
            }
            p.nat = policy.nat.map { e in
                var e = e
                e.address = rebase(e.address, from: span, to: block)
                e.targetAddress = rebase(e.targetAddress, from: span, to: block)
                e.instance = instance
                return e
            }
            return p
        }
        return out
    }

    /// The policy of all copies together: each copy's rules (a rule that names only addresses
    /// outside the span is the same in every copy, and kept once) and NAT entries, in order.
    public static func merged(_ policies: [DesiredPolicy]) -> DesiredPolicy? {
        guard let first = policies.first else { return nil }
        var seen = Set<PolicyRule>()
        var out = DesiredPolicy(defaultAction: first.defaultAction)
        for p in policies {
            out.rules += p.rules.filter { seen.insert($0).inserted }
            out.nat += p.nat
        }
        return out
    }
}
