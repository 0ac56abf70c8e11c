import Manifest
import Plan
import RangeDiagnostics

/// A router VM of the range (named in some network's `router:`) and the networks it joins: every
/// network it has a NIC on, by index into the checked networks.
struct PolicyRouter {
    var vm: Int
    var segments: [Int]
}

/// One side of an `allow` rule, resolved: each subnet with the networks (segments) it lies in.
struct PolicyEndpoint {
    var subnets: [IPv4Subnet]
    var segments: [[Int]]
    /// The VM it names, when it names one.
    var vm: Int?

    /// Every network any of its subnets lies in, without repeats, in first-seen order.
    var allSegments: [Int] {
        var out: [Int] = []
        for s in segments.joined() where !out.contains(s) { out.append(s) }
        return out
    }
}

/// `policy:` (issue 11): every reference resolved, every port and CIDR parsed, every rule's path
/// checked to cross a router VM, every NAT address checked against the range's addresses. Every
/// problem is reported in one run, at the value that is wrong.
extension Planner {
    /// NAT addresses are claimed before automatic assignment, as static addresses are, so that no
    /// interface is given one. Only well-formed addresses inside their network are claimed; the
    /// rest is reported by `checkPolicy`.
    mutating func reserveNATAddresses(_ raw: RawManifest, networks: [CheckedNetwork?], networkIndex: [String: Int], pools: inout [AddressPool?]) {
        for entry in raw.policy?.nat ?? [] {
            guard let on = entry.on, let k = networkIndex[on.value], let n = networks[k]?.desired,
                  let text = entry.address, let address = IPv4Address(text.value), n.subnet.contains(address) else { continue }
            pools[k]?.take(address)
        }
    }

    /// The resolved policy, or nil when there is none or it has an error (reported).
    /// Runs after every address is decided: a VM stands for the addresses it was given.
    mutating func checkPolicy(_ raw: RawManifest, networks: [CheckedNetwork?], networkIndex: [String: Int], slots: [Slot], slotStart: [Int]) -> DesiredPolicy? {
        guard let policy = raw.policy else { return nil }
        let errorsBefore = diagnostics.filter { $0.severity == .error }.count
        var vmIndex: [String: Int] = [:]
        for i in raw.vms.indices {
            if let h = raw.vms[i].hostname { vmIndex[Self.caseFolded(h.value)] = vmIndex[Self.caseFolded(h.value)] ?? i }
        }
        let routers = policyRouters(networks: networks, vmIndex: vmIndex, slots: slots, slotStart: slotStart)

        var action = PolicyAction.deny
        if let d = policy.defaultAction {
            if let a = PolicyAction(rawValue: d.value) {
                action = a
            } else {
                error(.invalidPolicy, "policy default '\(Diagnostic.excerpt(d.value))' is neither 'deny' nor 'allow'", at: d.location)
            }
        }
        if routers.isEmpty {
            error(.policyNoRouter, "'policy' needs a router VM: no network of this range has 'router:', so no traffic crosses one to be filtered", at: policy.location)
        }

        var rules: [PolicyRule] = []
        for rule in policy.allow {
            let from = rule.from.flatMap { policyEndpoint($0, networks: networks, networkIndex: networkIndex, vmIndex: vmIndex, slots: slots, slotStart: slotStart) }
            let to = rule.to.flatMap { policyEndpoint($0, networks: networks, networkIndex: networkIndex, vmIndex: vmIndex, slots: slots, slotStart: slotStart) }
            var ports: [PolicyPorts] = []
            if let list = rule.ports {
                if list.value.isEmpty {
                    error(.invalidPolicy, "'ports' is empty; write [any] to allow every protocol and port", at: list.location)
                }
                for p in list.value {
                    guard let parsed = PolicyPorts.parse(p.value) else {
                        error(.invalidPolicy, "port '\(Diagnostic.excerpt(p.value))' is not tcp/N, udp/N, tcp/N-M, udp/N-M, icmp or any (N, M from 1 to 65535)", at: p.location)
                        continue
                    }
                    ports.append(parsed)
                }
            }
            guard let from, let to, let fromText = rule.from, let toText = rule.to else { continue }
            if let text = [(from, fromText), (to, toText)].first(where: { e, _ in routers.contains { $0.vm == e.vm } })?.1 {
                error(.policyUnrouted, "'\(text.value)' is a router VM: its own traffic is not forwarded, and the policy filters only traffic a router forwards between segments", at: text.location)
            } else if !routers.isEmpty, let why = unrouted(from, fromText.value, to, toText.value, routers: routers, networks: networks) {
                error(.policyUnrouted, why, at: toText.location, notes: [DiagnosticNote("the source is given here", at: fromText.location)])
            }
            rules.append(PolicyRule(sources: from.subnets, destinations: to.subnets, ports: ports,
                                    text: "\(fromText.value) -> \(toText.value) \(ports.map(\.description).joined(separator: ", "))"))
        }

        let nat = checkNAT(policy.nat, raw, networks: networks, networkIndex: networkIndex, vmIndex: vmIndex, routers: routers, slots: slots, slotStart: slotStart)
        guard diagnostics.filter({ $0.severity == .error }).count == errorsBefore else { return nil }
        var desired = DesiredPolicy(defaultAction: action, rules: rules, nat: nat)
        desired.location = policy.location
        return desired
    }

    /// The router VMs in manifest order, each once, with the networks it has NICs on.
    private func policyRouters(networks: [CheckedNetwork?], vmIndex: [String: Int], slots: [Slot], slotStart: [Int]) -> [PolicyRouter] {
        var vms: [Int] = []
        for n in networks {
            guard let r = n?.router, let i = vmIndex[Self.caseFolded(r.value)], !vms.contains(i) else { continue }
            vms.append(i)
        }
        return vms.sorted().map { i in
            PolicyRouter(vm: i, segments: slots[slotStart[i]..<slotStart[i + 1]].map(\.network).filter { networks[$0] != nil })
        }
    }

    /// `from` or `to`: a CIDR (anything with a `/`), else a VM hostname (case-insensitive) or a
    /// network name. nil when it is none of these (reported).
    private mutating func policyEndpoint(_ text: Located<String>, networks: [CheckedNetwork?], networkIndex: [String: Int], vmIndex: [String: Int],
                                         slots: [Slot], slotStart: [Int]) -> PolicyEndpoint? {
        let t = text.value
        if t.contains("/") {
            switch IPv4Subnet.parse(t, allowedPrefixes: 0...32) {
            case let .success(subnet):
                let inside = networks.indices.filter { networks[$0]?.desired.subnet.overlaps(subnet) == true }
                return PolicyEndpoint(subnets: [subnet], segments: [inside])
            case let .failure(.hostBitsSet(suggestion)):
                error(.invalidPolicy, "CIDR \(t) has host bits set; did you mean \(suggestion)?", at: text.location)
            case .failure:
                error(.invalidPolicy, "'\(Diagnostic.excerpt(t))' is not an IPv4 CIDR such as 10.0.1.0/24", at: text.location)
            }
            return nil
        }
        let vm = vmIndex[Self.caseFolded(t)]
        let network = networkIndex[t]
        if vm != nil && network != nil {
            error(.invalidPolicy, "'\(t)' is both a VM and a network of this range; write the one meant as a CIDR (the network's subnet, or the VM's address/32)", at: text.location)
            return nil
        }
        if let i = vm {
            let own = slots[slotStart[i]..<slotStart[i + 1]].filter { $0.ip != nil }
            return PolicyEndpoint(subnets: own.map { IPv4Subnet(network: $0.ip!, prefixLength: 32) }, segments: own.map { [$0.network] }, vm: i)
        }
        if let k = network {
            // A network whose subnet is unusable was reported where it is defined.
            guard let n = networks[k] else { return nil }
            return PolicyEndpoint(subnets: [n.desired.subnet], segments: [[k]])
        }
        if IPv4Address(t) != nil {
            error(.invalidPolicy, "'\(t)' is an address; write it as a CIDR: \(t)/32", at: text.location)
        } else {
            error(.unknownPolicyTarget, "'\(Diagnostic.excerpt(t))' is neither a VM nor a network of this range, nor an IPv4 CIDR", at: text.location)
        }
        return nil
    }

    /// Why traffic from `from` to `to` crosses no router (one hop: one router attached to a
    /// network of each side), or nil when some subnet pair does.
    private func unrouted(_ from: PolicyEndpoint, _ fromText: String, _ to: PolicyEndpoint, _ toText: String, routers: [PolicyRouter],
                          networks: [CheckedNetwork?]) -> String? {
        for sourceSegments in from.segments {
            for destinationSegments in to.segments {
                for r in routers {
                    let a = sourceSegments.filter(r.segments.contains), b = destinationSegments.filter(r.segments.contains)
                    if a.contains(where: { x in b.contains { $0 != x } }) { return nil }
                }
            }
        }
        let names = { (segments: [Int]) in segments.compactMap { networks[$0]?.desired.name }.map { "'\($0)'" }.joined(separator: ", ") }
        let (fs, ts) = (from.allSegments, to.allSegments)
        if fs.isEmpty || ts.isEmpty {
            let outside = fs.isEmpty ? fromText : toText
            return "'\(outside)' lies in no network of this range; the policy filters only traffic between the segments a router VM joins"
        }
        if fs.count == 1 && fs == ts {
            return "'\(fromText)' and '\(toText)' are both on \(names(fs)) only: traffic inside one segment passes no router and is not filtered"
        }
        return "no router VM is attached both to \(names(fs)) (of '\(fromText)') and to another network of '\(toText)' (\(names(ts))); the policy applies to traffic through one router (one hop)"
    }

    /// The `nat` entries, resolved; entries with an error are reported and left out.
    private mutating func checkNAT(_ entries: [RawNATRule], _ raw: RawManifest, networks: [CheckedNetwork?], networkIndex: [String: Int], vmIndex: [String: Int],
                                   routers: [PolicyRouter], slots: [Slot], slotStart: [Int]) -> [NATEntry] {
        guard !entries.isEmpty else { return [] }
        // Who holds each address (addresses are unique across networks: subnets do not overlap).
        var holders: [IPv4Address: (vm: Int, slot: Int)] = [:]
        for i in raw.vms.indices {
            for s in slotStart[i]..<slotStart[i + 1] {
                if let ip = slots[s].ip, holders[ip] == nil { holders[ip] = (i, s) }
            }
        }
        var published: [(address: IPv4Address, proto: NATProtocol, port: Int, location: SourceLocation)] = []
        var out: [NATEntry] = []
        for entry in entries {
            guard let onText = entry.on else { continue }
            let k = networkIndex[onText.value]
            if k == nil {
                error(.unknownNetwork, "network '\(onText.value)' is not defined in this range", at: onText.location)
            }
            let network = k.flatMap { networks[$0] }
            var router: PolicyRouter?
            if let n = network {
                if let r = n.router {
                    router = routers.first { raw.vms[$0.vm].hostname.map { Self.caseFolded($0.value) } == Self.caseFolded(r.value) }
                } else {
                    error(.policyNoRouter, "network '\(n.desired.name)' has no router: a NAT address is published by the router VM of its 'on' network", at: onText.location)
                }
            }

            var address: IPv4Address?
            if let a = entry.address {
                if let ip = IPv4Address(a.value) {
                    address = ip
                    if let n = network?.desired, let (why, note) = natAddressProblem(ip, n, holders: holders, raw, slots: slots) {
                        error(.natAddress, "NAT address \(ip) \(why)", at: a.location, notes: note.map { [$0] } ?? [])
                        address = nil
                    }
                } else {
                    error(.invalidIP, "NAT address '\(Diagnostic.excerpt(a.value))' is not an IPv4 address", at: a.location)
                }
            }

            let port = entry.port.flatMap { natPort($0) }
            if let a = address, let (proto, number) = port, let p = entry.port {
                if let earlier = published.first(where: { $0.address == a && $0.proto == proto && $0.port == number }) {
                    error(.natAddress, "NAT address \(a) already publishes \(proto.rawValue)/\(number) at \(earlier.location.reference(from: p.location))", at: p.location,
                          notes: [DiagnosticNote("first published here", at: earlier.location)])
                    address = nil
                } else {
                    published.append((a, proto, number, p.location))
                }
            }

            let target = entry.to.flatMap { t in
                natTarget(t, on: onText, network: k, router: router, raw, networkIndex: networkIndex, vmIndex: vmIndex, slots: slots, slotStart: slotStart)
            }

            guard let n = network?.desired, let r = router, let a = address, let (proto, number) = port, let target,
                  let routerName = raw.vms[r.vm].hostname?.value, let targetName = raw.vms[target.vm].hostname?.value else { continue }
            out.append(NATEntry(router: routerName, network: n.name, address: a, proto: proto, port: number, target: targetName,
                                targetAddress: target.address, targetPort: entry.toPort?.value ?? number))
        }
        return out
    }

    /// A NAT entry's port: `tcp/N` or `udp/N`, one port; reported when it is not.
    private mutating func natPort(_ p: Located<String>) -> (NATProtocol, Int)? {
        switch PolicyPorts.parse(p.value) {
        case let .tcp(r)? where r.count == 1: return (.tcp, r.lowerBound)
        case let .udp(r)? where r.count == 1: return (.udp, r.lowerBound)
        default:
            error(.invalidPolicy, "NAT port '\(Diagnostic.excerpt(p.value))' is not tcp/N or udp/N (one port, N from 1 to 65535)", at: p.location)
            return nil
        }
    }

    /// A NAT entry's target `t`: a VM other than the router of network `k` (named `on`), with a
    /// NIC on another of the router's segments, whose address there the traffic is forwarded to;
    /// reported when it is none (nothing to check without the network or its router).
    private mutating func natTarget(_ t: Located<String>, on: Located<String>, network k: Int?, router: PolicyRouter?, _ raw: RawManifest,
                                    networkIndex: [String: Int], vmIndex: [String: Int], slots: [Slot], slotStart: [Int]) -> (vm: Int, address: IPv4Address)? {
        guard let i = vmIndex[Self.caseFolded(t.value)] else {
            let why = networkIndex[t.value] != nil ? "is a network; a NAT entry forwards to one VM" : "is not a VM of this range"
            error(.unknownPolicyTarget, "NAT target '\(Diagnostic.excerpt(t.value))' \(why)", at: t.location)
            return nil
        }
        guard let r = router, let kOn = k else { return nil }
        if i == r.vm {
            error(.policyUnrouted, "'\(t.value)' is the router of '\(on.value)' itself; a NAT entry forwards through it to a VM on another of its segments", at: t.location)
            return nil
        }
        guard let far = slots[slotStart[i]..<slotStart[i + 1]].first(where: { $0.network != kOn && r.segments.contains($0.network) && $0.ip != nil }) else {
            let routerName = raw.vms[r.vm].hostname?.value ?? ""
            error(.policyUnrouted, "'\(t.value)' has no NIC on a network that router '\(routerName)' joins other than '\(on.value)'; the forwarded traffic would cross no router", at: t.location)
            return nil
        }
        return (i, far.ip!)
    }

    /// Why a NAT address cannot be published on `n` (and where its holder is), or nil.
    private func natAddressProblem(_ a: IPv4Address, _ n: DesiredNetwork, holders: [IPv4Address: (vm: Int, slot: Int)], _ raw: RawManifest,
                                   slots: [Slot]) -> (String, DiagnosticNote?)? {
        if !n.subnet.contains(a) { return ("is outside subnet \(n.subnet) of network '\(n.name)'", nil) }
        if a == n.subnet.network || a == n.subnet.broadcast {
            return ("is the \(a == n.subnet.network ? "network" : "broadcast") address of network '\(n.name)'", nil)
        }
        if a == n.gateway { return ("is the gateway of network '\(n.name)'", nil) }
        if a == n.bridgeIP { return ("is the engine's bridge address on network '\(n.name)'", nil) }
        if let block = n.swarmRange, block.contains(a) {
            return ("is in \(block), which the swarm keeps for its nodes' load-balancer addresses on network '\(n.name)'", nil)
        }
        if let holder = holders[a] {
            let hostname = raw.vms[holder.vm].hostname?.value ?? "a VM"
            return ("is already the address of \(hostname) on network '\(n.name)'", DiagnosticNote("\(hostname)'s interface is here", at: slots[holder.slot].location))
        }
        return nil
    }
}
