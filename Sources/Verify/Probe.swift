import Plan

/// The transport a probe uses. `icmp` is an echo request, answered by the destination's kernel.
public enum ProbeProtocol: String, Hashable, Sendable {
    case tcp
    case udp
    case icmp
}

/// What the policy says should happen to a probe's traffic.
public enum ProbeExpectation: String, Hashable, Sendable {
    /// A rule (or `default: allow`, or a NAT entry) lets it through.
    case pass
    /// Nothing lets it through and the default is `deny`.
    case blocked
}

/// One end of a probe: a VM of the range and one of its addresses.
public struct ProbeEndpoint: Hashable, Sendable {
    /// The hostname as the manifest writes it.
    public var hostname: String
    /// The instance the VM belongs to (nil without `instances:`).
    public var instance: String?
    /// The engine's name of the VM's container (`DesiredVM.dockerName`): whose namespace to join.
    public var container: String
    /// For a source, the address the rule names it by; for a destination, where the listener is reached.
    public var address: IPv4Address

    public init(hostname: String, instance: String?, container: String, address: IPv4Address) {
        self.hostname = hostname
        self.instance = instance
        self.container = container
        self.address = address
    }

    /// The VM's key (`DesiredVM.key`: case-folded, `<instance>/` in front with instances).
    public var key: String { EngineNames.key(hostname.lowercased(), instance: instance) }

    /// As the report names it: the hostname as written, after its instance.
    public var name: String { EngineNames.key(hostname, instance: instance) }
}

/// One probe of a range's policy, decided before anything runs: a client in `source`'s network
/// namespace dials `dialled:port`, and a listener in `destination`'s namespace waits on
/// `listenPort`. The two differ only for a NAT entry (the published address and port, and the
/// target's own). Values are typed, so the command lines built from them need no quoting.
public struct Probe: Hashable, Sendable {
    public var source: ProbeEndpoint
    /// The VM where the listener runs, with the address the traffic arrives at.
    public var destination: ProbeEndpoint
    /// The address the client dials: the destination's own, or a NAT entry's published one.
    public var dialled: IPv4Address
    public var proto: ProbeProtocol
    /// The port dialled (nil for icmp).
    public var port: Int?
    /// The port the listener binds in the destination (nil for icmp).
    public var listenPort: Int?
    public var expected: ProbeExpectation
    /// Why this probe exists and what it expects: the rule's text, `default deny between dmz and
    /// internal`, or `nat internet 172.30.0.100 tcp/80 -> webserver 172.30.1.10:8080`.
    public var why: String

    public init(source: ProbeEndpoint, destination: ProbeEndpoint, dialled: IPv4Address, proto: ProbeProtocol, port: Int?,
                listenPort: Int?, expected: ProbeExpectation, why: String) {
        self.source = source
        self.destination = destination
        self.dialled = dialled
        self.proto = proto
        self.port = port
        self.listenPort = listenPort
        self.expected = expected
        self.why = why
    }

    /// The instance both ends belong to (probes never cross instances).
    public var instance: String? { source.instance }

    /// `tcp/22`, `udp/53` or `icmp`.
    public var portText: String {
        guard let port else { return proto.rawValue }
        return "\(proto.rawValue)/\(port)"
    }

    /// One line naming the probe: `jumpbox -> db01 172.30.2.5 tcp/22`.
    public var title: String { "\(source.name) -> \(destination.name) \(dialled) \(portText)" }
}

/// A probe the policy implies but the range cannot run, and why: a rule with no VM on one side,
/// a pair of segments with no VM on one of them, a NAT entry with no client on its network.
public struct SkippedProbe: Hashable, Sendable {
    /// What would have been probed (a rule's text, `default deny between a and b`, `nat ...`).
    public var why: String
    public var reason: String
    public var instance: String?

    public init(why: String, reason: String, instance: String? = nil) {
        self.why = why
        self.reason = reason
        self.instance = instance
    }
}

/// The probes of a range and those it had to leave out, in the planner's order.
public struct ProbePlan: Hashable, Sendable {
    public var probes: [Probe]
    public var skipped: [SkippedProbe]

    public init(probes: [Probe], skipped: [SkippedProbe]) {
        self.probes = probes
        self.skipped = skipped
    }
}
