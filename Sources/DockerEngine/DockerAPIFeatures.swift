import Plan

/// What the negotiated API version changes in what rangectl sends, decided once from that
/// version: only this type turns a version into a difference in the requests; the bodies
/// (`DockerRequests`) and the engine read these names (ENGINE.md, README "NIC order per engine
/// version").
public struct DockerAPIFeatures: Hashable, Sendable, CustomStringConvertible {
    /// API 1.44 (Docker 25): every endpoint at create. Before, create takes one and each further
    /// NIC is connected, in manifest order, before start.
    public var endpointsAtCreate: Bool
    /// API 1.48 (Docker 28.0): `GwPriority` and the `com.docker.network.endpoint.ifname` driver
    /// option on every endpoint give the manifest's NIC order and default route exactly.
    public var interfaceOrder: Bool
    /// Before API 1.49 (Docker 28.1): container removals one at a time, since concurrent ones can
    /// leave a network with a stale endpoint count (moby#42119).
    public var serialRemovals: Bool

    public init(_ version: APIVersion) {
        endpointsAtCreate = version >= APIVersion.multipleEndpointsAtCreate
        interfaceOrder = version >= APIVersion.interfaceOrder
        serialRemovals = version < APIVersion.exactEndpointCount
    }

    public var description: String {
        "endpointsAtCreate=\(endpointsAtCreate) interfaceOrder=\(interfaceOrder) serialRemovals=\(serialRemovals)"
    }
}
