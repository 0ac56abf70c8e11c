/// Which Compose implementation the file is written for, and so which keys it may hold. What
/// each one accepts is decided here only, as values the exporter reads (never a version compare
/// elsewhere).
public enum ComposeTarget: String, CaseIterable, Sendable {
    /// Compose 1.29 (Debian bookworm's `docker-compose`), which validates strictly against its
    /// schema (`compose_spec.json`): no top-level `name`, no `gw_priority` nor `interface_name`.
    /// Compose v2 reads the same file. Any engine rangectl supports.
    case v1
    /// Compose v2 from 2.36 (`interface_name`; `gw_priority` came in 2.33), on Docker 28.1 or
    /// newer (Compose refuses `interface_name` below API 1.49): the manifest's NIC names and the
    /// default route through the primary, as rangectl gives them on Docker 28.
    case v2

    /// A top-level `name:` (the project name), so that `docker compose up` needs no `-p`.
    public var projectName: Bool { self == .v2 }

    /// `interface_name` (`eth0`, `eth1`, ... in manifest order) and `gw_priority` on the primary.
    public var interfaceOrder: Bool { self == .v2 }

    /// Routed networks get the bridge option `gateway_mode_ipv4: nat-unprotected`, as rangectl
    /// sends it from API 1.48 (Docker 28's direct-access rules would drop what the router forwards).
    public var gatewayModeUnprotected: Bool { self == .v2 }

    /// The command that brings the file up, for the file's header.
    public func upCommand(range: String) -> String {
        switch self {
        case .v1: return "docker-compose -p \(range) -f FILE up -d    (down: docker-compose -p \(range) -f FILE down)"
        case .v2: return "docker compose -f FILE up -d    (down: docker compose -f FILE down)"
        }
    }

    /// What reads the file, for the file's header.
    public var readers: String {
        switch self {
        case .v1: return "Compose 1.29 (Debian's docker-compose) and Compose v2, on any engine"
        case .v2: return "Compose v2.36 or newer, on Docker 28.1 or newer"
        }
    }
}
