import Plan

/// The free addresses of one network for automatic assignment: offsets above `reserved`, never
/// the gateway, network or broadcast, nor anything taken. The cursor only moves up, so N
/// assignments cost O(N + taken) whatever the subnet size, and the lowest free offset wins.
/// Every offset from `first` up to the cursor is taken (skipped or assigned), so assignments
/// need not be recorded in `taken`.
struct AddressPool {
    let subnet: IPv4Subnet
    private var taken: Set<UInt32> = []
    private let first: UInt32
    private var cursor: UInt32
    private let last: UInt32
    private(set) var exhaustedReported = false

    init(_ network: DesiredNetwork) {
        subnet = network.subnet
        first = UInt32(network.reserved) + 1
        cursor = first
        last = network.subnet.size - 2
        taken.insert(network.subnet.offset(of: network.gateway))
        if let bridge = network.bridgeIP { taken.insert(network.subnet.offset(of: bridge)) }
        if let block = network.swarmRange {
            for k in 0..<block.size { taken.insert(network.subnet.offset(of: block.address(atOffset: k))) }
        }
    }

    func isTaken(_ a: IPv4Address) -> Bool {
        let offset = subnet.offset(of: a)
        return (offset >= first && offset < cursor) || taken.contains(offset)
    }

    mutating func take(_ a: IPv4Address) { taken.insert(subnet.offset(of: a)) }

    /// The lowest free address, taken; nil when the pool is empty.
    mutating func next() -> IPv4Address? {
        while cursor <= last && taken.contains(cursor) { cursor += 1 }
        guard cursor <= last else { return nil }
        cursor += 1
        return subnet.address(atOffset: cursor - 1)
    }

    /// True the first time it is called: a pool's exhaustion is reported once.
    mutating func markExhaustedReported() -> Bool {
        defer { exhaustedReported = true }
        return !exhaustedReported
    }
}
