/// One engine operation of an apply. The applier executes these and decides nothing.
public enum EngineOperation: Hashable, Sendable {
    case removeContainer(name: String, id: String)
    case removeNetwork(name: String, id: String)
    case createNetwork(DesiredNetwork)
    /// Create the container with its primary NIC, connect every further NIC in order, start it,
    /// then set its routes.
    case createVM(DesiredVM)
    /// Start a stopped VM, then set its routes.
    case startVM(DesiredVM, id: String?)
    /// Set a running VM's routes again (lost to a restart, or added to the manifest).
    case setRoutes(DesiredVM, id: String?)
    /// Apply a running router's policy (`vm.policy`) in place, removing the NAT addresses an
    /// earlier policy added and this one drops.
    case setPolicy(DesiredVM, id: String?, removing: [PolicyAddress])

    /// The engine object's name, for progress lines.
    public var objectName: String {
        switch self {
        case let .removeContainer(name, _), let .removeNetwork(name, _): return name
        case let .createNetwork(n): return n.dockerName
        case let .createVM(vm), let .startVM(vm, _), let .setRoutes(vm, _), let .setPolicy(vm, _, _): return vm.dockerName
        }
    }

    /// What it is to do, for reports of work not done: "create network", "remove vm", ...
    public var intent: String {
        switch self {
        case .removeContainer: return "remove vm"
        case .removeNetwork: return "remove network"
        case .createNetwork: return "create network"
        case .createVM: return "create vm"
        case .startVM: return "start vm"
        case .setRoutes: return "set routes of vm"
        case .setPolicy: return "set policy of vm"
        }
    }

    /// What it did, for progress lines: "created network", "removed vm", ...
    public var summary: String {
        switch self {
        case .removeContainer: return "removed vm"
        case .removeNetwork: return "removed network"
        case .createNetwork: return "created network"
        case .createVM: return "created vm"
        case .startVM: return "started vm"
        case .setRoutes: return "set routes of vm"
        case .setPolicy: return "set policy of vm"
        }
    }
}
