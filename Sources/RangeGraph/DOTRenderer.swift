/// A `Topology` as Graphviz DOT text, for `dot -Tsvg` or any other Graphviz tool. Networks are
/// boxes in one row; routers and forwarders (hexagons) are drawn above the networks they join,
/// every other VM (rounded box) below its networks; one line per NIC, the primary bold, a
/// gateway NIC in the router colour, drift red, what is not connected dashed. Node identifiers
/// are rangectl's own (`net0`, `vm0`, by manifest position); every piece of user text is in an
/// HTML-like label escaped by `DOTEscaping.html`. Same topology, same bytes.
public enum DOTRenderer {
    public static func render(_ t: Topology) -> String {
        var out = "// rangectl graph: networks are boxes, VMs rounded boxes (routers and forwarders hexagons), one line per NIC.\n"
        out += "graph rangectl {\n"
        out += "  graph [label=<<B>\(DOTEscaping.html(Captions.title(t)))</B>>, labelloc=t, fontname=\"Helvetica\", fontsize=14, nodesep=0.35, ranksep=0.8]\n"
        out += "  node [fontname=\"Helvetica\", fontsize=11, color=\"\(Palette.ink)\"]\n"
        out += "  edge [fontname=\"Helvetica\", fontsize=9, color=\"\(Palette.ink)\", fontcolor=\"#333333\"]\n"
        if !t.networks.isEmpty { out += "\n" }
        for (i, n) in t.networks.enumerated() {
            let fill = n.internal ? Palette.internalFill : Palette.networkFill
            let border = n.internal ? Palette.internalBorder : Palette.networkBorder
            let style = n.internal ? "filled,dashed" : "filled"
            out += "  net\(i) [shape=box, style=\"\(style)\", fillcolor=\"\(fill)\", color=\"\(border)\", penwidth=1.5, label=<\(label(Captions.network(n)))>]\n"
        }
        if !t.networks.isEmpty {
            out += "  { rank=same; " + t.networks.indices.map { "net\($0);" }.joined(separator: " ") + " }\n"
        }
        if !t.vms.isEmpty { out += "\n" }
        for (i, vm) in t.vms.enumerated() {
            let between = Palette.between(vm)
            var style = between ? ["filled"] : ["rounded", "filled"]
            if vm.state == .absent { style.append("dashed") }
            out += "  vm\(i) [shape=\(between ? "hexagon" : "box"), style=\"\(style.joined(separator: ","))\", fillcolor=\"\(Palette.fill(vm))\", color=\"\(Palette.border(vm))\", label=<\(label(Captions.vm(vm)))>]\n"
        }
        let index = Dictionary(t.networks.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        var first = true
        for (i, vm) in t.vms.enumerated() {
            for l in vm.links {
                guard let n = index[l.network] else { continue }
                if first { out += "\n"; first = false }
                // The tail is ranked above the head: routers above the networks, hosts below them.
                let ends = Palette.between(vm) ? "vm\(i) -- net\(n)" : "net\(n) -- vm\(i)"
                out += "  \(ends) [\(attributes(l).joined(separator: ", "))]\n"
            }
        }
        out += "}\n"
        return out
    }

    /// A node's label: its title bold, then one line per detail.
    static func label(_ caption: (title: String, details: [String])) -> String {
        (["<B>\(DOTEscaping.html(caption.title))</B>"] + caption.details.map(DOTEscaping.html)).joined(separator: "<BR/>")
    }

    static func attributes(_ l: Topology.Link) -> [String] {
        var attrs = ["label=<\(DOTEscaping.html(Captions.link(l)))>"]
        let style = [l.primary ? "bold" : nil, Palette.dashed(l) ? "dashed" : nil].compactMap { $0 }
        if !style.isEmpty { attrs.append("style=\"\(style.joined(separator: ","))\"") }
        if l.primary { attrs.append("penwidth=2") }
        if let colour = Palette.colour(l) { attrs += ["color=\"\(colour)\"", "fontcolor=\"\(colour)\""] }
        return attrs
    }
}
