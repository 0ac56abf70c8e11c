import Plan

/// The block an instance's objects hold (from the lock file or the engine), kept while it fits:
/// the planner hands the other instances other blocks. `address`: any address in it.
public struct BlockPin: Hashable, Sendable {
    public var instance: String
    public var address: IPv4Address

    public init(instance: String, address: IPv4Address) {
        self.instance = instance
        self.address = address
    }
}

/// An address an existing interface already holds (from live state or a lock file). The planner
/// keeps it when it is still valid, so existing VMs never move when others change.
public struct Pin: Hashable, Sendable {
    public var hostname: String
    public var network: String
    public var address: IPv4Address
    /// The instance of the VM (nil without `instances:`); the planner plans each instance with its own.
    public var instance: String?

    public init(hostname: String, network: String, address: IPv4Address, instance: String? = nil) {
        self.instance = instance
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
