import RangeDiagnostics

/// A key and a value of a label, env or sysctl map.
public struct KeyValue: Hashable, Sendable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

/// A validated network with every default applied.
public struct DesiredNetwork: Hashable, Sendable {
    public var name: String
    public var dockerName: String
    public var subnet: IPv4Subnet
    public var gateway: IPv4Address
    public var reserved: Int
    public var `internal`: Bool
    /// The VM that holds `gateway` on this network and routes it (nil: the engine's bridge is the gateway).
    public var router: String?
    /// The engine's own address when a router holds the gateway.
    public var bridgeIP: IPv4Address?
    /// Where the manifest defines it (nil for a plan read back from a file): engine problems point here.
    public var location: SourceLocation?
    /// On a swarm: the overlay's dynamic range, kept for the nodes' load-balancer addresses
    /// (`SwarmAddresses`); nil on one engine.
    public var swarmRange: IPv4Subnet?
    /// The instance it belongs to (nil: the manifest has no `instances:`).
    public var instance: String?

    public init(name: String, dockerName: String, subnet: IPv4Subnet, gateway: IPv4Address, reserved: Int, internal: Bool,
                router: String? = nil, bridgeIP: IPv4Address? = nil, location: SourceLocation? = nil, instance: String? = nil) {
        self.instance = instance
        self.name = name
        self.dockerName = dockerName
        self.subnet = subnet
        self.gateway = gateway
        self.reserved = reserved
        self.internal = `internal`
        self.router = router
        self.bridgeIP = bridgeIP
        self.location = location
    }

    /// The engine's gateway address: the bridge's own, which is the range's gateway unless a router holds that.
    public var engineGateway: IPv4Address { bridgeIP ?? gateway }

    /// Whether the engine's own `internal` flag is set. A routed segment never is: the engine would
    /// drop the traffic its router forwards (ENGINE.md); it is kept off the internet by having no NAT.
    public var engineInternal: Bool { `internal` && router == nil }

    /// Its name made unique across instances (`EngineNames.key`).
    public var key: String { EngineNames.key(name, instance: instance) }
}

/// One NIC of a VM, its address decided: `eth0` is the primary and carries the default route.
public struct DesiredInterface: Hashable, Sendable {
    public var name: String
    public var network: String
    public var ip: IPv4Address
    public var primary: Bool
    /// True when the planner assigned the address (from the pool or a pin).
    public var auto: Bool
    /// True when this NIC holds its network's gateway as the network's router.
    public var router: Bool

    public init(name: String, network: String, ip: IPv4Address, primary: Bool, auto: Bool, router: Bool = false) {
        self.name = name
        self.network = network
        self.ip = ip
        self.primary = primary
        self.auto = auto
        self.router = router
    }
}

/// A route inside a VM: `to` is `default` or a CIDR; `implicit` for the default route a VM gets
/// from its primary network's router.
public struct DesiredRoute: Hashable, Sendable {
    public var to: String
    public var via: IPv4Address
    public var implicit: Bool

    public init(to: String, via: IPv4Address, implicit: Bool = false) {
        self.to = to
        self.via = via
        self.implicit = implicit
    }

    public var description: String { "\(to) via \(via)" }
}

/// A validated VM with every default applied; maps are sorted by key, capabilities sorted and unique.
public struct DesiredVM: Hashable, Sendable {
    public var hostname: String
    public var dockerName: String
    public var image: String
    public var cpu: Int
    public var ramMB: Int
    public var diskGB: Int
    public var privileged: Bool
    public var capAdd: [String]
    public var sysctls: [KeyValue]
    public var env: [KeyValue]
    public var command: [String]?
    public var interfaces: [DesiredInterface]
    /// Routes set inside the VM after it starts, in order (the default route first when there is one).
    public var routes: [DesiredRoute]
    /// Where the manifest defines it, and where it sets `disk_gb` (nil when left at the default).
    public var location: SourceLocation?
    public var diskGBLocation: SourceLocation?
    /// The swarm node it runs on when the range spans several engines (nil: one engine).
    public var host: String?
    /// The instance it belongs to (nil: the manifest has no `instances:`).
    public var instance: String?
    /// A router VM's share of the range's policy (nil for every other VM). Set in place by the
    /// helper, never a cause to re-create the VM.
    public var policy: RouterPolicy?

    public init(hostname: String, dockerName: String, image: String, cpu: Int, ramMB: Int, diskGB: Int, privileged: Bool,
                capAdd: [String], sysctls: [KeyValue], env: [KeyValue], command: [String]?, interfaces: [DesiredInterface],
                routes: [DesiredRoute] = [], location: SourceLocation? = nil, diskGBLocation: SourceLocation? = nil, host: String? = nil,
                instance: String? = nil) {
        self.instance = instance
        self.host = host
        self.routes = routes
        self.location = location
        self.diskGBLocation = diskGBLocation
        self.hostname = hostname
        self.dockerName = dockerName
        self.image = image
        self.cpu = cpu
        self.ramMB = ramMB
        self.diskGB = diskGB
        self.privileged = privileged
        self.capAdd = capAdd
        self.sysctls = sysctls
        self.env = env
        self.command = command
        self.interfaces = interfaces
    }

    /// Its hostname case-folded (hostnames are unique that way) and made unique across instances.
    public var key: String { EngineNames.key(hostname.lowercased(), instance: instance) }

    /// Its hostname as written, made unique across instances: operation ids (`create-vm:alice/web`).
    public var idKey: String { EngineNames.key(hostname, instance: instance) }
}

/// One instance of a range and the block of the address space its addresses were moved into.
public struct InstanceBlock: Hashable, Sendable {
    public var name: String
    public var block: IPv4Subnet

    public init(name: String, block: IPv4Subnet) {
        self.name = name
        self.block = block
    }
}

/// The whole validated, address-complete range: what the engine should hold. Order is manifest order.
public struct DesiredRange: Hashable, Sendable {
    public var name: String
    public var labels: [KeyValue]
    public var networks: [DesiredNetwork]
    public var vms: [DesiredVM]
    /// The image of the helper that sets routes inside VMs.
    public var helperImage: String
    /// With `instances:`: each instance (in the order written) and its block; the networks and
    /// VMs are then every instance's, in that order. Empty without `instances:`.
    public var instances: [InstanceBlock] = []
    /// With `--instance`: the instances a plan acts on (only their objects on the engine are
    /// looked at, so the others' are neither changed nor deleted); nil: the whole range.
    public var instanceScope: [String]?
    /// What the router VMs let through between their segments (nil: no `policy:`, they forward everything).
    public var policy: DesiredPolicy?

    public init(name: String, labels: [KeyValue], networks: [DesiredNetwork], vms: [DesiredVM], helperImage: String = "busybox:latest",
                instances: [InstanceBlock] = [], policy: DesiredPolicy? = nil) {
        self.instances = instances
        self.policy = policy
        self.name = name
        self.labels = labels
        self.networks = networks
        self.vms = vms
        self.helperImage = helperImage
    }

    public var interfaceCount: Int { vms.reduce(0) { $0 + $1.interfaces.count } }

    /// The name of the copy this is: `<range>-<instance>` when narrowed to one instance (`graph`
    /// and `export compose` show one copy), else the range's name.
    public var copyName: String {
        instances.count == 1 && instanceScope != nil ? EngineNames.prefix(name, instance: instances[0].name) : name
    }

    /// The engine's name of network `network` of `instance` (of the range itself when nil).
    public func engineNetwork(_ network: String, instance: String?) -> String {
        EngineNames.object(EngineNames.prefix(name, instance: instance), network)
    }

    /// The engine's name of the network an interface of `vm` is on.
    public func engineNetwork(of i: DesiredInterface, on vm: DesiredVM) -> String { engineNetwork(i.network, instance: vm.instance) }
}
