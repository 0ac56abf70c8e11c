/// One engine operation of an apply. The applier executes these and decides nothing.
public enum EngineOperation: Hashable, Sendable {
    case removeContainer(name: String, id: String)
    case removeNetwork(name: String, id: String)
    case createNetwork(DesiredNetwork)
    /// Create the container with its primary NIC, connect every further NIC in order, start it.
    case createVM(DesiredVM)
    case startVM(name: String, id: String)

    /// The engine object's name, for progress lines.
    public var objectName: String {
        switch self {
        case let .removeContainer(name, _), let .removeNetwork(name, _), let .startVM(name, _): return name
        case let .createNetwork(n): return n.dockerName
        case let .createVM(vm): return vm.dockerName
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
        }
    }
}
