import Manifest

/// Writes a `ManifestModel` as manifest YAML: block style, two spaces per level, every string
/// through `YAMLScalar`, comments where the model puts them. Deterministic: the same model
/// always gives the same bytes (everything is written in the model's order).
public enum ManifestWriter {
    public static func write(_ model: ManifestModel) -> String {
        var w = Lines()
        for line in model.header { w.comment(line, indent: 0) }
        w.line("version: 1")
        for slot in model.layout {
            switch slot {
            case .name:
                w.pair("name", model.name.value, indent: 0)
            case .networks:
                w.blank()
                if model.networks.isEmpty {
                    w.line("networks: []")
                } else {
                    w.line("networks:")
                    for n in model.networks { write(n, into: &w) }
                }
            case .vms:
                w.blank()
                if model.vms.isEmpty {
                    w.line("vms: []")
                } else {
                    w.line("vms:")
                    for vm in model.vms { write(vm, into: &w) }
                }
            case .policy:
                if let p = model.policy { write(p, into: &w) }
            case let .comment(c):
                w.comment(c, indent: 0)
            }
        }
        return w.text
    }

    private static func write(_ p: ManifestModel.Policy, into w: inout Lines) {
        w.blank()
        guard p.hasRules else {
            w.comment("From firewall_rules (line \(p.location.line)): no entry could be imported, so rangectl sets no policy", indent: 0)
            w.comment("and the firewall image's own rules apply, as in CYROID.", indent: 0)
            for case let .comment(c) in p.allow { w.comment(c, indent: 0) }
            for case let .comment(c) in p.nat { w.comment(c, indent: 0) }
            return
        }
        w.comment(p.comment, indent: 0)
        w.line("policy:")
        w.pair("default", p.defaultAction.value, indent: 2)
        list("allow", p.allow, into: &w) { rule, w in
            w.item("from", rule.from?.value ?? "", indent: 4)
            w.pair("to", rule.to?.value ?? "", indent: 6)
            w.line("      ports: [" + (rule.ports?.value ?? []).map { YAMLScalar.inline($0.value) }.joined(separator: ", ") + "]")
        }
        guard !p.nat.isEmpty else { return }
        list("nat", p.nat, into: &w) { rule, w in
            w.item("on", rule.on?.value ?? "", indent: 4)
            w.pair("address", rule.address?.value ?? "", indent: 6)
            w.pair("port", rule.port?.value ?? "", indent: 6)
            w.pair("to", rule.to?.value ?? "", indent: 6)
            if let p = rule.toPort { w.line("      to_port: \(p.value)") }
        }
    }

    /// A policy list: each rule after its description, each refused entry as its comment; with
    /// no rule at all, the comments and then an empty list.
    private static func list<Rule>(_ key: String, _ slots: [ManifestModel.PolicySlot<Rule>], into w: inout Lines,
                                   rule write: (Rule, inout Lines) -> Void) {
        guard slots.contains(where: { $0.rule != nil }) else {
            for case let .comment(c) in slots { w.comment(c, indent: 2) }
            w.line("  \(key): []")
            return
        }
        w.line("  \(key):")
        for slot in slots {
            switch slot {
            case let .rule(r, entry):
                if let d = entry.description { w.comment(d, indent: 4) }
                write(r, &w)
            case let .comment(c):
                w.comment(c, indent: 4)
            }
        }
    }

    private static func write(_ n: ManifestModel.Network, into w: inout Lines) {
        w.item("name", n.name.value, indent: 2)
        for slot in n.layout {
            switch slot {
            case .subnet: if let v = n.subnet { w.pair("subnet", v.value, indent: 4) }
            case .gateway: if let v = n.gateway { w.pair("gateway", v.value, indent: 4) }
            case .internal: if let v = n.internal { w.line("    internal: \(v.value)") }
            case .router: if let v = n.router { w.pair("router", v.value, indent: 4) }
            case .bridgeIP: if let v = n.bridgeIP { w.pair("bridge_ip", v.value, indent: 4) }
            case let .comment(c): w.comment(c, indent: 4)
            }
        }
    }

    private static func write(_ vm: ManifestModel.VM, into w: inout Lines) {
        w.item("hostname", vm.hostname.value, indent: 2)
        for slot in vm.layout {
            switch slot {
            case .image: if let v = vm.image { w.pair("image", v.value, indent: 4) }
            case .cpu: if let v = vm.cpu { w.line("    cpu: \(v.value)") }
            case .ramMB: if let v = vm.ramMB { w.line("    ram_mb: \(v.value)") }
            case .diskGB: if let v = vm.diskGB { w.line("    disk_gb: \(v.value)") }
            case .networks:
                if vm.interfaces.isEmpty {
                    w.line("    networks: []")
                    continue
                }
                w.line("    networks:")
                for i in vm.interfaces {
                    if i.ip == nil && i.comments.isEmpty {
                        w.line("      - " + YAMLScalar.inline(i.network.value))
                        continue
                    }
                    w.item("network", i.network.value, indent: 6)
                    if let ip = i.ip { w.pair("ip", ip.value, indent: 8) }
                    for c in i.comments { w.comment(c, indent: 8) }
                }
            case .sysctls: pairs("sysctls", vm.sysctls, into: &w)
            case .env: pairs("env", vm.env, into: &w)
            case .routes:
                guard !vm.routes.isEmpty else { continue }
                w.line("    routes:")
                for r in vm.routes {
                    w.item("to", r.to?.value ?? "", indent: 6)
                    w.pair("via", r.via?.value ?? "", indent: 8)
                }
            case let .comment(c): w.comment(c, indent: 4)
            }
        }
    }

    /// A string map; with no pair at all only its comments are written (an `env:` with nothing
    /// under it would be null).
    private static func pairs(_ key: String, _ slots: [ManifestModel.PairSlot], into w: inout Lines) {
        guard !slots.pairs.isEmpty else {
            for case let .comment(c) in slots { w.comment(c, indent: 4) }
            return
        }
        w.line("    \(key):")
        for slot in slots {
            switch slot {
            case let .pair(p): w.pair(p.key.value, p.value.value, indent: 6)
            case let .comment(c): w.comment(c, indent: 6)
            }
        }
    }

    /// The output being built, a line at a time.
    struct Lines {
        var text = ""

        /// Longer keys are written as explicit `? key` entries (YAML's limit is 1024 characters).
        static let longestImplicitKey = 1000

        mutating func line(_ s: String) {
            text += s
            text += "\n"
        }

        mutating func blank() { text += "\n" }

        /// `key: value` at `indent`, the value a literal block when it is multi-line text.
        mutating func pair(_ key: String, _ value: String, indent: Int, prefix: String? = nil) {
            var lead = prefix ?? String(repeating: " ", count: indent)
            var keyText = YAMLScalar.inline(key)
            if keyText.unicodeScalars.count > Self.longestImplicitKey {
                // YAML allows an implicit key of at most 1024 characters: write it explicitly.
                line(lead + "? " + keyText)
                lead = String(repeating: " ", count: indent)
                keyText = ""
            }
            if let block = YAMLScalar.literal(value) {
                line(lead + keyText + ": " + block.indicator)
                let inner = String(repeating: " ", count: indent + 2)
                for l in block.lines { line(l.isEmpty ? "" : inner + l) }
            } else {
                line(lead + keyText + ": " + YAMLScalar.inline(value))
            }
        }

        /// The first pair of a list item's mapping: `- key: value`, the dash at `indent`.
        mutating func item(_ key: String, _ value: String, indent: Int) {
            pair(key, value, indent: indent + 2, prefix: String(repeating: " ", count: indent) + "- ")
        }

        mutating func comment(_ c: KeptComment, indent: Int) {
            for l in c.lines { comment(l, indent: indent) }
        }

        mutating func comment(_ s: String, indent: Int) {
            let lead = String(repeating: " ", count: indent) + "#"
            line(s.isEmpty ? lead : lead + " " + YAMLScalar.commentText(s))
        }
    }
}
