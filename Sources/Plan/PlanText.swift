import RangeDiagnostics

/// Renders a plan as the Terraform-style text a reviewer reads in a pull request (CLI.md).
/// Every line is shown through `TextEscaping.visible`: the text holds no control character but
/// the LF that ends each line, whatever a name, a cause or an engine-reported value holds.
public enum PlanText {
    /// The plan, under a header that counts what the manifest declares (or under `header`).
    public static func render(_ plan: Plan, header: String? = nil) -> String {
        guard let desired = plan.desired else { return "" }
        var out = TextEscaping.visible(header ?? ("rangectl: range \(desired.name), \(count(desired.networks.count, "network")), "
            + "\(count(desired.vms.count, "vm")), \(count(desired.interfaceCount, "interface"))"))
        out += "\n\n"
        let networks = Dictionary(desired.networks.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let vms = Dictionary(desired.vms.map { ($0.hostname, $0) }, uniquingKeysWith: { a, _ in a })

        var rows: [(kind: ResourceKind, head: String, body: String)] = []
        rows.reserveCapacity(plan.changes.count)
        for change in plan.changes {
            let shown = change.kind == .network ? EngineNames.object(plan.range, change.name) : change.name
            let head = "  \(change.action.symbol) \(change.kind.rawValue) \(shown)"
            var body = change.detail.joined(separator: "; ")
            if change.action == .create {
                switch change.kind {
                case .network: body = networks[change.name].map(describe) ?? body
                case .vm: body = vms[change.name].map(describe) ?? body
                case .helper: break
                }
            } else if change.kind == .vm, change.action != .delete, let host = vms[change.name]?.host {
                // Over a swarm every line of a VM that stays says where it is to run.
                body = body.isEmpty ? "on \(host)" : "on \(host)   " + body
            }
            // Escaped before the columns are measured, so that they stay aligned.
            rows.append((change.kind, TextEscaping.visible(head), TextEscaping.visible(body)))
        }
        var width: [ResourceKind: Int] = [:]
        for row in rows { width[row.kind] = max(width[row.kind] ?? 0, row.head.count) }
        for row in rows {
            out += row.head
            if !row.body.isEmpty {
                out += String(repeating: " ", count: width[row.kind]! - row.head.count + 2) + row.body
            }
            out += "\n"
        }
        if plan.changes.isEmpty {
            out += "No changes. The engine matches the manifest.\n"
        } else {
            let s = plan.summary
            out += "\nPlan: \(s.add) to add, \(s.change) to change, \(s.replace) to re-create, \(s.destroy) to destroy.\n"
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
