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
    /// API 1.48 (Docker 28.0): a network with a router is created with the bridge gateway mode
    /// `nat-unprotected`, so 28's per-container direct-access rules (raw PREROUTING DROP of a
    /// container's address arriving off its bridge) do not drop what the router forwards.
    public var gatewayModeUnprotected: Bool
    /// Before API 1.49 (Docker 28.1): container removals one at a time, since concurrent ones can
    /// leave a network with a stale endpoint count (moby#42119).
    public var serialRemovals: Bool

    /// Docker 28.0, API 1.48: the bridge driver accepts gateway mode `nat-unprotected`
    /// (moby#48597) in the release that added the direct-access protection it turns off (moby#49325).
    static let natUnprotectedGatewayMode = APIVersion(1, 48)

    /// `podman`: Podman's compatible API, which numbers several endpoints given at create at
    /// random and ignores `GwPriority` and driver options (ENGINE.md): its NICs are always
    /// connected one at a time, in order, whatever API version it reports.
    public init(_ version: APIVersion, podman: Bool = false) {
        endpointsAtCreate = !podman && version >= APIVersion.multipleEndpointsAtCreate
        interfaceOrder = !podman && version >= APIVersion.interfaceOrder
        gatewayModeUnprotected = version >= Self.natUnprotectedGatewayMode
        serialRemovals = version < APIVersion.exactEndpointCount
    }

    public var description: String {
        "endpointsAtCreate=\(endpointsAtCreate) interfaceOrder=\(interfaceOrder) "
            + "gatewayModeUnprotected=\(gatewayModeUnprotected) serialRemovals=\(serialRemovals)"
    }
}
