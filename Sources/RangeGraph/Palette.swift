/// The colours and shapes of the picture, the same in every format, so that DOT and Mermaid tell
/// the same things the same way.
enum Palette {
    static let ink = "#555555"
    static let networkFill = "#dbe9f6"
    static let networkBorder = "#4a78a8"
    static let internalFill = "#eeeeee"
    static let internalBorder = "#777777"
    static let hostFill = "#f5f5f5"
    static let routerFill = "#efe3f7"
    static let routerBorder = "#6a1b9a"
    static let drift = "#c62828"
    static let faded = "#9e9e9e"

    /// A VM's fill: its state's colour when live, else its role's.
    static func fill(_ vm: Topology.VM) -> String {
        vm.state.map(fill) ?? (vm.role == .host ? hostFill : routerFill)
    }

    /// The fill of a VM in this state.
    static func fill(_ state: Topology.State) -> String {
        switch state {
        case .running: return "#dcf2dc"
        case .stopped: return "#fff1cc"
        case .absent: return "#ffffff"
        case .other: return "#fde0c8"
        }
    }

    /// A VM's border.
    static func border(_ vm: Topology.VM) -> String {
        vm.role == .host ? ink : routerBorder
    }

    /// Whether a VM is drawn between the segments it joins (above the networks) rather than below.
    static func between(_ vm: Topology.VM) -> Bool {
        switch vm.role {
        case .host: return false
        case .router, .forwarder: return true
        }
    }

    /// A link's colour when it is not the default ink: drift red, a link to an absent VM faded,
    /// a gateway link in the router colour.
    static func colour(_ l: Topology.Link) -> String? {
        switch l.state {
        case .drifted, .notConnected, .unplanned: return drift
        case .vmAbsent: return faded
        case .planned, .asPlanned: return l.gateway ? routerBorder : nil
        }
    }

    /// Whether a link is drawn dashed: it is not there as a connection on the engine.
    static func dashed(_ l: Topology.Link) -> Bool {
        switch l.state {
        case .notConnected, .vmAbsent, .unplanned: return true
        case .planned, .asPlanned, .drifted: return false
        }
    }
}
