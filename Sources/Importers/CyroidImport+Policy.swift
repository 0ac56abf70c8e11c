import Manifest
import Plan
import RangeDiagnostics

/// `firewall_rules` (CYROID.md: documentation of what a firewall image does) becomes `policy:`,
/// set by rangectl on the router VM: `allowed_flows` its `allow` rules under `default: deny`
/// (only the listed flows pass), `nat` its `nat` entries. An address that is a single-NIC VM's
/// becomes its hostname, a network's subnet its name, any other address a /32; a port is TCP
/// unless the entry says otherwise. An entry that cannot be mapped is kept as a comment with an
/// `import-dropped` warning; so is one the planner refuses (`ManifestModel.refusePolicyEntries`).
extension CyroidConverter {
    mutating func policy(_ e: BlueprintEntry) -> Placed<ManifestModel.TopSlot> {
        guard nets.contains(where: { $0.router != nil }) else {
            return .dropped(.firewallRulesWithoutRouter, e)
        }
        guard case let .mapping(pairs) = e.value.kind else { return .dropped(.firewallRules, e) }
        var allow: [ManifestModel.PolicySlot<RawPolicyRule>] = []
        var nat: [ManifestModel.PolicySlot<RawNATRule>] = []
        var unknown: [ManifestModel.PolicySlot<RawPolicyRule>] = []
        for pair in pairs {
            let key = pair.key.scalar?.text ?? ""
            let items: [Node]
            if case let .sequence(list) = pair.value.kind {
                items = list
            } else if pair.value.scalar?.value == .null {
                items = []
            } else {
                unknown.append(refused(pair.key, pair.value, key: key, why: "not a list"))
                continue
            }
            switch key {
            case "allowed_flows": allow += items.map { flow($0) }
            case "nat": nat += items.map { natEntry($0) }
            default: unknown.append(refused(pair.key, pair.value, key: key, why: DroppedKind.unknown.reason))
            }
        }
        let at = SourceLocation(b.location.fileID, line: e.keyLocation.line, column: e.keyLocation.column)
        policyModel = ManifestModel.Policy(
            location: at,
            comment: KeptComment([
                "From firewall_rules (line \(e.keyLocation.line)), which CYROID keeps as documentation of the firewall image:",
                "rangectl sets it on the router VM, so only the flows listed here cross it. The helper image",
                "must carry iptables (README, \"Policy\"); plan refuses one without it (helper-missing-tool).",
            ]),
            defaultAction: Located("deny", at: at), allow: allow + unknown, nat: nat)
        return .slot(.policy)
    }

    /// One `allowed_flows` item: `{src, dst, ports, protocol?, description?}`.
    private mutating func flow(_ node: Node) -> ManifestModel.PolicySlot<RawPolicyRule> {
        guard case let .mapping(pairs) = node.kind else { return refused(nil, node, key: "allowed_flows item", why: "not a mapping") }
        var src: Located<String>?, dst: Located<String>?, portsNode: Node?, proto = "tcp", description: String?
        for pair in pairs {
            switch pair.key.scalar?.text ?? "" {
            case "src": src = scalarText(pair.value)
            case "dst": dst = scalarText(pair.value)
            case "ports": portsNode = pair.value
            case "protocol": proto = pair.value.scalar?.text.lowercased() ?? proto
            case "description": description = pair.value.scalar?.text
            default: return refused(nil, node, key: "allowed_flows item", why: "it has a field this importer does not know: '\(pair.key.scalar?.text ?? "")'")
            }
        }
        guard let src, let dst else { return refused(nil, node, key: "allowed_flows item", why: "it needs both 'src' and 'dst'") }
        var ports: [Located<String>] = []
        var portsAt = location(node)
        if let portsNode {
            portsAt = location(portsNode)
            switch portsNode.kind {
            case let .sequence(items): ports = items.map { Located(portText($0, proto: proto), at: location($0)) }
            case .scalar: ports = [Located(portText(portsNode, proto: proto), at: location(portsNode))]
            case .mapping: return refused(nil, node, key: "allowed_flows item", why: "'ports' is not a list")
            }
        }
        if ports.isEmpty {
            let all = proto == "icmp" ? "icmp" : "any"
            ports = [Located(all, at: portsAt)]
            adjusted("a flow with no ports allows \(all == "any" ? "every protocol and port" : "ICMP") from \(src.value) to \(dst.value)", at: portsAt)
        }
        let from = Located(endpoint(src.value), at: src.location), to = Located(endpoint(dst.value), at: dst.location)
        let rule = RawPolicyRule(location: location(node), from: from, to: to, ports: Located(ports, at: portsAt))
        return .rule(rule, imported(node, values: [from.location, to.location, portsAt] + ports.map(\.location), description: description))
    }

    /// One `nat` item: `{external_ip, external_port, internal_ip, internal_port?, protocol?, description?}`.
    private mutating func natEntry(_ node: Node) -> ManifestModel.PolicySlot<RawNATRule> {
        guard case let .mapping(pairs) = node.kind else { return refused(nil, node, key: "nat item", why: "not a mapping") }
        var fields: [String: Located<String>] = [:]
        var proto = "tcp", description: String?
        for pair in pairs {
            let key = pair.key.scalar?.text ?? ""
            switch key {
            case "external_ip", "external_port", "internal_ip", "internal_port": fields[key] = scalarText(pair.value)
            case "protocol": proto = pair.value.scalar?.text.lowercased() ?? proto
            case "description": description = pair.value.scalar?.text
            default: return refused(nil, node, key: "nat item", why: "it has a field this importer does not know: '\(key)'")
            }
        }
        guard let external = fields["external_ip"], let port = fields["external_port"], let inner = fields["internal_ip"] else {
            return refused(nil, node, key: "nat item", why: "it needs external_ip, external_port and internal_ip")
        }
        guard let address = IPv4Address(external.value),
              let k = nets.indices.first(where: { nets[$0].name != nil && nets[$0].subnet?.contains(address) == true }) else {
            return refused(nil, node, key: "nat item", why: "external_ip \(external.value) lies in no network of the blueprint")
        }
        guard let target = IPv4Address(inner.value), let v = holders(of: target).first, let hostname = hostnames[v] else {
            return refused(nil, node, key: "nat item", why: "no VM has the static address \(inner.value) (internal_ip)")
        }
        var toPort: Located<Int>?
        if let p = fields["internal_port"], p.value != port.value {
            guard let n = Int(p.value) else { return refused(nil, node, key: "nat item", why: "internal_port '\(p.value)' is not a port number") }
            toPort = Located(n, at: p.location)
        }
        let rule = RawNATRule(location: location(node), on: Located(nets[k].name!, at: external.location), address: external,
                              port: Located("\(proto)/\(port.value)", at: port.location), to: Located(hostname, at: inner.location), toPort: toPort)
        let values = [external.location, port.location, inner.location] + (toPort.map { [$0.location] } ?? [])
        return .rule(rule, imported(node, values: values, description: description))
    }

    /// `src` or `dst` in the manifest's terms.
    private func endpoint(_ text: String) -> String {
        if text.contains("/") {
            guard case let .success(subnet) = IPv4Subnet.parse(text, allowedPrefixes: 0...32),
                  let k = nets.indices.first(where: { nets[$0].subnet == subnet }), let name = nets[k].name else { return text }
            return name
        }
        if let address = IPv4Address(text) {
            let held = holders(of: address)
            if held.count == 1, interfaces[held[0]].count == 1, let hostname = hostnames[held[0]] { return hostname }
            return "\(address)/32"
        }
        if let v = b.vms.indices.first(where: { b.vms[$0].hostname?.value == text }), let hostname = hostnames[v] { return hostname }
        if let k = networkIndex[text], let name = nets[k].name { return name }
        return text
    }

    /// The VMs with `address` as a static address, in blueprint order.
    private func holders(of address: IPv4Address) -> [Int] {
        interfaces.indices.filter { v in interfaces[v].contains { $0.address == address } }
    }

    /// A port as the manifest writes it: `445` is `tcp/445` (or the entry's protocol), `53/udp`
    /// is `udp/53`; anything else as written, for the planner to judge.
    private func portText(_ node: Node, proto: String) -> String {
        let text = (node.scalar?.text ?? "").lowercased()
        let isRange = { (s: Substring) in
            let parts = s.split(separator: "-", omittingEmptySubsequences: false)
            return (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
        }
        if isRange(Substring(text)) { return "\(proto)/\(text)" }
        let halves = text.split(separator: "/", omittingEmptySubsequences: false)
        if halves.count == 2, isRange(halves[0]), ["tcp", "udp"].contains(halves[1]) { return "\(halves[1])/\(halves[0])" }
        return text
    }

    private func scalarText(_ node: Node) -> Located<String>? {
        guard let s = node.scalar, s.value != .null else { return nil }
        return Located(s.text, at: location(node))
    }

    private func imported(_ node: Node, values: [SourceLocation], description: String?) -> ManifestModel.ImportedEntry {
        ManifestModel.ImportedEntry(location: location(node), values: [location(node)] + values, description: description,
                                    written: KeptValue.item(node))
    }

    /// An entry kept as a comment, with its warning.
    private mutating func refused<Rule>(_ key: Node?, _ node: Node, key name: String, why: String) -> ManifestModel.PolicySlot<Rule> {
        let at = location(key ?? node)
        diagnostics.append(.warning(.importDropped, "firewall_rules: \(name) not imported (\(why)); kept as a comment", at: at))
        let lines = key == nil ? KeptValue.item(node) : KeptValue.lines(name, node)
        return .comment(KeptComment(["not imported (line \(at.line)): \(why)"] + lines))
    }

    func location(_ node: Node) -> SourceLocation {
        SourceLocation(b.location.fileID, line: node.start.line, column: node.start.column, endLine: node.end.line, endColumn: node.end.column)
    }
}

extension ManifestModel {
    /// Turns each policy rule that one of `errors` (the planner's, on `raw`) points into back into
    /// a comment, with an `import-dropped` warning carrying the planner's reason; the errors that
    /// were about such a rule are returned as handled. Plan `raw` again after this.
    public mutating func refusePolicyEntries(_ errors: [Diagnostic]) -> [Diagnostic] {
        guard var p = policy else { return [] }
        var warnings: [Diagnostic] = []
        func refuse<Rule>(_ slots: inout [PolicySlot<Rule>], what: String) {
            for k in slots.indices {
                guard case let .rule(_, entry) = slots[k] else { continue }
                let reasons = errors.filter { d in d.location.map { l in entry.values.contains { $0.startsWhere(l) } } ?? false }
                guard !reasons.isEmpty else { continue }
                let why = reasons.map(\.message).joined(separator: "; ")
                warnings.append(.warning(.importDropped, "firewall_rules: \(what) not imported (rangectl's planner refuses it: \(why)); kept as a comment",
                                         at: entry.location))
                slots[k] = .comment(KeptComment(["not imported (line \(entry.location.line)): rangectl's planner refuses it: \(why)"] + entry.written))
            }
        }
        refuse(&p.allow, what: "allowed_flows item")
        refuse(&p.nat, what: "nat item")
        policy = p
        return warnings
    }
}
