import RangeDiagnostics

/// `policy:` as written (issue 11): nothing is resolved here; the planner checks every value
/// against the range and turns it into a `DesiredPolicy`.
public struct RawPolicy: Sendable {
    public var location: SourceLocation
    /// `deny` or `allow` as written (nil: absent, the default `deny`).
    public var defaultAction: Located<String>?
    public var allow: [RawPolicyRule]
    public var nat: [RawNATRule]

    public init(location: SourceLocation, defaultAction: Located<String>? = nil, allow: [RawPolicyRule] = [], nat: [RawNATRule] = []) {
        self.location = location
        self.defaultAction = defaultAction
        self.allow = allow
        self.nat = nat
    }
}

/// One `allow` entry as written: `from` and `to` are a VM, a network or a CIDR, not yet told apart.
public struct RawPolicyRule: Sendable {
    public var location: SourceLocation
    public var from: Located<String>?
    public var to: Located<String>?
    /// The list as written, at the list's own place (nil: absent); each entry at its own.
    public var ports: Located<[Located<String>]>?

    public init(location: SourceLocation, from: Located<String>?, to: Located<String>?, ports: Located<[Located<String>]>?) {
        self.location = location
        self.from = from
        self.to = to
        self.ports = ports
    }
}

/// One `nat` entry as written: `address` and `port` on network `on`, forwarded to VM `to`.
public struct RawNATRule: Sendable {
    public var location: SourceLocation
    public var on: Located<String>?
    public var address: Located<String>?
    public var port: Located<String>?
    public var to: Located<String>?
    /// nil: the number of `port`.
    public var toPort: Located<Int>?

    public init(location: SourceLocation, on: Located<String>?, address: Located<String>?, port: Located<String>?,
                to: Located<String>?, toPort: Located<Int>? = nil) {
        self.location = location
        self.on = on
        self.address = address
        self.port = port
        self.to = to
        self.toPort = toPort
    }
}
