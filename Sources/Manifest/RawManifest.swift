import RangeDiagnostics

/// A value as written in the manifest, with the place it was written.
public struct Located<Value: Sendable>: Sendable {
    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

extension Located: Equatable where Value: Equatable {}

/// A key/value pair of a string map (labels, env, sysctls), both sides located, in file order.
public struct RawPair: Sendable, Equatable {
    public var key: Located<String>
    public var value: Located<String>

    public init(key: Located<String>, value: Located<String>) {
        self.key = key
        self.value = value
    }
}

/// An interface as written: the long form, the short form (network name only) or the legacy VM fields.
public struct RawInterface: Sendable {
    public var location: SourceLocation
    public var network: Located<String>?
    public var ip: Located<String>?

    public init(location: SourceLocation, network: Located<String>?, ip: Located<String>?) {
        self.location = location
        self.network = network
        self.ip = ip
    }
}

/// A network as written; nil fields were absent (defaults are applied by the planner).
public struct RawNetwork: Sendable {
    public var location: SourceLocation
    public var name: Located<String>?
    public var subnet: Located<String>?
    public var gateway: Located<String>?
    public var reserved: Located<Int>?
    public var `internal`: Located<Bool>?
    public var router: Located<String>?
    public var bridgeIP: Located<String>?

    public init(location: SourceLocation, name: Located<String>?, subnet: Located<String>?, gateway: Located<String>? = nil,
                reserved: Located<Int>? = nil, internal: Located<Bool>? = nil, router: Located<String>? = nil, bridgeIP: Located<String>? = nil) {
        self.location = location
        self.name = name
        self.subnet = subnet
        self.gateway = gateway
        self.reserved = reserved
        self.internal = `internal`
        self.router = router
        self.bridgeIP = bridgeIP
    }
}

/// A route as written: `to` (CIDR or `default`) and `via`.
public struct RawRoute: Sendable {
    public var location: SourceLocation
    public var to: Located<String>?
    public var via: Located<String>?

    public init(location: SourceLocation, to: Located<String>?, via: Located<String>?) {
        self.location = location
        self.to = to
        self.via = via
    }
}

/// A VM as written. `interfaces` is the long, short or legacy form, normalised to one list.
public struct RawVM: Sendable {
    public var location: SourceLocation
    public var hostname: Located<String>?
    public var image: Located<String>?
    public var cpu: Located<Int>?
    public var ramMB: Located<Int>?
    public var diskGB: Located<Int>?
    public var interfaces: [RawInterface]
    public var capAdd: [Located<String>]
    public var privileged: Located<Bool>?
    public var sysctls: [RawPair]
    public var env: [RawPair]
    public var command: Located<[String]>?
    public var routes: [RawRoute]
    /// The swarm node it is placed on (`host:`), when the range spans several engines.
    public var host: Located<String>? = nil

    public init(location: SourceLocation, hostname: Located<String>?, image: Located<String>?, cpu: Located<Int>? = nil,
                ramMB: Located<Int>? = nil, diskGB: Located<Int>? = nil, interfaces: [RawInterface], capAdd: [Located<String>] = [],
                privileged: Located<Bool>? = nil, sysctls: [RawPair] = [], env: [RawPair] = [], command: Located<[String]>? = nil,
                routes: [RawRoute] = [], host: Located<String>? = nil) {
        self.location = location
        self.hostname = hostname
        self.image = image
        self.cpu = cpu
        self.ramMB = ramMB
        self.diskGB = diskGB
        self.interfaces = interfaces
        self.capAdd = capAdd
        self.privileged = privileged
        self.sysctls = sysctls
        self.env = env
        self.command = command
        self.routes = routes
        self.host = host
    }
}

/// `instances:` as written: names (or a count) and the address space their blocks come from.
public struct RawInstances: Sendable {
    public var location: SourceLocation
    /// The names as written (nil with `count`).
    public var names: [Located<String>]?
    public var count: Located<Int>?
    public var addressSpace: Located<String>?

    public init(location: SourceLocation, names: [Located<String>]?, count: Located<Int>?, addressSpace: Located<String>?) {
        self.location = location
        self.names = names
        self.count = count
        self.addressSpace = addressSpace
    }
}

/// The manifest as written: shape-checked (keys, types, bounds, name formats), not yet validated
/// as a whole. Only the planner turns it into a `DesiredRange`.
public struct RawManifest: Sendable {
    public var location: SourceLocation
    public var version: Located<Int>?
    public var name: Located<String>?
    public var labels: [RawPair]
    public var helperImage: Located<String>?
    public var networks: [RawNetwork]
    public var vms: [RawVM]
    /// Copies of the range (nil: one range, as without the field).
    public var instances: RawInstances?
    /// What may cross the router VMs (nil: no policy; routers forward everything, as before).
    public var policy: RawPolicy?

    public init(location: SourceLocation, version: Located<Int>?, name: Located<String>?, labels: [RawPair] = [],
                helperImage: Located<String>? = nil, networks: [RawNetwork], vms: [RawVM], instances: RawInstances? = nil,
                policy: RawPolicy? = nil) {
        self.instances = instances
        self.policy = policy
        self.location = location
        self.version = version
        self.name = name
        self.labels = labels
        self.helperImage = helperImage
        self.networks = networks
        self.vms = vms
    }
}
