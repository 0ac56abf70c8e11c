/// The addresses a swarm takes for itself on an overlay: every node attached to an overlay gets
/// a load-balancer endpoint (`lb-<network>`) with the first free address of the network's dynamic
/// range (measured on 28.5: without a range it took .1, the router's, and the router's start then
/// failed "Address already in use"). So each range overlay is created with its dynamic range
/// (`IPRange`) set to a small block at the top of its subnet, which the planner never assigns and
/// refuses for static addresses; static addresses outside the range are honoured (measured).
public enum SwarmAddresses {
    /// The top block of `subnet` with room for one address per node (and the broadcast address,
    /// and the engine's gateway when it falls inside): at least 8 addresses, a power of two.
    public static func loadBalancerBlock(_ subnet: IPv4Subnet, nodes: Int) -> IPv4Subnet {
        var bits = 3
        while (1 << bits) < nodes + 3 && bits < 32 - subnet.prefixLength { bits += 1 }
        let prefix = max(subnet.prefixLength, 32 - bits)
        let size = UInt32(truncatingIfNeeded: UInt64(1) << UInt64(32 - prefix))
        return IPv4Subnet(network: IPv4Address(subnet.broadcast.value &- size &+ 1), prefixLength: prefix)
    }
}
