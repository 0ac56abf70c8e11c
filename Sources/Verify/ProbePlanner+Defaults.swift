import Plan

extension ProbePlanner {
    /// One sample per ordered pair of segments of a router (each pair once per view, whichever
    /// router joins it): from the first host VM on one to the first on the other (neither on
    /// both), on the first sample port no rule allows between them, expected as `default:` says.
    static func samples(_ policy: DesiredPolicy, in view: RangeSegments) -> (probes: [Probe], skipped: [SkippedProbe]) {
        var probes: [Probe] = [], skipped: [SkippedProbe] = []
        var done: [(String, String)] = []
        let expected: ProbeExpectation
        switch policy.defaultAction {
        case .deny: expected = .blocked
        case .allow: expected = .pass
        }
        for router in view.routers {
            let segments = view.networks(of: router)
            for a in segments {
                for b in segments where b.name != a.name && !done.contains(where: { $0 == (a.name, b.name) }) {
                    done.append((a.name, b.name))
                    let why = "default \(policy.defaultAction.rawValue) from \(a.name) to \(b.name)"
                    let skip = { (reason: String) in skipped.append(SkippedProbe(why: why, reason: reason, instance: view.instance)) }
                    guard let s = host(on: a, notOn: b, in: view), let sa = address(of: s, on: a) else { skip("no VM other than a router is on \(a.name) alone"); continue }
                    guard let d = host(on: b, notOn: a, in: view), let da = address(of: d, on: b) else { skip("no VM other than a router is on \(b.name) alone"); continue }
                    guard let port = samplePorts.first(where: { !allowed(tcp: $0, from: sa, to: da, by: policy) }) else {
                        skip("rules allow every sample port (\(samplePorts.map(String.init).joined(separator: ", "))) from \(s.hostname) to \(d.hostname)")
                        continue
                    }
                    probes.append(Probe(source: RangeSegments.endpoint(s, sa), destination: RangeSegments.endpoint(d, da), dialled: da,
                                        proto: .tcp, port: port, listenPort: port, expected: expected, why: why))
                }
            }
        }
        return (probes, skipped)
    }

    /// The first host VM with a NIC on `network` and none on `other`.
    static func host(on network: DesiredNetwork, notOn other: DesiredNetwork, in view: RangeSegments) -> DesiredVM? {
        view.hosts.first { vm in vm.interfaces.contains { $0.network == network.name } && !vm.interfaces.contains { $0.network == other.name } }
    }

    /// A VM's address on a network (its first NIC there).
    static func address(of vm: DesiredVM, on network: DesiredNetwork) -> IPv4Address? {
        vm.interfaces.first { $0.network == network.name }?.ip
    }

    /// Whether some rule lets TCP to `port` through from `a` to `b`.
    static func allowed(tcp port: Int, from a: IPv4Address, to b: IPv4Address, by policy: DesiredPolicy) -> Bool {
        policy.rules.contains { rule in
            rule.sources.contains { $0.contains(a) } && rule.destinations.contains { $0.contains(b) } && rule.ports.contains { ports in
                switch ports {
                case let .tcp(r): return r.contains(port)
                case .any: return true
                case .udp, .icmp: return false
                }
            }
        }
    }

    /// One probe per NAT entry of the view: from the first host VM on its network (other than the
    /// target) to the published address and port, the listener on the target at its own port.
    static func nat(_ entries: [NATEntry], in view: RangeSegments) -> (probes: [Probe], skipped: [SkippedProbe]) {
        var probes: [Probe] = [], skipped: [SkippedProbe] = []
        for entry in entries {
            let why = "nat \(entry.text)"
            guard let target = view.hosts.first(where: { $0.hostname.lowercased() == entry.target.lowercased() }) else {
                skipped.append(SkippedProbe(why: why, reason: "its target \(entry.target) is not a VM of the range other than a router", instance: view.instance))
                continue
            }
            guard let client = view.hosts.first(where: { vm in vm.key != target.key && vm.interfaces.contains { $0.network == entry.network } }),
                  let from = client.interfaces.first(where: { $0.network == entry.network })?.ip else {
                skipped.append(SkippedProbe(why: why, reason: "no VM other than a router and the target is on \(entry.network)", instance: view.instance))
                continue
            }
            let proto: ProbeProtocol
            switch entry.proto {
            case .tcp: proto = .tcp
            case .udp: proto = .udp
            }
            probes.append(Probe(source: RangeSegments.endpoint(client, from), destination: RangeSegments.endpoint(target, entry.targetAddress),
                                dialled: entry.address, proto: proto, port: entry.port, listenPort: entry.targetPort, expected: .pass, why: why))
        }
        return (probes, skipped)
    }
}
