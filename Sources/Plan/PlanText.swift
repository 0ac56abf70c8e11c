import RangeDiagnostics

/// Renders a plan as the Terraform-style text a reviewer reads in a pull request (CLI.md).
/// Every line is shown through `TextEscaping.visible`: the text holds no control character but
/// the LF that ends each line, whatever a name, a cause or an engine-reported value holds.
public enum PlanText {
    /// The plan, under a header that counts what the manifest declares (or under `header`).
    public static func render(_ plan: Plan, header: String? = nil) -> String {
        guard let desired = plan.desired else { return "" }
        let instances = desired.instances.isEmpty ? "" : "\(count(desired.instances.count, "instance")) (\(desired.instances.map(\.name).joined(separator: ", "))), "
        var out = TextEscaping.visible(header ?? ("rangectl: range \(desired.name), \(instances)\(count(desired.networks.count, "network")), "
            + "\(count(desired.vms.count, "vm")), \(count(desired.interfaceCount, "interface"))"))
        out += "\n\n"
        let networks = Dictionary(desired.networks.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let vms = Dictionary(desired.vms.map { (EngineNames.key($0.hostname, instance: $0.instance), $0) }, uniquingKeysWith: { a, _ in a })

        var rows: [(kind: ResourceKind, instance: String?, head: String, body: String)] = []
        rows.reserveCapacity(plan.changes.count)
        for change in plan.changes {
            let key = EngineNames.key(change.name, instance: change.instance)
            let shown = change.kind == .network ? EngineNames.object(EngineNames.prefix(plan.range, instance: change.instance), change.name) : change.name
            let head = "  \(change.action.symbol) \(change.kind.rawValue) \(shown)"
            var body = change.detail.joined(separator: "; ")
            if change.action == .create {
                switch change.kind {
                case .network: body = networks[key].map(describe) ?? body
                case .vm: body = vms[key].map(describe) ?? body
                case .helper: break
                }
            } else if change.kind == .vm, change.action != .delete, let host = vms[key]?.host {
                // Over a swarm every line of a VM that stays says where it is to run.
                body = body.isEmpty ? "on \(host)" : "on \(host)   " + body
            }
            // Escaped before the columns are measured, so that they stay aligned.
            rows.append((change.kind, change.instance, TextEscaping.visible(head), TextEscaping.visible(body)))
        }
        var width: [ResourceKind: Int] = [:]
        for row in rows { width[row.kind] = max(width[row.kind] ?? 0, row.head.count) }
        // With instances, each instance's changes under its own heading (the range's own, of no
        // instance, first; then the manifest's order; then instances it no longer lists, by name).
        let blocks = Dictionary(desired.instances.map { ($0.name, $0.block) }, uniquingKeysWith: { a, _ in a })
        let order = [nil] + desired.instances.map(\.name) + Set(rows.compactMap(\.instance)).subtracting(blocks.keys).sorted()
        var grouped: [String?: [(kind: ResourceKind, instance: String?, head: String, body: String)]] = [:]
        for row in rows { grouped[row.instance, default: []].append(row) }
        for instance in order {
            let group = grouped[instance] ?? []
            if let instance, !group.isEmpty {
                // An instance the manifest lists, with its block; one it no longer lists (a destroy lists none).
                let gone = desired.instances.isEmpty ? "" : "  (no longer in the manifest)"
                out += TextEscaping.visible("instance \(instance)" + (blocks[instance].map { "  \($0)" } ?? gone)) + "\n"
            }
            out += lines(group, width: width)
            if instance != nil && !group.isEmpty { out += "\n" }
        }
        if plan.changes.isEmpty {
            out += "No changes. The engine matches the manifest.\n"
        } else {
            if out.hasSuffix("\n\n") { out.removeLast() }
            let s = plan.summary
            out += "\nPlan: \(s.add) to add, \(s.change) to change, \(s.replace) to re-create, \(s.destroy) to destroy.\n"
        }
        return out
    }

    private static func lines(_ rows: [(kind: ResourceKind, instance: String?, head: String, body: String)], width: [ResourceKind: Int]) -> String {
        var out = ""
        for row in rows {
            out += row.head
            if !row.body.isEmpty {
                out += String(repeating: " ", count: width[row.kind]! - row.head.count + 2) + row.body
            }
            out += "\n"
        }
        return out
    }

    static func describe(_ n: DesiredNetwork) -> String {
        var text = "\(n.subnet)  gateway \(n.gateway)"
        if let router = n.router { text += " (router \(router))" }
        if let bridge = n.bridgeIP { text += "  bridge \(bridge)" }
        return text + (n.internal ? "  internal" : "")
    }

    static func describe(_ vm: DesiredVM) -> String {
        var text = vm.host.map { "on \($0)   " } ?? ""
        text += vm.interfaces.map { i in
            "\(i.name) \(i.network) \(i.ip)" + (i.primary ? " (primary)" : "") + (i.router ? " (router)" : "")
        }.joined(separator: "   ")
        if !vm.routes.isEmpty {
            text += "   routes: " + vm.routes.map(\.description).joined(separator: ", ")
        }
        return text
    }

    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)" + (n == 1 ? "" : "s") }
}
