/// The labels rangectl puts on every engine object it owns (MANIFEST.md, "What lands on the engine").
/// Ownership is decided by these labels only, never by a name.
public enum RangeLabels {
    /// Every key rangectl owns starts with this; a manifest may not use it.
    public static let prefix = "io.rangectl."
    public static let range = "io.rangectl.range"
    public static let managed = "io.rangectl.managed"
    public static let network = "io.rangectl.network"
    public static let vm = "io.rangectl.vm"
    /// The instance an object belongs to, when the manifest has `instances:` (absent otherwise).
    public static let instance = "io.rangectl.instance"
    /// A hash of everything in an object's spec that needs a re-create to change.
    public static let specHash = "io.rangectl.spec-hash"
    /// The spec fields themselves (secrets hashed), so a plan can say which one changed.
    public static let spec = "io.rangectl.spec"
    /// A VM's interfaces as rangectl assigned them, in order: `net=ip,net=ip`.
    public static let interfaces = "io.rangectl.interfaces"

    /// On a routes marker: the VM whose routes it records (markers are never started).
    public static let routesOf = "io.rangectl.routes-of"
    /// On a routes marker: the routes set, `to via ip` joined by commas.
    public static let routes = "io.rangectl.routes"
    /// On a routes marker: `<vm container id>@<its StartedAt>` when they were set; a restart changes it.
    public static let routesSet = "io.rangectl.routes-set"
    /// On the short-lived helper that sets routes (one left over by an interrupted apply is removed).
    public static let helper = "io.rangectl.helper"

    /// On the range lock (`EngineNames.lock`): a token that is new for every taking, and who took
    /// it, when, and until when it holds (seconds since 1970).
    public static let lockToken = "io.rangectl.lock-token"
    public static let lockUser = "io.rangectl.lock-user"
    public static let lockHost = "io.rangectl.lock-host"
    public static let lockPid = "io.rangectl.lock-pid"
    public static let lockSince = "io.rangectl.lock-since"
    public static let lockExpires = "io.rangectl.lock-expires"

    /// The labels every object of `range` (of its `instance`, if any) carries, the manifest's own labels first.
    public static func common(range: String, instance: String? = nil, manifestLabels: [KeyValue]) -> [KeyValue] {
        manifestLabels + [KeyValue(Self.range, range)] + (instance.map { [KeyValue(Self.instance, $0)] } ?? []) + [KeyValue(managed, "true")]
    }

    /// The engine name prefix of an object with these labels (see `EngineNames.prefix`); nil without a range label.
    public static func enginePrefix(_ labels: [String: String]) -> String? {
        labels[range].map { EngineNames.prefix($0, instance: labels[instance]) }
    }
}

extension RangeLabels {
    /// On a policy marker (`EngineNames.policyMarker`): the router VM whose policy it records.
    public static let policyOf = "io.rangectl.policy-of"
    /// On a policy marker: `RouterPolicy.hash` of what was applied.
    public static let policyHash = "io.rangectl.policy-hash"
    /// On a policy marker: the rules applied as a reviewer reads them, one per line (for plan diffs).
    public static let policyRules = "io.rangectl.policy-rules"
    /// On a policy marker: the NAT addresses added, `eth0 172.30.0.100` joined by commas (removed when dropped).
    public static let policyAddresses = "io.rangectl.policy-addresses"
    /// On a policy marker: `<vm container id>@<its StartedAt>` when it was applied; a restart loses the rules.
    public static let policySet = "io.rangectl.policy-set"
}
