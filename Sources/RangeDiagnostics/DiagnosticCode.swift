/// The stable catalogue of diagnostic codes (CLI.md); tests and CI filters match on the raw values.
public enum DiagnosticCode: String, Sendable, CaseIterable, Hashable {
    // Reading and syntax.
    case fileUnreadable = "file-unreadable"
    case yamlSyntax = "yaml-syntax"
    case yamlLimit = "yaml-limit"
    case duplicateKey = "duplicate-key"
    // Shape of the manifest.
    case unknownField = "unknown-field"
    case missingField = "missing-field"
    case typeMismatch = "type-mismatch"
    case outOfRange = "out-of-range"
    case invalidName = "invalid-name"
    case unsupportedVersion = "unsupported-version"
    case conflictingFields = "conflicting-fields"
    case noInterfaces = "no-interfaces"
    // Planner rules.
    case duplicateName = "duplicate-name"
    case invalidCIDR = "invalid-cidr"
    case subnetOverlap = "subnet-overlap"
    case gatewayOutsideSubnet = "gateway-outside-subnet"
    case invalidIP = "invalid-ip"
    case ipOutsideSubnet = "ip-outside-subnet"
    case ipReserved = "ip-reserved"
    case duplicateIP = "duplicate-ip"
    case unknownNetwork = "unknown-network"
    case duplicateInterface = "duplicate-interface"
    case poolExhausted = "pool-exhausted"
    case invalidPin = "invalid-pin"
    /// The helper image lacks a tool that setting a router's policy needs (`iptables-restore`, ...).
    case helperMissingTool = "helper-missing-tool"
    // Instances (`instances:`).
    case addressSpaceExhausted = "address-space-exhausted"
    case addressSpaceOverlap = "address-space-overlap"
    case unknownInstance = "unknown-instance"
    // The lock file (`FILE.lock`).
    case lockInvalid = "lock-invalid"
    /// A warning: the lock names a VM or network the manifest no longer has.
    case lockPruned = "lock-pruned"
    case lockStale = "lock-stale"
    // Routed ranges.
    case unknownRouter = "unknown-router"
    case routerNotAttached = "router-not-attached"
    case invalidRoute = "invalid-route"
    case routeUnreachable = "route-unreachable"
    case duplicateDefaultRoute = "duplicate-default-route"
    case unknownHost = "unknown-host"
    case routerForwarding = "router-forwarding"
    // Policy (segmentation as code, `policy:`).
    /// `from`, `to` or a NAT's `to` names no VM or network of the range.
    case unknownPolicyTarget = "unknown-policy-target"
    /// A port, CIDR or `default` of the policy that does not parse.
    case invalidPolicy = "invalid-policy"
    /// A rule or NAT entry whose traffic crosses no router VM.
    case policyUnrouted = "policy-unrouted"
    /// A NAT address outside its network, or already held by an interface, gateway, bridge or another NAT.
    case natAddress = "nat-address"
    /// A `policy:` in a range where no network has a `router:`, or a NAT on a network without one.
    case policyNoRouter = "policy-no-router"
    // Engine.
    case engineUnreachable = "engine-unreachable"
    case clusterMismatch = "cluster-mismatch"
    case subnetConflict = "subnet-conflict"
    case nameConflict = "name-conflict"
    case ipInUse = "ip-in-use"
    case imageMissing = "image-missing"
    /// A warning: an image the engine lacks, which apply pulls.
    case imagePull = "image-pull"
    case imagePullFailed = "image-pull-failed"
    case stalePlan = "stale-plan"
    case rangeLocked = "range-locked"
    case nicOrder = "nic-order"
    case resourceLimit = "resource-limit"
    /// A warning: the engine cannot give what the manifest asks (Podman: traffic routed between networks).
    case engineLimit = "engine-limit"
    case hostIgnored = "host-ignored"
    case confirmationRequired = "confirmation-required"
    // Pictures (`graph`).
    /// `--format svg|png` needs Graphviz's `dot` on PATH.
    case graphvizMissing = "graphviz-missing"
    /// Graphviz's `dot` ran and failed.
    case graphvizFailed = "graphviz-failed"
    /// An SVG or PNG picture without `--out` while standard output is a terminal.
    case terminalOutput = "terminal-output"
    // Importing another tool's format (`rangectl import cyroid`); both are warnings.
    /// What the source format has and a manifest cannot hold: kept as a comment where it stood.
    case importDropped = "import-dropped"
    /// A value changed to fit the manifest: a name rewritten to its rule, a size clamped to its bounds.
    case importAdjusted = "import-adjusted"
    // Exports (`export compose`).
    /// A warning: something of the range the exported file cannot hold (routes, disk_gb, a swarm
    /// `host:`, with Compose 1.29 the NIC order); written as a comment beside its service.
    case exportDropped = "export-dropped"
}
