/// A network as the engine reports it, labels and addresses already parsed (by the engine module,
/// once, when it reads them).
public struct ObservedNetwork: Hashable, Sendable {
    public var id: String
    /// The engine's name (`<range>-<network>`).
    public var name: String
    public var labels: [String: String]
    /// Nil when the engine reports none (or one that is not IPv4).
    public var subnet: IPv4Subnet?
    public var gateway: IPv4Address?
    public var `internal`: Bool

    public init(id: String, name: String, labels: [String: String], subnet: IPv4Subnet?, gateway: IPv4Address?, internal: Bool) {
        self.id = id
        self.name = name
        self.labels = labels
        self.subnet = subnet
        self.gateway = gateway
        self.internal = `internal`
    }

    /// True when this network belongs to `range` by its labels.
    public func isOwned(by range: String) -> Bool {
        labels[RangeLabels.range] == range && labels[RangeLabels.managed] == "true"
    }

    /// The instance of the range it belongs to (nil: the range has no instances, or had none).
    public var instance: String? { labels[RangeLabels.instance] }

    /// Its network label made unique across instances, as `DesiredNetwork.key` (its name without a label).
    public var key: String { EngineNames.key(labels[RangeLabels.network] ?? name, instance: instance) }
}

/// One endpoint of a container: the engine network's name and the *configured* address
/// (`IPAMConfig`), which unlike the runtime address is there while the container is stopped.
public struct ObservedEndpoint: Hashable, Sendable {
    public var network: String
    public var configuredIP: IPv4Address?
    public var mac: String?
    /// The address in use while running (a container without a fixed address has only this one).
    public var runtimeIP: IPv4Address?

    public init(network: String, configuredIP: IPv4Address?, mac: String?, runtimeIP: IPv4Address? = nil) {
        self.network = network
        self.configuredIP = configuredIP
        self.mac = mac
        self.runtimeIP = runtimeIP
    }

    /// The address this endpoint holds: the configured one, else the runtime one.
    public var heldIP: IPv4Address? { configuredIP ?? runtimeIP }
}

/// A container as the engine reports it, labels parsed, endpoints sorted by network name.
public struct ObservedContainer: Hashable, Sendable {
    public var id: String
    public var name: String
    public var labels: [String: String]
    public var state: ContainerState
    public var image: String
    public var endpoints: [ObservedEndpoint]
    /// When it last started (read only for VMs whose routes matter: a restart loses them).
    public var startedAt: String?
    /// The swarm node it was read from, when the range spans several engines (nil: one engine).
    public var host: String?
    /// On a router with a policy marker: what it holds of the policy (see `RouterPolicy.drift`);
    /// nil when not read.
    public var policyLive: String?

    public init(id: String, name: String, labels: [String: String], state: ContainerState, image: String, endpoints: [ObservedEndpoint],
                startedAt: String? = nil) {
        self.id = id
        self.name = name
        self.labels = labels
        self.state = state
        self.image = image
        self.startedAt = startedAt
        self.endpoints = endpoints.sorted { $0.network.utf8.lexicographicallyPrecedes($1.network.utf8) }
    }

    public func isOwned(by range: String) -> Bool {
        labels[RangeLabels.range] == range && labels[RangeLabels.managed] == "true"
    }

    /// The instance of the range it belongs to (nil: the range has no instances, or had none).
    public var instance: String? { labels[RangeLabels.instance] }

    /// The interfaces rangectl gave this container, from its label: (network, address) in order;
    /// an address that does not parse (a label edited by hand) is nil.
    public var assignedInterfaces: [(network: String, ip: IPv4Address?)] {
        SpecEncoding.interfaces(label: labels[RangeLabels.interfaces] ?? "").map { ($0.network, IPv4Address($0.ip)) }
    }
}

/// A container's state; its description is the word `status` shows (and engines use).
public enum ContainerState: Hashable, Sendable, CustomStringConvertible {
    case created, running, paused, restarting, removing, exited, dead
    /// A word this version of rangectl does not know.
    case other(String)

    /// Every state but `other`.
    public static let known: [ContainerState] = [.created, .running, .paused, .restarting, .removing, .exited, .dead]

    public var description: String {
        switch self {
        case .created: return "created"
        case .running: return "running"
        case .paused: return "paused"
        case .restarting: return "restarting"
        case .removing: return "removing"
        case .exited: return "exited"
        case .dead: return "dead"
        case let .other(word): return word
        }
    }

    /// A state a VM is kept in (started if need be); any other means it is re-created.
    public var isKept: Bool { self == .running || self == .created || self == .exited }
}

/// Everything the engine holds that matters to one range: its own objects, and what it must not
/// collide with. Sorted by name, so nothing depends on the engine's list order.
public struct EngineInventory: Hashable, Sendable {
    /// The engine's API version in use, as text for messages and plans (the core decides nothing
    /// from it; the engine module turns it into capabilities).
    public var apiVersion: String
    public var capabilities: EngineCapabilities
    public var cpus: Int
    public var networks: [ObservedNetwork]
    public var containers: [ObservedContainer]
    /// Image references present locally, spelled as `capabilities.imageNaming` gives them.
    public var images: Set<String>
    /// The same per swarm node, when the inventory spans several engines (empty: one engine).
    public var imagesByHost: [String: Set<String>] = [:]
    /// The tools of policy setting the helper image lacks, per swarm node ("" on one engine);
    /// read only when the range declares a policy (see `ContainerEngine.observe(for:)`).
    public var helperMissingTools: [String: [String]] = [:]

    public init(apiVersion: String, capabilities: EngineCapabilities, cpus: Int,
                networks: [ObservedNetwork], containers: [ObservedContainer], images: Set<String>) {
        self.apiVersion = apiVersion
        self.capabilities = capabilities
        self.cpus = cpus
        self.networks = networks.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        self.containers = containers.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        self.images = images
    }

    public var interfaceLayout: InterfaceLayout { capabilities.interfaceLayout }

    /// The objects a plan of `desired` looks at: the range's, or with an instance scope those of its instances.
    public func observed(_ desired: DesiredRange) -> ObservedRange {
        observed(range: desired.name, instances: desired.instanceScope.map(Set.init))
    }

    /// The objects owned by `range`; its lock is not part of it (it changes every run).
    /// `instances`: only the objects of these instances (and route helpers an interrupted apply
    /// left, whoever's they were); nil: every object of the range.
    public func observed(range: String, instances: Set<String>? = nil) -> ObservedRange {
        func selected(_ instance: String?, _ labels: [String: String]) -> Bool {
            guard let instances else { return true }
            return labels[RangeLabels.helper] != nil || instance.map(instances.contains) == true
        }
        return ObservedRange(range: range, networks: networks.filter { $0.isOwned(by: range) && selected($0.instance, $0.labels) },
                             containers: containers.filter { $0.isOwned(by: range) && $0.labels[RangeLabels.lockToken] == nil && selected($0.instance, $0.labels) })
    }
}

/// The objects one range owns on the engine (by label), sorted by name.
public struct ObservedRange: Hashable, Sendable {
    public var range: String
    public var networks: [ObservedNetwork]
    public var containers: [ObservedContainer]

    public init(range: String, networks: [ObservedNetwork], containers: [ObservedContainer]) {
        self.range = range
        self.networks = networks
        self.containers = containers
    }

    /// Addresses rangectl assigned to existing VMs (from their labels, not from what may have been
    /// changed by hand), for the planner to keep.
    public var assignedAddresses: [(instance: String?, hostname: String, network: String, ip: IPv4Address)] {
        containers.flatMap { c -> [(instance: String?, hostname: String, network: String, ip: IPv4Address)] in
            guard let vm = c.labels[RangeLabels.vm] else { return [] }
            return c.assignedInterfaces.compactMap { i in i.ip.map { (c.instance, vm, i.network, $0) } }
        }
    }

    /// A fingerprint of this state: saved with a plan, compared before applying it.
    public var fingerprint: String {
        var text = "range=\(range)\n"
        for n in networks {
            text += "network \(n.id) \(n.name) \(n.subnet?.description ?? "") \(n.gateway?.description ?? "") \(n.internal) \(SpecEncoding.canonical(n.labels))\n"
        }
        for c in containers {
            text += "container \(c.id) \(c.name) \(c.state) \(c.image) \(c.startedAt ?? "") \(SpecEncoding.canonical(c.labels))"
            if let host = c.host { text += " on=\(host)" }   // a swarm node; absent on one engine, so those fingerprints stay
            for e in c.endpoints { text += " \(e.network)=\(e.configuredIP?.description ?? "")" }
            text += "\n"
        }
        return SpecEncoding.hash(text)
    }
}

/// An address on one engine network (by the engine's name of it): what two endpoints must not share.
public struct EngineAddress: Hashable, Sendable {
    public var network: String
    public var ip: IPv4Address

    public init(network: String, ip: IPv4Address) {
        self.network = network
        self.ip = ip
    }
}
