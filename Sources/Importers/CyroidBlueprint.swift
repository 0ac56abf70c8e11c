import Manifest
import RangeDiagnostics

/// A CYROID blueprint as written (CYROID.md): the fields the importer reads, typed and located,
/// and every key of every object in document order with its value node, so that what is not
/// imported can be kept, where it stood, as written. Built by `CyroidBlueprintReader`.
public struct CyroidBlueprint: Sendable {
    /// The blueprint's file name as diagnostics name it.
    public var file: String
    public var location: SourceLocation
    public var entries: [BlueprintEntry]
    public var seedID: Located<String>?
    public var name: Located<String>?
    public var networks: [Network]
    public var vms: [VM]
    /// `router: {enabled, dhcp_enabled}`, when given as a mapping.
    public var routerEnabled: Located<Bool>?
    public var routerDHCP: Located<Bool>?

    /// One item of `networks`.
    public struct Network: Sendable {
        public var location: SourceLocation
        public var entries: [BlueprintEntry]
        public var name: Located<String>?
        public var subnet: Located<String>?
        public var gateway: Located<String>?
        public var isIsolated: Located<Bool>?
        public var internetEnabled: Located<Bool>?
        public var dhcpEnabled: Located<Bool>?
        public var trafficMirror: Located<Bool>?
    }

    /// One item of a VM's `network_interfaces`, or its legacy `network_name` + `ip_address`.
    public struct Interface: Sendable {
        public var location: SourceLocation
        /// Empty for the legacy form (its keys are the VM's).
        public var entries: [BlueprintEntry]
        public var network: Located<String>?
        /// Nil when absent, null or empty: assigned automatically.
        public var ip: Located<String>?
        public var isPrimary: Located<Bool>?
        public var monitorMode: Located<Bool>?
    }

    /// One environment variable; `value` nil when it is null.
    public struct EnvVariable: Sendable {
        public var entry: BlueprintEntry
        public var key: Located<String>
        public var value: Located<String>?
    }

    /// One item of `vms`.
    public struct VM: Sendable {
        public var location: SourceLocation
        public var entries: [BlueprintEntry]
        public var hostname: Located<String>?
        public var image: Located<String>?
        /// From `network_interfaces`, or the one legacy interface; in the order written.
        public var interfaces: [Interface]
        public var cpu: Located<Int>?
        public var ramMB: Located<Int>?
        public var diskGB: Located<Int>?
        public var environment: [EnvVariable]
        public var vmType: Located<String>?
        public var osType: Located<String>?
        public var useDHCP: Located<Bool>?
        public var isSensor: Located<Bool>?
        /// The per-VM gateway override.
        public var gateway: Located<String>?
    }
}

/// One key of a blueprint mapping: its text, where the key is, and its value node.
public struct BlueprintEntry: Sendable {
    public var key: String
    public var keyLocation: SourceLocation
    public var value: Node
    /// Where the value is.
    public var valueLocation: SourceLocation
}
