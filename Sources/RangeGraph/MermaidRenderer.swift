/// A `Topology` as a Mermaid flowchart (GitHub and GitLab draw it in Markdown). The same picture
/// as `DOTRenderer`: networks are boxes, routers and forwarders hexagons above the networks they
/// join, other VMs rounded boxes below; one line per NIC, the primary thick, drift red, what is
/// not connected dotted. Node identifiers are rangectl's own (`net0`, `vm0`); every piece of user
/// text is in a quoted label escaped by `MermaidEscaping.text`. Same topology, same bytes.
public enum MermaidRenderer {
    public static func render(_ t: Topology) -> String {
        // The comment after the declaration: a renderer that looks for the diagram's type on the first line finds it there.
        var out = "flowchart TB\n"
        out += "    %% rangectl graph of \(MermaidEscaping.text(Captions.title(t))): networks are boxes, VMs rounded boxes (routers and forwarders hexagons), one line per NIC.\n"
        var classes: [(name: String, ids: [String])] = []
        func add(_ id: String, to name: String) {
            if let k = classes.firstIndex(where: { $0.name == name }) { classes[k].ids.append(id) } else { classes.append((name, [id])) }
        }
        for (i, n) in t.networks.enumerated() {
            out += "    net\(i)[\"\(label(Captions.network(n)))\"]\n"
            add("net\(i)", to: n.internal ? "internal" : "network")
        }
        for (i, vm) in t.vms.enumerated() {
            let text = "\"\(label(Captions.vm(vm)))\""
            out += "    vm\(i)" + (Palette.between(vm) ? "{{\(text)}}" : "(\(text))") + "\n"
            add("vm\(i)", to: vm.state.map { className($0) } ?? (vm.role == .host ? "host" : "router"))
        }
        let index = Dictionary(t.networks.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        var linkStyles: [(style: String, links: [Int])] = []
        var count = 0
        for (i, vm) in t.vms.enumerated() {
            for l in vm.links {
                guard let n = index[l.network] else { continue }
                let line = Palette.dashed(l) ? "-.-" : l.primary ? "===" : "---"
                let (tail, head) = Palette.between(vm) ? ("vm\(i)", "net\(n)") : ("net\(n)", "vm\(i)")
                out += "    \(tail) \(line)|\"\(MermaidEscaping.text(Captions.link(l)))\"| \(head)\n"
                let style = [Palette.colour(l).map { "stroke:\($0),color:\($0)" }, l.primary && Palette.dashed(l) ? "stroke-width:3px" : nil]
                    .compactMap { $0 }.joined(separator: ",")
                if !style.isEmpty {
                    if let k = linkStyles.firstIndex(where: { $0.style == style }) { linkStyles[k].links.append(count) } else { linkStyles.append((style, [count])) }
                }
                count += 1
            }
        }
        out += "    classDef network fill:\(Palette.networkFill),stroke:\(Palette.networkBorder),stroke-width:2px,color:#000\n"
        out += "    classDef internal fill:\(Palette.internalFill),stroke:\(Palette.internalBorder),stroke-width:2px,stroke-dasharray:5 3,color:#000\n"
        out += "    classDef host fill:\(Palette.hostFill),stroke:\(Palette.ink),color:#000\n"
        out += "    classDef router fill:\(Palette.routerFill),stroke:\(Palette.routerBorder),color:#000\n"
        if t.live {
            for state in [Topology.State.running, .stopped, .absent, .other("")] {
                out += "    classDef \(className(state)) fill:\(Palette.fill(state)),stroke:\(Palette.ink)" + (state == .absent ? ",stroke-dasharray:5 3" : "") + ",color:#000\n"
            }
        }
        for c in classes { out += "    class \(c.ids.joined(separator: ",")) \(c.name)\n" }
        for s in linkStyles { out += "    linkStyle \(s.links.map(String.init).joined(separator: ",")) \(s.style)\n" }
        return out
    }

    /// A node's label: its title bold, then one line per detail.
    static func label(_ caption: (title: String, details: [String])) -> String {
        (["<b>\(MermaidEscaping.text(caption.title))</b>"] + caption.details.map(MermaidEscaping.text)).joined(separator: "<br>")
    }

    static func className(_ state: Topology.State) -> String {
        switch state {
        case .running: return "running"
        case .stopped: return "stopped"
        case .absent: return "absent"
        case .other: return "other"
        }
    }
}
