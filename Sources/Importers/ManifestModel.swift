import Manifest
import RangeDiagnostics

/// A manifest to be written (MANIFEST.md, version 1), with comments at their places: what an
/// importer produced. Every value keeps the place in the source it came from, so that checking
/// the model (through `raw`) reports problems where the user wrote them. Each object lists its
/// fields in the order they are written (`layout`); its name or hostname always comes first.
public struct ManifestModel: Sendable {
    /// Comment lines at the top of the file.
    public var header: [String]
    public var location: SourceLocation
    public var name: Located<String>
    public var layout: [TopSlot]
    public var networks: [Network]
    public var vms: [VM]
    /// From a blueprint's `firewall_rules`; nil when it has none or none could be imported.
    public var policy: Policy?

    public enum TopSlot: Sendable {
        case name, networks, vms, policy
        case comment(KeptComment)
    }

    public struct Network: Sendable {
        public var location: SourceLocation
        public var name: Located<String>
        public var subnet: Located<String>?
        public var gateway: Located<String>?
        public var `internal`: Located<Bool>?
        public var router: Located<String>?
        public var bridgeIP: Located<String>?
        public var layout: [NetworkSlot]
    }

    public enum NetworkSlot: Sendable {
        case subnet, gateway, `internal`, router, bridgeIP
        case comment(KeptComment)
    }

    public struct Interface: Sendable {
        public var location: SourceLocation
        public var network: Located<String>
        public var ip: Located<String>?
        /// Written inside the interface's mapping, after its fields.
        public var comments: [KeptComment]
    }

    /// A key/value pair of `env` or `sysctls`, or a comment among them.
    public enum PairSlot: Sendable {
        case pair(RawPair)
        case comment(KeptComment)
    }

    public struct VM: Sendable {
        public var location: SourceLocation
        public var hostname: Located<String>
        public var image: Located<String>?
        public var cpu: Located<Int>?
        public var ramMB: Located<Int>?
        public var diskGB: Located<Int>?
        public var interfaces: [Interface]
        public var sysctls: [PairSlot]
        public var env: [PairSlot]
        public var routes: [RawRoute]
        public var layout: [VMSlot]
    }

    public enum VMSlot: Sendable {
        case image, cpu, ramMB, diskGB, networks, sysctls, env, routes
        case comment(KeptComment)
    }
}

extension ManifestModel {
    /// `policy:` as imported: each rule with what it came from, or a comment where an entry
    /// could not be imported.
    public struct Policy: Sendable {
        public var location: SourceLocation
        /// Comment lines written above `policy:`.
        public var comment: KeptComment
        public var defaultAction: Located<String>
        public var allow: [PolicySlot<RawPolicyRule>]
        public var nat: [PolicySlot<RawNATRule>]

        /// Whether any entry was imported. With none the manifest has no `policy:` (only the
        /// comments): a deny-all would block what the firewall image itself lets through.
        public var hasRules: Bool {
            allow.contains { $0.rule != nil } || nat.contains { $0.rule != nil }
        }
    }

    public enum PolicySlot<Rule: Sendable>: Sendable {
        case rule(Rule, ImportedEntry)
        case comment(KeptComment)

        var rule: Rule? {
            if case let .rule(r, _) = self { r } else { nil }
        }
    }

    /// The blueprint entry a policy rule was made from: where it is, where each value the rule
    /// holds came from (a planner error there refuses the rule), its description, and the entry
    /// as written, kept as a comment if it is refused.
    public struct ImportedEntry: Sendable {
        public var location: SourceLocation
        public var values: [SourceLocation]
        /// Written as a comment above the rule.
        public var description: String?
        public var written: [String]
    }
}

/// Comment lines (without their `#`) that the writer puts at one place. The writer makes each
/// line safe to read back (no line break or control character in it).
public struct KeptComment: Sendable, Equatable {
    public var lines: [String]

    public init(_ lines: [String]) {
        self.lines = lines
    }
}

extension ManifestModel {
    /// The model as the manifest reader would give it, located where each value came from, for
    /// the planner's rules.
    public var raw: RawManifest {
        RawManifest(
            location: location, version: Located(1, at: location), name: name,
            networks: networks.map { n in
                RawNetwork(location: n.location, name: n.name, subnet: n.subnet, gateway: n.gateway, internal: n.internal,
                           router: n.router, bridgeIP: n.bridgeIP)
            },
            vms: vms.map { vm in
                RawVM(location: vm.location, hostname: vm.hostname, image: vm.image, cpu: vm.cpu, ramMB: vm.ramMB, diskGB: vm.diskGB,
                      interfaces: vm.interfaces.map { RawInterface(location: $0.location, network: $0.network, ip: $0.ip) },
                      sysctls: vm.sysctls.pairs, env: vm.env.pairs, routes: vm.routes)
            },
            policy: policy.flatMap { p in
                guard p.hasRules else { return nil }
                return
                RawPolicy(location: p.location, defaultAction: p.defaultAction, allow: p.allow.compactMap(\.rule), nat: p.nat.compactMap(\.rule))
            })
    }
}

extension Array where Element == ManifestModel.PairSlot {
    /// The pairs, comments left out.
    public var pairs: [RawPair] {
        compactMap { if case let .pair(p) = $0 { return p } else { return nil } }
    }
}
