import Plan

/// What `rangectl graph` draws: the range's networks and VMs, one link per NIC, in manifest
/// order (never a dictionary's), so the same manifest (and the same observation) always gives the
/// same picture. Built by `Topology.init(_:observed:)`; rendered by `DOTRenderer` and
/// `MermaidRenderer`, which add only layout and escaping. Pure: no I/O.
public struct Topology: Hashable, Sendable {
    public var range: String
    public var networks: [Network]
    public var vms: [VM]
    /// True when the VMs' states and addresses were read from an engine (`--live`).
    public var live: Bool

    public init(range: String, networks: [Network], vms: [VM], live: Bool) {
        self.range = range
        self.networks = networks
        self.vms = vms
        self.live = live
    }

    /// A network of the manifest: a box with its name, subnet, gateway and whether it is internal.
    public struct Network: Hashable, Sendable {
        public var name: String
        public var subnet: IPv4Subnet
        public var gateway: IPv4Address
        public var `internal`: Bool
        /// The VM that holds the gateway (the network's `router:`), nil when the engine's bridge does.
        public var router: String?

        public init(name: String, subnet: IPv4Subnet, gateway: IPv4Address, internal: Bool, router: String?) {
            self.name = name
            self.subnet = subnet
            self.gateway = gateway
            self.internal = `internal`
            self.router = router
        }
    }

    /// What a VM does between segments, which decides where it is drawn: a router or a forwarder
    /// sits above the networks it joins, every other VM below them.
    public enum Role: Hashable, Sendable {
        /// A VM on one or more networks that routes none of them.
        case host
        /// The `router:` of at least one network: it holds those networks' gateways.
        case router
        /// On two networks or more with `net.ipv4.ip_forward: "1"`, but no network's `router:`
        /// (it forwards between segments whose gateway is the engine's bridge).
        case forwarder
    }

    /// A VM's state as read from the engine (`--live`).
    public enum State: Hashable, Sendable, CustomStringConvertible {
        case running
        /// Exited, or created and never started.
        case stopped
        /// The manifest has it; the engine holds no container for it.
        case absent
        /// Any other state word (paused, restarting, removing, dead, or one rangectl does not know).
        case other(String)

        public init(_ observed: ContainerState?) {
            guard let observed else { self = .absent; return }
            switch observed {
            case .running: self = .running
            case .exited, .created: self = .stopped
            case .paused, .restarting, .removing, .dead, .other: self = .other(observed.description)
            }
        }

        public var description: String {
            switch self {
            case .running: return "running"
            case .stopped: return "stopped"
            case .absent: return "absent"
            case let .other(word): return word
            }
        }
    }

    /// A VM: a node with its hostname, image and (live) state, and one link per NIC.
    public struct VM: Hashable, Sendable {
        public var hostname: String
        public var image: String
        public var role: Role
        /// The swarm node it runs on, when known.
        public var host: String?
        /// Nil unless live.
        public var state: State?
        /// In interface order as planned; live NICs the manifest does not plan come last.
        public var links: [Link]
        /// Live NICs on networks the manifest does not have (so no box to link to).
        public var strays: [Stray]
        /// A router's share of the manifest's policy, as a reviewer reads it (`allow jumpbox ->
        /// internal tcp/22`, ..., `default deny`); empty when it enforces none.
        public var policy: [String]

        public init(hostname: String, image: String, role: Role, host: String?, state: State?, links: [Link], strays: [Stray],
                    policy: [String] = []) {
            self.hostname = hostname
            self.image = image
            self.role = role
            self.host = host
            self.state = state
            self.links = links
            self.strays = strays
            self.policy = policy
        }
    }

    /// How a link compares with the plan.
    public enum LinkState: Hashable, Sendable {
        /// Offline: what the plan gives.
        case planned
        /// Live: connected with the planned address.
        case asPlanned
        /// Live: connected with another address than planned.
        case drifted
        /// Live: the VM is there but this planned NIC is not connected.
        case notConnected
        /// Live: the VM itself is absent; the link is what the plan gives.
        case vmAbsent
        /// Live: connected to a network of the manifest that the manifest does not give this VM.
        case unplanned
    }

    /// One NIC: a line from its VM to its network, labelled with the interface name and address.
    public struct Link: Hashable, Sendable {
        /// The network's name in the manifest.
        public var network: String
        /// The interface name shown: as read inside the VM when it was, else as planned.
        public var interface: String
        /// The address shown: as the engine holds it when live (nil when it reports none), else as planned.
        public var address: IPv4Address?
        /// What the plan gives, when it differs from what is shown (live only).
        public var plannedInterface: String?
        public var plannedAddress: IPv4Address?
        public var primary: Bool
        /// True when this NIC holds its network's gateway as the network's router.
        public var gateway: Bool
        public var state: LinkState
        /// The policy's NAT addresses the router publishes on this NIC (as planned).
        public var published: [IPv4Address]

        public init(network: String, interface: String, address: IPv4Address?, plannedInterface: String? = nil, plannedAddress: IPv4Address? = nil,
                    primary: Bool, gateway: Bool, state: LinkState, published: [IPv4Address] = []) {
            self.published = published
            self.network = network
            self.interface = interface
            self.address = address
            self.plannedInterface = plannedInterface
            self.plannedAddress = plannedAddress
            self.primary = primary
            self.gateway = gateway
            self.state = state
        }
    }

    /// A live NIC on a network that is not one of the manifest's (its engine name as reported).
    public struct Stray: Hashable, Sendable {
        public var interface: String
        public var network: String
        public var address: IPv4Address?

        public init(interface: String, network: String, address: IPv4Address?) {
            self.interface = interface
            self.network = network
            self.address = address
        }
    }
}
