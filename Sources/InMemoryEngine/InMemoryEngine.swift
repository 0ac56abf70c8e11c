import Engine
import Foundation
import Plan

/// An engine held in memory, for fast tests of the applier's logic (never instead of the real
/// engine in end-to-end tests). It mimics what ENGINE.md measured on Docker 20.10: 409 for a taken
/// name, 403 for an overlapping subnet, and a missing network or a taken address failing only at
/// start. Thread-safe; counts calls and the most calls in flight at once.
public final class InMemoryEngine: ContainerEngine, @unchecked Sendable {
    /// Where it says it is, for messages (`memory://test` unless a test names several nodes apart).
    public let endpoint: String
    public let apiVersion: APIVersion
    public var cpus = 2
    /// What it tells the core it can do; by default Docker 20.10's NIC layout, NICs connected one
    /// at a time, and exact endpoint counts (a test sets what it needs, e.g. Podman's layout).
    public var capabilities: EngineCapabilities
    /// Holds chosen calls in flight until enough of them overlap (see `CallGate`): how a test
    /// makes operations run at once, or acts while they do, without counting on timing.
    public var gate: CallGate?
    /// Decides whether a call fails: return an error to fail it (before it has any effect).
    public var fault: (@Sendable (Call) -> EngineError?)?
    /// Runs just before a call takes effect, outside the engine's lock: a test makes an object
    /// appear here as a killed client's request would, finished by the engine after the next
    /// apply observed.
    public var beforeCall: (@Sendable (Call) -> Void)?
    /// What a command run inside a container gives (exit code, standard output), called outside
    /// the engine's lock; nil: every command fails as in an image without it (127, no output).
    public var commands: (@Sendable (_ container: Container, _ command: [String]) -> (exitCode: Int, output: String))?
    /// The tools its helper image lacks (none by default).
    public var helperLacks: [String] = []
    /// What a helper script prints in a container's namespace (`startHelper`, `runHelper`): a
    /// started helper has printed it all and ended. Nil: it prints nothing.
    public var helperScripts: (@Sendable (_ container: Container, _ script: String) -> String)?
    /// The helpers started and not yet removed: id to output.
    private var helpers: [String: String] = [:]

    private let lock = NSLock()
    private var networks: [Network] = []
    private var containers: [Container] = []
    private var images: Set<String>
    private var nextID = 1
    /// Added to every id it makes: engines standing for several nodes of one swarm give different
    /// ids, as real engines' random ones are.
    public var idBase = 0
    /// A swarm's manager, whose overlays this node's containers attach to (nil: its own networks).
    public var overlaysOf: InMemoryEngine?
    private var inFlight = 0
    /// The most calls in flight at once since the last `resetCalls()`.
    public private(set) var maxInFlight = 0
    /// The calls in flight now (a call is in flight from its start until a `gate` lets it go on).
    public var callsInFlight: Int { locked { inFlight } }
    public private(set) var calls: [Call] = []
    /// What a pull can fetch (in the engine's spelling, `busybox:latest`); anything else is refused as
    /// a registry refuses an unknown repository.
    public var registry: Set<String> = []
    /// Every reference pulled, in order.
    public private(set) var pulled: [String] = []

    public init(apiVersion: APIVersion = APIVersion(1, 41), layout: InterfaceLayout = .sortedByName, images: Set<String> = ["busybox:latest"],
                endpoint: String = "memory://test") {
        self.apiVersion = apiVersion
        self.endpoint = endpoint
        capabilities = EngineCapabilities(interfaceLayout: layout, forwardsBetweenNetworks: true, endpointsAtCreate: false,
                                          exactEndpointCount: true, imageNaming: .referenceDefaults, engineName: "in-memory engine")
        self.images = images
    }

    // MARK: - Test setup and inspection

    /// Adds a network directly (a foreign one, or drift).
    @discardableResult
    public func addNetwork(name: String, subnet: String, labels: [String: String] = [:]) -> String {
        locked {
            let id = newID()
            let s = try! IPv4Subnet.parse(subnet).get()
            networks.append(Network(id: id, name: name, labels: labels, subnet: s, gateway: s.firstHost, internal: false))
            return id
        }
    }

    /// Adds a container directly (a foreign one, or drift).
    @discardableResult
    public func addContainer(name: String, labels: [String: String] = [:], running: Bool = true,
                             endpoints: [(network: String, ip: String)] = []) -> String {
        locked {
            let id = newID()
            containers.append(Container(id: id, name: name, labels: labels, image: "busybox:latest", running: running,
                                        started: running, endpoints: endpoints))
            return id
        }
    }

    public var allNetworks: [Network] { locked { networks } }
    public var allContainers: [Container] { locked { containers } }

    public func container(named name: String) -> Container? { locked { containers.first { $0.name == name } } }

    /// Changes a container by hand, as a person with the docker CLI would.
    public func modifyContainer(named name: String, _ change: (inout Container) -> Void) {
        locked {
            if let i = containers.firstIndex(where: { $0.name == name }) { change(&containers[i]) }
        }
    }

    public func removeNetwork(named name: String) {
        locked { networks.removeAll { $0.name == name } }
    }

    public func resetCalls() {
        locked { calls = []; maxInFlight = 0 }
    }

    // MARK: - ContainerEngine

    public func inventory() throws -> EngineInventory {
        try record("inventory", "")
        return locked {
            EngineInventory(
                apiVersion: apiVersion.description, capabilities: capabilities, cpus: cpus,
                networks: networks.map { ObservedNetwork(id: $0.id, name: $0.name, labels: $0.labels, subnet: $0.subnet,
                                                         gateway: $0.gateway, internal: $0.internal) },
                containers: containers.map { c in
                    ObservedContainer(id: c.id, name: c.name, labels: c.labels, state: c.running ? .running : (c.started ? .exited : .created),
                                      image: c.image, endpoints: c.endpoints.map { ObservedEndpoint(network: $0.network, configuredIP: IPv4Address($0.ip), mac: nil) })
                },
                images: images)
        }
    }

    public func createNetwork(_ network: DesiredNetwork, labels: [KeyValue]) throws -> String {
        try record("createNetwork", network.dockerName)
        return try locked {
            if networks.contains(where: { $0.name == network.dockerName }) {
                throw EngineError.http(status: 409, message: "network with name \(network.dockerName) already exists", request: "POST /networks/create")
            }
            if networks.contains(where: { $0.subnet.overlaps(network.subnet) }) {
                throw EngineError.http(status: 403, message: "Pool overlaps with other one on this address space", request: "POST /networks/create")
            }
            let id = newID()
            // What the real engine is told: its gateway is the bridge's address, `Internal` only when unrouted.
            networks.append(Network(id: id, name: network.dockerName, labels: Self.dict(labels), subnet: network.subnet,
                                    gateway: network.engineGateway, internal: network.engineInternal))
            return id
        }
    }

    public func removeNetwork(id: String) throws {
        try record("removeNetwork", id)
        try locked {
            guard let n = networks.first(where: { $0.id == id }) else { return }
            if containers.contains(where: { c in c.running && c.endpoints.contains { $0.network == n.name } }) {
                throw EngineError.http(status: 403, message: "error while removing network: network \(n.name) id \(id) has active endpoints", request: "DELETE /networks")
            }
            networks.removeAll { $0.id == id }
        }
    }

    public func createContainer(_ vm: DesiredVM, range: DesiredRange, labels: [KeyValue], cpus: Int) throws -> String {
        try record("createContainer", vm.dockerName)
        return try locked {
            if containers.contains(where: { $0.name == vm.dockerName }) {
                throw EngineError.http(status: 409, message: "Conflict. The container name \"/\(vm.dockerName)\" is already in use", request: "POST /containers/create")
            }
            if !images.contains(capabilities.imageNaming.canonical(vm.image)) {
                throw EngineError.http(status: 404, message: "No such image: \(vm.image)", request: "POST /containers/create")
            }
            let id = newID()
            containers.append(Container(id: id, name: vm.dockerName, labels: Self.dict(labels), image: vm.image, running: false, started: false,
                                        endpoints: vm.interfaces.map { (range.engineNetwork(of: $0, on: vm), $0.ip.description) }))
            return id
        }
    }

    public func startContainer(id: String) throws {
        try record("startContainer", id)
        let overlays = overlaysOf.map { Set($0.allNetworks.map(\.name)) }
        try locked {
            guard let i = containers.firstIndex(where: { $0.id == id }) else {
                throw EngineError.http(status: 404, message: "No such container: \(id)", request: "POST /containers/start")
            }
            for e in containers[i].endpoints {
                guard overlays?.contains(e.network) ?? networks.contains(where: { $0.name == e.network }) else {
                    throw EngineError.http(status: 404, message: "network \(e.network) not found", request: "POST /containers/start")
                }
                let taken = containers.contains { other in
                    other.id != id && other.running && other.endpoints.contains { $0.network == e.network && $0.ip == e.ip }
                }
                if taken { throw EngineError.http(status: 403, message: "Address already in use", request: "POST /containers/start") }
            }
            containers[i].running = true
            containers[i].started = true
            containers[i].starts += 1
            containers[i].routes = []
            containers[i].policy = []
        }
    }

    /// A restart by hand: the VM's namespace is new, its routes are gone.
    public func restart(named name: String) {
        modifyContainer(named: name) { c in
            c.starts += 1
            c.routes = []
            c.policy = []
        }
    }

    /// The policy flushed by hand inside a router (`iptables -F` of rangectl's chains): its jumps
    /// and addresses stay, its rules are gone.
    public func flushPolicy(named name: String) {
        modifyContainer(named: name) { c in c.policy.removeAll { $0.hasPrefix("-A RANGECTL-") } }
    }

    public func setPolicy(_ vm: DesiredVM, containerID: String, range: DesiredRange, removing: [PolicyAddress]) throws {
        try record("setPolicy", vm.dockerName)
        guard let policy = vm.policy else { throw EngineError.unsupported("internal error: \(vm.hostname) has no policy to set") }
        try locked {
            guard images.contains(capabilities.imageNaming.canonical(range.helperImage)) else {
                throw EngineError.http(status: 404, message: "No such image: \(range.helperImage)", request: "POST /containers/create")
            }
            guard let i = containers.firstIndex(where: { $0.id == containerID }), containers[i].running else {
                throw EngineError.http(status: 409, message: "container \(containerID) is not running", request: "POST /containers/create")
            }
            containers[i].policy = policy.hookRules + policy.chainRules
                + policy.addresses.map { "9: \($0.interface)    inet \($0.ip)/32 scope global \($0.interface)" }
            let marker = PolicySetting.markerName(vm)
            containers.removeAll { $0.name == marker }
            containers.append(Container(id: newID(), name: marker,
                                        labels: Self.dict(PolicySetting.markerLabels(vm, policy, range: range, containerID: containerID,
                                                                                     startedAt: "start-\(containers[i].starts)")),
                                        image: range.helperImage, running: false, started: false, endpoints: []))
        }
    }

    public func readPolicy(containerID: String, helperImage: String, range: String) throws -> String {
        try record("readPolicy", containerID)
        return locked { containers.first { $0.id == containerID }?.policy.joined(separator: "\n") ?? "" }
    }

    public func missingHelperTools(_ tools: [String], range: DesiredRange, host: String?) throws -> [String] {
        try record("missingHelperTools", range.helperImage)
        return tools.filter(helperLacks.contains)
    }

    public func startHelper(script: String, in containerID: String, range: DesiredRange, owner: String) throws -> String {
        try record("startHelper", containerID)
        let output = helperOutput(of: script, in: containerID)
        return locked {
            let id = newID()
            helpers[id] = output
            return id
        }
    }

    public func helperOutput(id: String) throws -> (text: String, ended: Bool) {
        try record("helperOutput", id)
        return locked { (helpers[id] ?? "", true) }
    }

    public func runHelper(script: String, in containerID: String, range: DesiredRange, owner: String) throws -> (status: Int, output: String) {
        try record("runHelper", containerID)
        return (0, helperOutput(of: script, in: containerID))
    }

    /// What `helperScripts` says `script` prints in the container (called outside the lock).
    private func helperOutput(of script: String, in id: String) -> String {
        guard let helperScripts, let container = locked({ containers.first { $0.id == id } }) else { return "" }
        return helperScripts(container, script)
    }

    /// The helpers started and not removed (a run that removes what it starts leaves none).
    public var helperCount: Int { locked { helpers.count } }

    public func startedAt(container id: String) throws -> String {
        try record("startedAt", id)
        return locked { containers.first { $0.id == id }.map { "start-\($0.starts)" } ?? "" }
    }

    public func claimLock(name: String, labels: [KeyValue]) throws -> (id: String, labels: [String: String]) {
        try record("claimLock", name)
        return locked {
            if let held = containers.first(where: { $0.name == name }) { return (held.id, held.labels) }
            let id = newID()
            containers.append(Container(id: id, name: name, labels: Self.dict(labels), image: "busybox:latest",
                                        running: false, started: false, endpoints: []))
            return (id, Self.dict(labels))
        }
    }

    public func releaseLock(id: String) throws {
        try record("releaseLock", id)
        locked { containers.removeAll { $0.id == id } }
    }

    public func pullImage(_ reference: String, host: String?) throws {
        try record("pullImage", reference)
        let image = capabilities.imageNaming.canonical(reference)
        try locked {
            guard registry.contains(image) else {
                throw EngineError.unsupported("pulling \(reference): pull access denied, repository does not exist or may require authorization")
            }
            images.insert(image)
            pulled.append(reference)
        }
    }

    public func readRoutes(containerID: String, range: DesiredRange) throws -> String {
        try record("readRoutes", containerID)
        return locked { containers.first { $0.id == containerID }?.routes.joined(separator: "\n") ?? "" }
    }

    public func setRoutes(_ vm: DesiredVM, containerID: String, range: DesiredRange) throws {
        try record("setRoutes", vm.dockerName)
        try locked {
            guard images.contains(capabilities.imageNaming.canonical(range.helperImage)) else {
                throw EngineError.http(status: 404, message: "No such image: \(range.helperImage)", request: "POST /containers/create")
            }
            guard let i = containers.firstIndex(where: { $0.id == containerID }), containers[i].running else {
                throw EngineError.http(status: 409, message: "container \(containerID) is not running", request: "POST /containers/create")
            }
            containers[i].routes = vm.routes.map(\.description)
            let started = "start-\(containers[i].starts)"
            let marker = RouteSetting.markerName(vm)
            containers.removeAll { $0.name == marker }
            containers.append(Container(id: newID(), name: marker,
                                        labels: Self.dict(RouteSetting.markerLabels(vm, range: range, containerID: containerID, startedAt: started)),
                                        image: range.helperImage, running: false, started: false, endpoints: []))
        }
    }

    public func removeContainer(id: String) throws {
        try record("removeContainer", id)
        locked {
            containers.removeAll { $0.id == id }
            helpers[id] = nil
        }
    }

    public func exec(container id: String, command: [String]) throws -> (exitCode: Int, output: String) {
        try record("exec", id)
        return run(command, in: id)
    }

    public func execOutput(container id: String, command: [String]) throws -> String {
        try record("execOutput", id)
        return run(command, in: id).output
    }

    /// When false, `readNamespaces` fails as on an engine whose helper cannot enter namespaces.
    public var namespaceReader = true

    /// One call for the whole range: each running container's output of `script` as
    /// `helperScripts` says the helper prints it in that container's namespace.
    public func readNamespaces(_ containerIDs: [String], script: String, range: DesiredRange) throws -> [String: String] {
        try record("readNamespaces", containerIDs.joined(separator: ","))
        guard namespaceReader else { throw EngineError.unsupported("this engine's helper cannot enter other namespaces") }
        var out: [String: String] = [:]
        for id in containerIDs where locked({ containers.first { $0.id == id }?.running }) == true {
            out[id] = helperOutput(of: script, in: id)
        }
        return out
    }

    /// What `commands` says the command gives in this container; (127, "") without it.
    private func run(_ command: [String], in id: String) -> (exitCode: Int, output: String) {
        guard let commands, let container = locked({ containers.first { $0.id == id } }) else { return (127, "") }
        return commands(container, command)
    }

    // MARK: - Internals

    private func record(_ name: String, _ target: String) throws {
        let call = Call(name: name, target: target)
        beforeCall?(call)
        let (injected, gate): (EngineError?, CallGate?) = locked {
            calls.append(call)
            inFlight += 1
            maxInFlight = max(maxInFlight, inFlight)
            return (fault?(call), self.gate)
        }
        gate?.pass(call)
        locked { inFlight -= 1 }
        if let injected { throw injected }
    }

    private func newID() -> String {
        defer { nextID += 1 }
        return String(format: "%064llx", UInt64(idBase + nextID))
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    static func dict(_ pairs: [KeyValue]) -> [String: String] {
        Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { _, b in b })
    }
}
