import Plan

/// The probes a range's `policy:` implies, decided from the desired range alone. Pure and
/// deterministic: VMs, rules, ports and segments are taken in manifest order, first fit wins.
///
/// Per instance (or for the range): each allow rule's `ports` entry once from one source VM to
/// each destination VM, where a router forwards between them (expected pass); each ordered pair
/// of segments of a router once, on a TCP port no rule allows (expected as `default:` says); each
/// NAT entry once through its published address (expected pass). Routers neither send nor
/// receive probes: their own traffic is not forwarded, so the policy does not apply to it.
public enum ProbePlanner {
    /// The TCP port a rule with `any` is probed on (echo: rarely served, so rarely busy).
    public static let anyPort = 7
    /// The TCP ports tried, in order, for the sample of traffic that no rule allows.
    public static let samplePorts = [23, 135, 445, 3389, 5900, 6379, 9999, 31337]

    /// The probes of `desired`, without the list of what was left out.
    public static func probes(_ desired: DesiredRange) -> [Probe] { plan(desired).probes }

    /// The probes of `desired` and what it cannot probe; empty without a `policy:`.
    public static func plan(_ desired: DesiredRange) -> ProbePlan {
        guard let policy = desired.policy else { return ProbePlan(probes: [], skipped: []) }
        let views = RangeSegments.all(desired)
        var probes: [Probe] = [], otherSkips: [SkippedProbe] = []
        // Per rule, so that the list is in rule order whichever view found the skip.
        var ruleSkips = Array(repeating: [SkippedProbe](), count: policy.rules.count)
        var homed = Array(repeating: false, count: policy.rules.count)
        for view in views {
            for (i, rule) in policy.rules.enumerated() {
                // A rule is the business of the views where it names a VM; a copy of another
                // instance's rule names none here and says nothing about this one.
                guard names(rule, in: view) else { continue }
                homed[i] = true
                switch ruleProbes(rule, in: view) {
                case let .probes(p): probes += p
                case let .skipped(skip): ruleSkips[i].append(skip)
                }
            }
            let sampled = samples(policy, in: view)
            probes += sampled.probes
            otherSkips += sampled.skipped
            let natted = nat(policy.nat.filter { $0.instance == view.instance }, in: view)
            probes += natted.probes
            otherSkips += natted.skipped
        }
        // With `--instance`, only the rules that touch the chosen instances' blocks are this run's
        // business (the copies of a rule in the other instances' blocks name none of its VMs).
        let chosen = desired.instanceScope == nil ? nil : desired.instances.map(\.block)
        func ours(_ rule: PolicyRule) -> Bool {
            guard let chosen else { return true }
            return (rule.sources + rule.destinations).contains { s in chosen.contains { $0.overlaps(s) } }
        }
        for (i, rule) in policy.rules.enumerated() where !homed[i] && ours(rule) {
            ruleSkips[i].append(SkippedProbe(why: rule.text, reason: "no VM other than a router has an address in its sources or destinations"))
        }
        return ProbePlan(probes: probes, skipped: ruleSkips.flatMap { $0 } + otherSkips)
    }

    /// Whether a host VM of `view` has an address among the rule's sources or destinations.
    static func names(_ rule: PolicyRule, in view: RangeSegments) -> Bool {
        view.hosts.contains { vm in vm.interfaces.contains { nic in (rule.sources + rule.destinations).contains { $0.contains(nic.ip) } } }
    }

    /// A host VM's addresses inside `subnets`, in interface order.
    static func addresses(_ vm: DesiredVM, in subnets: [IPv4Subnet]) -> [IPv4Address] {
        vm.interfaces.map(\.ip).filter { ip in subnets.contains { $0.contains(ip) } }
    }

    /// How a `ports` entry is probed: a range by its lowest port, `any` by TCP on `anyPort`.
    static func probed(_ ports: PolicyPorts) -> (ProbeProtocol, Int?) {
        switch ports {
        case let .tcp(r): return (.tcp, r.lowerBound)
        case let .udp(r): return (.udp, r.lowerBound)
        case .icmp: return (.icmp, nil)
        case .any: return (.tcp, anyPort)
        }
    }

    /// The probes of one rule in one view, or why it has none.
    static func ruleProbes(_ rule: PolicyRule, in view: RangeSegments) -> RuleOutcome {
        let sources = view.hosts.filter { !addresses($0, in: rule.sources).isEmpty }
        let destinations = view.hosts.filter { !addresses($0, in: rule.destinations).isEmpty }
        let skip = { (reason: String) in SkippedProbe(why: rule.text, reason: reason, instance: view.instance) }
        guard !sources.isEmpty else { return .skipped(skip("no VM other than a router has an address in its sources")) }
        guard !destinations.isEmpty else { return .skipped(skip("no VM other than a router has an address in its destinations")) }
        // Per destination VM: the first source VM and addresses a router forwards between.
        var pairs: [(ProbeEndpoint, ProbeEndpoint)] = []
        for d in destinations {
            search: for b in addresses(d, in: rule.destinations) {
                for s in sources where s.key != d.key && !RangeSegments.adjacent(s, d) {
                    for a in addresses(s, in: rule.sources) where view.routed(from: a, to: b) {
                        pairs.append((RangeSegments.endpoint(s, a), RangeSegments.endpoint(d, b)))
                        break search
                    }
                }
            }
        }
        guard !pairs.isEmpty else { return .skipped(skip("no source and destination VM are on two segments of one router and share no network")) }
        return .probes(rule.ports.flatMap { ports in
            let (proto, port) = probed(ports)
            return pairs.map { s, d in
                Probe(source: s, destination: d, dialled: d.address, proto: proto, port: port, listenPort: port, expected: .pass, why: rule.text)
            }
        })
    }

    /// A rule's probes in one view, or why it has none there.
    enum RuleOutcome {
        case probes([Probe])
        case skipped(SkippedProbe)
    }
}
