import RangeDiagnostics

/// What a policy rule lets through: a protocol and its destination ports.
public enum PolicyPorts: Hashable, Sendable, CustomStringConvertible {
    case tcp(ClosedRange<Int>)
    case udp(ClosedRange<Int>)
    /// Every ICMP type.
    case icmp
    /// Every protocol and port.
    case any

    /// `tcp/N`, `udp/N`, `tcp/N-M`, `udp/N-M` (1 <= N <= M <= 65535, decimal, no leading zero),
    /// `icmp` or `any`; nil for anything else.
    public static func parse(_ text: String) -> PolicyPorts? {
        switch text {
        case "icmp": return .icmp
        case "any": return .any
        default: break
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let bounds = parts[1].split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(bounds.count), let low = port(bounds[0]), let high = bounds.count == 2 ? port(bounds[1]) : low, low <= high else { return nil }
        switch parts[0] {
        case "tcp": return .tcp(low...high)
        case "udp": return .udp(low...high)
        default: return nil
        }
    }

    /// A port number as written: 1 to 65535, digits only, no leading zero.
    static func port(_ text: Substring) -> Int? {
        guard (1...5).contains(text.utf8.count), text.utf8.first != UInt8(ascii: "0"),
              text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(text), n <= 65535 else { return nil }
        return n
    }

    /// The canonical text: `tcp/22`, `udp/5000-5100`, `icmp`, `any`.
    public var description: String {
        switch self {
        case let .tcp(r): return "tcp/" + Self.text(r)
        case let .udp(r): return "udp/" + Self.text(r)
        case .icmp: return "icmp"
        case .any: return "any"
        }
    }

    static func text(_ r: ClosedRange<Int>) -> String {
        r.lowerBound == r.upperBound ? "\(r.lowerBound)" : "\(r.lowerBound)-\(r.upperBound)"
    }
}

/// What a router does with traffic between its segments that no rule names.
public enum PolicyAction: String, Hashable, Sendable {
    case deny
    case allow
}

/// The transport protocol of a published (NAT) port.
public enum NATProtocol: String, Hashable, Sendable {
    case tcp
    case udp
}

/// One `allow` rule, resolved: sources and destinations as subnets (a VM's addresses as /32s in
/// interface order, a network's subnet, a CIDR as written), in manifest order.
public struct PolicyRule: Hashable, Sendable {
    public var sources: [IPv4Subnet]
    public var destinations: [IPv4Subnet]
    public var ports: [PolicyPorts]
    /// The rule as a reviewer reads it: `jumpbox -> internal tcp/22, icmp`.
    public var text: String

    public init(sources: [IPv4Subnet], destinations: [IPv4Subnet], ports: [PolicyPorts], text: String) {
        self.sources = sources
        self.destinations = destinations
        self.ports = ports
        self.text = text
    }
}

/// One `nat` entry, resolved: the router that publishes `address` on network `network`, and the
/// target VM's address on the router's far side.
public struct NATEntry: Hashable, Sendable {
    /// The router VM's hostname (the `router:` of `network`).
    public var router: String
    public var network: String
    /// The published address, added to the router's NIC on `network`.
    public var address: IPv4Address
    public var proto: NATProtocol
    public var port: Int
    public var target: String
    /// The target's address on the first of its networks that the router joins, other than `network`.
    public var targetAddress: IPv4Address
    public var targetPort: Int
    /// The instance whose router publishes it (nil without `instances:`).
    public var instance: String?

    public init(router: String, network: String, address: IPv4Address, proto: NATProtocol, port: Int, target: String,
                targetAddress: IPv4Address, targetPort: Int, instance: String? = nil) {
        self.instance = instance
        self.router = router
        self.network = network
        self.address = address
        self.proto = proto
        self.port = port
        self.target = target
        self.targetAddress = targetAddress
        self.targetPort = targetPort
    }

    /// As a reviewer reads it: `internet 172.30.0.100 tcp/80 -> webserver 172.30.1.10:80`.
    public var text: String { "\(network) \(address) \(proto.rawValue)/\(port) -> \(target) \(targetAddress):\(targetPort)" }
}

/// The validated `policy:` of a range: what its router VMs let through between their segments.
/// Order is manifest order; it is compiled per router by the Policy module.
public struct DesiredPolicy: Hashable, Sendable {
    public var defaultAction: PolicyAction
    public var rules: [PolicyRule]
    public var nat: [NATEntry]
    /// Where the manifest writes `policy:` (nil for a plan read back from a file).
    public var location: SourceLocation?

    public init(defaultAction: PolicyAction = .deny, rules: [PolicyRule] = [], nat: [NATEntry] = []) {
        self.defaultAction = defaultAction
        self.rules = rules
        self.nat = nat
    }

    /// Whether traffic from `source` to `destination` crosses a router whose segments are
    /// `segments`: the source lies in (overlaps) one of them and the destination in another.
    /// One hop: two segments are joined only when one router is attached to both.
    public static func crosses(from source: IPv4Subnet, to destination: IPv4Subnet, segments: [IPv4Subnet]) -> Bool {
        segments.indices.contains { a in
            segments[a].overlaps(source) && segments.indices.contains { b in b != a && segments[b].overlaps(destination) }
        }
    }
}
