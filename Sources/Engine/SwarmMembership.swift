/// Where an engine stands in a swarm (Docker's `GET /info` `Swarm`, and a manager's node list):
/// what the preflight of a range over several engines checks before anything changes.
public struct SwarmMembership: Hashable, Sendable {
    /// The swarm's id of this node ("" outside a swarm).
    public var nodeID: String
    /// `active` for a node of a swarm; `inactive`, `pending`, `error` or `locked` otherwise.
    public var state: String
    /// Whether this node is a manager (`ControlAvailable`).
    public var isManager: Bool
    /// The cluster's id, which only managers report.
    public var clusterID: String?
    /// The node ids a manager knows (empty on a worker).
    public var members: Set<String>
    /// The host name the engine reports, for messages.
    public var hostname: String

    public init(nodeID: String, state: String, isManager: Bool, clusterID: String?, members: Set<String>, hostname: String) {
        self.nodeID = nodeID
        self.state = state
        self.isManager = isManager
        self.clusterID = clusterID
        self.members = members
        self.hostname = hostname
    }

    public var isActive: Bool { state == "active" && !nodeID.isEmpty }
}

/// The check of several engines as one swarm: each an active node, at least one manager, every
/// manager of one cluster, every node known to the first manager. The problems, each naming its
/// engine (nil: they are one swarm, managed by `manager`).
public enum SwarmCheck {
    public struct Problem: Hashable, Sendable {
        public var engine: String
        public var message: String
    }

    /// `members`: name and membership of each engine, in the order given.
    public static func check(_ members: [(name: String, membership: SwarmMembership)]) -> (manager: String?, problems: [Problem]) {
        var problems: [Problem] = []
        for m in members where !m.membership.isActive {
            problems.append(Problem(engine: m.name, message: "engine '\(m.name)' is not an active node of a swarm (its swarm state is \(m.membership.state)); run `docker swarm init` or `docker swarm join` there"))
        }
        let active = members.filter { $0.membership.isActive }
        let managers = active.filter { $0.membership.isManager }.sorted { $0.name < $1.name }
        guard let first = managers.first else {
            if !active.isEmpty {
                problems.append(Problem(engine: active[0].name, message: "none of the engines given is a manager of the swarm (engines: \(members.map(\.name).joined(separator: ", "))); give at least one manager's engine"))
            }
            return (nil, problems)
        }
        for m in managers.dropFirst() where m.membership.clusterID != first.membership.clusterID {
            problems.append(Problem(engine: m.name, message: "engine '\(m.name)' is a manager of another swarm (cluster \(m.membership.clusterID ?? "unknown")) than '\(first.name)' (cluster \(first.membership.clusterID ?? "unknown"))"))
        }
        for m in active where !m.membership.isManager && !first.membership.members.contains(m.membership.nodeID) {
            problems.append(Problem(engine: m.name, message: "engine '\(m.name)' is a node of another swarm than '\(first.name)' (its node \(m.membership.nodeID) is not among that manager's nodes)"))
        }
        return (problems.isEmpty ? first.name : nil, problems)
    }
}
