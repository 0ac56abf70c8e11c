import Plan

/// A VM as read from a live engine, the input of a live `Topology` (Workflows' `LiveGraph` makes
/// it from what `status` reads). Typed when it was read: nothing here compares address text.
public struct ObservedVM: Hashable, Sendable {
    public var hostname: String
    /// Nil when the engine holds no container for it.
    public var state: ContainerState?
    /// The swarm node it was read from, when the range spans several engines.
    public var host: String?
    public var nics: [ObservedNIC]

    public init(hostname: String, state: ContainerState?, host: String? = nil, nics: [ObservedNIC]) {
        self.hostname = hostname
        self.state = state
        self.host = host
        self.nics = nics
    }
}

/// One endpoint of a live VM.
public struct ObservedNIC: Hashable, Sendable {
    /// The interface name inside the VM (meaningful only when `nameRead`).
    public var name: String
    /// The manifest's name of the network when `rangeNetwork`, else the engine's name.
    public var network: String
    /// True when the network is one of the range's (its engine name is `<range>-<network>`).
    public var rangeNetwork: Bool
    /// The address the engine holds for it; nil when it reports none.
    public var address: IPv4Address?
    /// True when the name was read inside the VM, false when it is only a prediction.
    public var nameRead: Bool

    public init(name: String, network: String, rangeNetwork: Bool, address: IPv4Address?, nameRead: Bool) {
        self.name = name
        self.network = network
        self.rangeNetwork = rangeNetwork
        self.address = address
        self.nameRead = nameRead
    }
}
