import Engine
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

    /// API 1.44 (Docker 25): several endpoints in the create request.
    static let multipleEndpointsAtCreate = APIVersion(1, 44)
    /// API 1.48 (Docker 28.0): `GwPriority` and the `ifname` driver option.
    static let interfaceOrderVersion = APIVersion(1, 48)
    /// API 1.49 (Docker 28.1): networks count their real endpoints. Before, a per-network counter
    /// could lose updates when endpoints of one network were released concurrently (moby#42119),
    /// leaving a network that cannot be removed until dockerd restarts (measured: 3 of 40 parallel
    /// teardowns of 16 containers on 20.10; 0 of 40 sequential ones).
    static let exactEndpointCount = APIVersion(1, 49)

    /// Docker 28.0, API 1.48: the bridge driver accepts gateway mode `nat-unprotected`
    /// (moby#48597) in the release that added the direct-access protection it turns off (moby#49325).
    static let natUnprotectedGatewayMode = APIVersion(1, 48)

    /// `podman`: Podman's compatible API, which numbers several endpoints given at create at
    /// random and ignores `GwPriority` and driver options (ENGINE.md): its NICs are always
    /// connected one at a time, in order, whatever API version it reports.
    public init(_ version: APIVersion, podman: Bool = false) {
        endpointsAtCreate = !podman && version >= Self.multipleEndpointsAtCreate
        interfaceOrder = !podman && version >= Self.interfaceOrderVersion
        gatewayModeUnprotected = version >= Self.natUnprotectedGatewayMode
        serialRemovals = version < Self.exactEndpointCount
        self.podman = podman
    }

    /// Podman's compatible API (its NICs are connected one at a time; see `init`).
    public var podman: Bool

    /// What the core is told: the NIC layout these requests give (ENGINE.md), and the rest.
    public func capabilities(engineName: String) -> EngineCapabilities {
        EngineCapabilities(
            interfaceLayout: interfaceOrder ? .manifest : (podman ? .manifestNamesAnyRoute : .sortedByName),
            // Podman 4.3's firewall drops what a router VM forwards between its networks (measured).
            forwardsBetweenNetworks: !podman,
            endpointsAtCreate: endpointsAtCreate,
            exactEndpointCount: !serialRemovals,
            imageNaming: .referenceDefaults,
            engineName: engineName)
    }

    public var description: String {
        "endpointsAtCreate=\(endpointsAtCreate) interfaceOrder=\(interfaceOrder) "
            + "gatewayModeUnprotected=\(gatewayModeUnprotected) serialRemovals=\(serialRemovals)"
    }
}
