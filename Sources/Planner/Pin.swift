import Plan

/// An address an existing interface already holds (from live state or a lock file). The planner
/// keeps it when it is still valid, so existing VMs never move when others change.
public struct Pin: Hashable, Sendable {
    public var hostname: String
    public var network: String
    public var address: IPv4Address

    public init(hostname: String, network: String, address: IPv4Address) {
        self.hostname = hostname
        self.network = network
        self.address = address
    }

    /// Pins are keyed by VM (case-insensitive, as hostnames are unique that way) and network,
    /// since a VM attaches to a network at most once.
    struct Key: Hashable {
        var hostname: String
        var network: String

        init(_ hostname: String, _ network: String) {
            self.hostname = Planner.caseFolded(hostname)
            self.network = network
        }
    }
}
