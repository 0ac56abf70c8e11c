import Manifest
import Plan
import RangeDiagnostics

/// A CYROID blueprint turned into a manifest model and warnings (README, "Import from CYROID"):
/// networks, VMs, their interfaces with the primary first, static addresses, images, cpu, ram
/// and disk, environment; a VM whose static address is its network's gateway becomes that
/// network's `router`. Everything else is kept as a comment where it stood, with an
/// `import-dropped` warning at its key; a value changed to fit the manifest (a name rewritten, a
/// size clamped) is an `import-adjusted` warning. Pure, and in the blueprint's order throughout:
/// the same blueprint always gives the same model and diagnostics.
///
/// The model is not checked against the planner's rules here: `raw` gives what the planner
/// reads, located in the blueprint.
public enum CyroidImport {
    public static func convert(_ blueprint: CyroidBlueprint) -> (ManifestModel, [Diagnostic]) {
        var converter = CyroidConverter(blueprint)
        let model = converter.run()
        return (model, converter.diagnostics)
    }
}

/// What one blueprint key becomes: a field of the manifest at its place, a kept comment, or
/// nothing (it is implied, like `vm_type: container`, or read with another key).
enum Placed<Slot> {
    case slot(Slot)
    case dropped(DroppedKind, BlueprintEntry)
    case nothing
}

struct CyroidConverter {
    let b: CyroidBlueprint
    var diagnostics: [Diagnostic] = []

    /// What is known of each blueprint network (by its index in `b.networks`) before the model is built.
    struct NetworkFacts {
        /// The manifest name; nil when the network cannot be imported.
        var name: String?
        var subnet: IPv4Subnet?
        /// The gateway address (given, else the subnet's first host), when it is usable.
        var gateway: IPv4Address?
        var router: Located<String>?
        var bridgeIP: Located<String>?
        /// Every static address of an interface on it, in blueprint order.
        var statics: [IPv4Address] = []
    }

    /// An interface resolved to its network.
    struct ResolvedInterface {
        var model: ManifestModel.Interface
        var network: Int
        var address: IPv4Address?
    }

    var nets: [NetworkFacts] = []
    /// Blueprint network name -> index of its first definition.
    var networkIndex: [String: Int] = [:]
    /// Each VM's manifest hostname (nil: it cannot be imported).
    var hostnames: [String?] = []
    /// Each VM's interfaces, primary first.
    var interfaces: [[ResolvedInterface]] = []
    /// The networks each VM routes, by index, in blueprint order.
    var routes: [[Int]] = []
    /// `firewall_rules` as a policy, once the top level is laid out.
    var policyModel: ManifestModel.Policy?

    init(_ blueprint: CyroidBlueprint) {
        b = blueprint
    }

    mutating func run() -> ManifestModel {
        let name = rangeName()
        collectNetworks()
        hostnames = b.vms.map { vm in vm.hostname.flatMap { hostname($0) } }
        interfaces = b.vms.indices.map { resolveInterfaces($0) }
        detectRouters()
        let networks = b.networks.indices.compactMap { network($0) }
        let vms = b.vms.indices.compactMap { vm($0) }
        let layout = topLayout()
        let header = [
            "Imported by `rangectl import cyroid` from the CYROID blueprint \(b.file).",
            "What a manifest cannot hold is kept where it stood, in comments that start with \"not imported\".",
        ]
        return ManifestModel(header: header, location: b.location, name: name, layout: layout, networks: networks, vms: vms,
                             policy: policyModel)
    }

    // MARK: - The range

    private mutating func rangeName() -> Located<String> {
        guard let source = b.seedID ?? b.name else { return Located("", at: b.location) }
        guard let name = ImportNames.resourceName(source.value) else {
            error(.invalidName, "cannot make a range name from '\(Diagnostic.excerpt(source.value))': it has no ASCII letter or digit", at: source.location)
            return Located("", at: source.location)
        }
        if b.seedID == nil {
            adjusted("there is no seed_id: the range is named '\(name)' after the blueprint's name '\(Diagnostic.excerpt(source.value))'", at: source.location)
        } else if name != source.value {
            adjusted("seed_id '\(Diagnostic.excerpt(source.value))' becomes the range name '\(name)' (\(TextFormat.resourceName.explanation))", at: source.location)
        }
        return Located(name, at: source.location)
    }

    private mutating func topLayout() -> [ManifestModel.TopSlot] {
        var items: [Placed<ManifestModel.TopSlot>] = []
        for e in b.entries {
            switch e.key {
            case "seed_id": items.append(.slot(.name))
            case "name":
                // Without a seed_id the range is named after it, and it is imported.
                items.append(b.seedID == nil ? .slot(.name) : .dropped(.displayName, e))
            case "description": items.append(.dropped(.description, e))
            case "version": items.append(.dropped(.blueprintVersion, e))
            case "base_subnet_prefix": items.append(.dropped(.baseSubnetPrefix, e))
            case "networks": items.append(.slot(.networks))
            case "vms": items.append(.slot(.vms))
            case "router":
                if let why = routerReason(e) { items.append(.dropped(.cyroidRouter(why), e)) }
            case "firewall_rules": items.append(policy(e))
            case "events": items.append(.dropped(.events, e))
            case "walkthrough": items.append(.dropped(.walkthrough, e))
            case "requires_base_images": items.append(.dropped(.baseImages, e))
            default: items.append(.dropped(.unknown, e))
            }
        }
        var layout = place(items, subject: "") { .comment($0) }
        for required in [ManifestModel.TopSlot.name, .networks, .vms] where !layout.contains(where: { $0.same(as: required) }) {
            if case .name = required { layout.insert(.name, at: 0) } else { layout.append(required) }
        }
        return layout
    }

    /// Why the blueprint's `router` has no equivalent; nil when it has one (`enabled: false`
    /// and no DHCP: the networks are routed by a VM, as rangectl's `router:` does).
    private func routerReason(_ e: BlueprintEntry) -> String? {
        var why: [String] = []
        if b.routerEnabled?.value == true {
            why.append("CYROID's own managed router; rangectl has none: networks reach each other only through a VM that holds their gateways")
        }
        if b.routerDHCP?.value == true {
            why.append(DroppedKind.dhcp.reason)
        }
        if case let .mapping(pairs) = e.value.kind, pairs.contains(where: { !["enabled", "dhcp_enabled"].contains($0.key.scalar?.text ?? "") }) {
            why.append("it has fields this importer does not know")
        }
        return why.isEmpty ? nil : why.joined(separator: "; ")
    }

    // MARK: - Networks

    private mutating func collectNetworks() {
        for (k, n) in b.networks.enumerated() {
            var facts = NetworkFacts()
            if let raw = n.name {
                if let name = ImportNames.resourceName(raw.value) {
                    facts.name = name
                    if name != raw.value {
                        adjusted("network name '\(Diagnostic.excerpt(raw.value))' becomes '\(name)' (\(TextFormat.resourceName.explanation))", at: raw.location)
                    }
                } else {
                    error(.invalidName, "cannot make a network name from '\(Diagnostic.excerpt(raw.value))': it has no ASCII letter or digit", at: raw.location)
                }
                if networkIndex[raw.value] == nil { networkIndex[raw.value] = k }
            }
            if let text = n.subnet, case let .success(subnet) = IPv4Subnet.parse(text.value) {
                facts.subnet = subnet
                let gateway = n.gateway.map { IPv4Address($0.value) } ?? subnet.firstHost
                if let gateway, subnet.contains(gateway) { facts.gateway = gateway }
            }
            nets.append(facts)
        }
    }

    /// Each routed network's router: the first VM, in blueprint order, whose static address on
    /// it is the gateway. Its bridge address moves down from the last host when a VM holds that.
    private mutating func detectRouters() {
        routes = Array(repeating: [], count: b.vms.count)
        for list in interfaces {
            for i in list {
                if let a = i.address { nets[i.network].statics.append(a) }
            }
        }
        for k in nets.indices {
            guard let gateway = nets[k].gateway, let subnet = nets[k].subnet else { continue }
            search: for (v, list) in interfaces.enumerated() {
                guard let hostname = hostnames[v] else { continue }
                for i in list where i.network == k && i.address == gateway {
                    nets[k].router = Located(hostname, at: i.model.ip?.location ?? i.model.location)
                    routes[v].append(k)
                    break search
                }
            }
            guard nets[k].router != nil else { continue }
            let fallback = subnet.lastHost == gateway ? IPv4Address(subnet.lastHost.value - 1) : subnet.lastHost
            guard nets[k].statics.contains(fallback) else { continue }
            var candidate = subnet.lastHost.value
            while candidate > subnet.firstHost.value {
                let a = IPv4Address(candidate)
                if a != gateway && !nets[k].statics.contains(a) {
                    nets[k].bridgeIP = Located(a.description, at: b.networks[k].location)
                    break
                }
                candidate -= 1
            }
        }
    }

    private mutating func network(_ k: Int) -> ManifestModel.Network? {
        let n = b.networks[k]
        guard let name = nets[k].name, let nameText = n.name else { return nil }
        let routed = nets[k].router != nil
        let isolated = n.isIsolated?.value ?? false
        let internet = n.internetEnabled
        // `internet_enabled: false` cuts the network off too: fail closed, on a range.
        let internalValue: Located<Bool>? = isolated ? n.isIsolated : internet?.value == false ? Located(true, at: internet!.location) : nil
        let hasGatewayKey = n.entries.contains { $0.key == "gateway" }
        var items: [Placed<ManifestModel.NetworkSlot>] = []
        for e in n.entries {
            switch e.key {
            case "name": break
            case "subnet":
                items.append(.slot(.subnet))
                if !hasGatewayKey { items += [.slot(.router), .slot(.bridgeIP)] }
            case "gateway": items += [.slot(.gateway), .slot(.router), .slot(.bridgeIP)]
            case "is_isolated": if isolated { items.append(.slot(.internal)) }
            case "internet_enabled":
                if internet?.value == false && !isolated {
                    items.append(.slot(.internal))
                } else if internet?.value == true && internalValue != nil && !routed {
                    items.append(.dropped(.internet("an isolated network has no way out in rangectl but a router VM that holds its gateway"), e))
                }
            case "dhcp_enabled": if n.dhcpEnabled?.value == true { items.append(.dropped(.dhcp, e)) }
            case "enable_traffic_mirror": if n.trafficMirror?.value == true { items.append(.dropped(.trafficMirror, e)) }
            default: items.append(.dropped(.unknown, e))
            }
        }
        var layout = place(items, subject: "network '\(name)': ") { .comment($0) }
        if routed && !layout.contains(where: { if case .router = $0 { true } else { false } }) { layout += [.router, .bridgeIP] }
        return ManifestModel.Network(
            location: n.location, name: Located(name, at: nameText.location), subnet: n.subnet, gateway: n.gateway,
            internal: internalValue, router: nets[k].router, bridgeIP: nets[k].bridgeIP, layout: layout)
    }

    // MARK: - Shared

    /// The slots of one object in order; dropped keys become comments, one per kind at the
    /// first key of that kind, each with one warning.
    mutating func place<Slot>(_ items: [Placed<Slot>], subject: String, comment: (KeptComment) -> Slot) -> [Slot] {
        var groups: [(kind: DroppedKind, entries: [BlueprintEntry])] = []
        for case let .dropped(kind, e) in items {
            if let g = groups.firstIndex(where: { $0.kind == kind }) {
                groups[g].entries.append(e)
            } else {
                groups.append((kind, [e]))
            }
        }
        var written = Array(repeating: false, count: groups.count)
        var out: [Slot] = []
        for item in items {
            switch item {
            case let .slot(s): out.append(s)
            case .nothing: break
            case let .dropped(kind, _):
                let g = groups.firstIndex { $0.kind == kind }!
                guard !written[g] else { continue }
                written[g] = true
                out.append(comment(kept(groups[g].kind, groups[g].entries)))
                let keys = groups[g].entries.map { "'\($0.key)'" }.joined(separator: ", ")
                diagnostics.append(.warning(.importDropped, "\(subject)\(keys) not imported (\(kind.reason)); kept as a comment",
                                            at: groups[g].entries[0].keyLocation))
            }
        }
        return out
    }

    /// The comment that keeps dropped keys: why, then each key and value as written.
    private func kept(_ kind: DroppedKind, _ entries: [BlueprintEntry]) -> KeptComment {
        var lines: [Int] = []
        for e in entries where !lines.contains(e.keyLocation.line) { lines.append(e.keyLocation.line) }
        let at = (lines.count == 1 ? "line " : "lines ") + lines.map(String.init).joined(separator: ", ")
        var text = ["not imported (\(at)): \(kind.reason)"]
        text += kind.note.map { "  " + $0 }
        for e in entries { text += KeptValue.lines(e.key, e.value) }
        return KeptComment(text)
    }

    mutating func adjusted(_ message: String, at location: SourceLocation) {
        diagnostics.append(.warning(.importAdjusted, message, at: location))
    }

    mutating func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation) {
        diagnostics.append(.error(code, message, at: location))
    }
}

extension ManifestModel.TopSlot {
    func same(as other: Self) -> Bool {
        switch (self, other) {
        case (.name, .name), (.networks, .networks), (.vms, .vms): return true
        default: return false
        }
    }
}
