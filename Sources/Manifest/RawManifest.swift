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
}

/// An interface as written: the long form, the short form (network name only) or the legacy VM fields.
public struct RawInterface: Sendable {
    public var location: SourceLocation
    public var network: Located<String>?
    public var ip: Located<String>?
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
}

/// A route as written: `to` (CIDR or `default`) and `via`.
public struct RawRoute: Sendable {
    public var location: SourceLocation
    public var to: Located<String>?
    public var via: Located<String>?
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
}
