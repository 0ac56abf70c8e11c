import Engine
import Foundation
import Plan

/// One range over several engines that are nodes of one swarm (`--engine NAME=URL`, repeated):
/// networks are attachable overlays created through the manager, each VM a plain container
/// created, connected and started through the engine of the node it is placed on (`DesiredVM.host`),
/// the lock on the manager. The core sees one engine: one inventory with every node's containers,
/// each with its `host`; every call on a container goes to the node that holds it.
public final class ClusterEngine: ContainerEngine, @unchecked Sendable {
    public struct Node: Sendable {
        public var name: String
        public var engine: any ContainerEngine

        public init(name: String, engine: any ContainerEngine) {
            self.name = name
            self.engine = engine
        }
    }

    /// Every node, by name.
    public let nodes: [Node]
    /// The node whose engine creates and removes networks and holds the lock.
    public let manager: Node
    public let endpoint: String
    public let apiVersion: APIVersion
    private let byName: [String: Int]
    /// Which node holds each container rangectl has seen or made (ids are unique across nodes).
    private var holder: [String: Int] = [:]
    private let lock = NSLock()

    /// `nodes` in any order (kept sorted by name); `manager` names one of them.
    public init(nodes: [Node], manager: String) {
        self.nodes = nodes.sorted { $0.name < $1.name }
        byName = Dictionary(uniqueKeysWithValues: self.nodes.enumerated().map { ($1.name, $0) })
        self.manager = self.nodes[byName[manager] ?? 0]
        endpoint = self.nodes.map { "\($0.name)=\($0.engine.endpoint)" }.joined(separator: ",")
        apiVersion = self.nodes.map(\.engine.apiVersion).min() ?? APIVersion(1, 41)
    }

    /// The node names, sorted: what placement hashes over.
    public var hostNames: [String] { nodes.map(\.name) }

    // MARK: - Observe

    /// Networks from the manager (a worker lists an overlay only while one of its containers is
    /// attached), containers and images from every node, each container with its node's name.
    /// The nodes are read one after the other: a snapshot per node, in node order.
    public func inventory() throws -> EngineInventory {
        let managerInventory = try manager.engine.inventory()
        var containers: [ObservedContainer] = []
        var imagesByHost: [String: Set<String>] = [:]
        var cpus = managerInventory.cpus
        var seen: [String: Int] = [:]
        for (k, node) in nodes.enumerated() {
            let inventory = node.name == manager.name ? managerInventory : try node.engine.inventory()
            try Self.requireSameBehaviour(inventory.capabilities, on: node.name, as: managerInventory.capabilities, of: manager.name)
            for var c in inventory.containers {
                c.host = node.name
                seen[c.id] = k
                containers.append(c)
            }
            imagesByHost[node.name] = inventory.images
            cpus = min(cpus, inventory.cpus)
        }
        lock.lock()
        holder.merge(seen) { $1 }
        lock.unlock()
        var capabilities = managerInventory.capabilities
        capabilities.engineName = "a swarm of \(nodes.count) engines (\(managerInventory.capabilities.engineName) on \(manager.name))"
        // Measured (SwarmPolicyEndToEndTests): a NAT address the router holds gets no answer from
        // another node; the overlays' neighbour entries are the swarm's own.
        capabilities.reachesAddedAddresses = false
        var inventory = EngineInventory(apiVersion: apiVersion.description, capabilities: capabilities, cpus: cpus,
                                        networks: managerInventory.networks, containers: containers,
                                        images: imagesByHost.values.reduce(into: Set<String>()) { $0.formUnion($1) })
        inventory.imagesByHost = imagesByHost
        return inventory
    }

    /// The plan is made for one engine behaviour (NIC order, endpoints at create, exact endpoint
    /// counts, forwarding, image names): a node whose engine behaves otherwise than the manager's
    /// (another Docker release on it) is refused before anything is planned, naming both.
    static func requireSameBehaviour(_ node: EngineCapabilities, on name: String, as manager: EngineCapabilities, of managerName: String) throws {
        var a = node, b = manager
        a.engineName = ""
        b.engineName = ""
        guard a != b else { return }
        throw EngineError.unsupported("the swarm's nodes behave differently: node \(name) runs \(node.engineName) and the manager \(managerName) \(manager.engineName); one range plans one engine behaviour for every node, so run the same engine release on each")
    }

    // MARK: - Networks and the lock: through the manager

    public func createNetwork(_ network: DesiredNetwork, labels: [KeyValue]) throws -> String {
        try manager.engine.createNetwork(network, labels: labels)
    }

    public func removeNetwork(id: String) throws { try manager.engine.removeNetwork(id: id) }

    public func claimLock(name: String, labels: [KeyValue]) throws -> (id: String, labels: [String: String]) {
        try manager.engine.claimLock(name: name, labels: labels)
    }

    public func releaseLock(id: String) throws { try manager.engine.releaseLock(id: id) }

    /// On the node that needs the image (each node has its own images); the manager when unnamed.
    public func pullImage(_ reference: String, host: String?) throws {
        let node = host.flatMap { byName[$0] }.map { nodes[$0] } ?? manager
        try node.engine.pullImage(reference, host: nil)
    }

    // MARK: - Containers: on their node

    public func createContainer(_ vm: DesiredVM, range: DesiredRange, labels: [KeyValue], cpus: Int) throws -> String {
        guard let host = vm.host, let k = byName[host] else {
            throw EngineError.unsupported("vm \(vm.hostname) is placed on \(vm.host.map { "'\($0)'" } ?? "no node"), which is not one of the engines given (\(hostNames.joined(separator: ", ")))")
        }
        let id = try nodes[k].engine.createContainer(vm, range: range, labels: labels, cpus: cpus)
        lock.lock()
        holder[id] = k
        lock.unlock()
        return id
    }

    public func startContainer(id: String) throws { try node(holding: id).startContainer(id: id) }
    public func removeContainer(id: String) throws { try node(holding: id).removeContainer(id: id) }

    public func exec(container id: String, command: [String]) throws -> (exitCode: Int, output: String) {
        try node(holding: id).exec(container: id, command: command)
    }

    public func execOutput(container id: String, command: [String]) throws -> String {
        try node(holding: id).execOutput(container: id, command: command)
    }

    public func startedAt(container id: String) throws -> String { try node(holding: id).startedAt(container: id) }

    public func setRoutes(_ vm: DesiredVM, containerID: String, range: DesiredRange) throws {
        try node(holding: containerID).setRoutes(vm, containerID: containerID, range: range)
    }

    public func readRoutes(containerID: String, range: DesiredRange) throws -> String {
        try node(holding: containerID).readRoutes(containerID: containerID, range: range)
    }

    public func setPolicy(_ vm: DesiredVM, containerID: String, range: DesiredRange, removing: [PolicyAddress]) throws {
        try node(holding: containerID).setPolicy(vm, containerID: containerID, range: range, removing: removing)
    }

    public func readPolicy(containerID: String, helperImage: String, range: String) throws -> String {
        try node(holding: containerID).readPolicy(containerID: containerID, helperImage: helperImage, range: range)
    }

    public func startHelper(script: String, in containerID: String, range: DesiredRange, owner: String) throws -> String {
        lock.lock()
        let k = holder[containerID]
        lock.unlock()
        let id = try node(holding: containerID).startHelper(script: script, in: containerID, range: range, owner: owner)
        lock.lock()
        holder[id] = k
        lock.unlock()
        return id
    }

    public func helperOutput(id: String) throws -> (text: String, ended: Bool) { try node(holding: id).helperOutput(id: id) }

    /// One helper on each node that holds some of the containers, one node after another. A node
    /// whose helper cannot run leaves its containers out (they are then read on their own).
    public func readNamespaces(_ containerIDs: [String], script: String, range: DesiredRange) throws -> [String: String] {
        lock.lock()
        var byNode: [Int: [String]] = [:]
        for id in containerIDs { if let k = holder[id] { byNode[k, default: []].append(id) } }
        lock.unlock()
        var out: [String: String] = [:]
        for k in byNode.keys.sorted() {
            guard let read = try? nodes[k].engine.readNamespaces(byNode[k]!, script: script, range: range) else { continue }
            out.merge(read) { a, _ in a }
        }
        return out
    }

    public func runHelper(script: String, in containerID: String, range: DesiredRange, owner: String) throws -> (status: Int, output: String) {
        try node(holding: containerID).runHelper(script: script, in: containerID, range: range, owner: owner)
    }

    public func missingHelperTools(_ tools: [String], range: DesiredRange, host: String?) throws -> [String] {
        let node = host.flatMap { byName[$0] }.map { nodes[$0] } ?? manager
        return try node.engine.missingHelperTools(tools, range: range, host: nil)
    }

    /// The engine of the node that holds a container; every id the applier names came from an
    /// inventory or a create of this engine.
    private func node(holding id: String) throws -> any ContainerEngine {
        lock.lock()
        let k = holder[id]
        lock.unlock()
        guard let k else { throw EngineError.unsupported("container \(id) is on none of the swarm's nodes rangectl read") }
        return nodes[k].engine
    }
}
