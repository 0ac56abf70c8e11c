import Engine
import Foundation
import Synchronization
import Plan
import RangeDiagnostics

/// The Docker Engine API over libcurl: the only network I/O of rangectl.
public final class DockerEngine: ContainerEngine, @unchecked Sendable {
    /// The newest API version this rangectl knows; newer engines are spoken to at this version.
    public static let newestKnown = APIVersion(1, 54)
    /// The oldest API version rangectl supports (Docker 20.10).
    public static let oldestSupported = APIVersion(1, 41)

    public let endpoint: String
    public let apiVersion: APIVersion
    /// What `apiVersion` changes in what is sent.
    public let features: DockerAPIFeatures
    /// True for Podman's Docker-compatible API (`podman system service`).
    public let isPodman: Bool
    /// What the core is told this engine can do (from `features`: one derivation of those facts).
    public let capabilities: EngineCapabilities
    let requests: DockerRequests
    let transport: any EngineTransport
    let prefix: String
    /// Engine calls made, for the benchmark's report.
    let counter = CallCounter()
    /// What the waits between tries of a network removal are asked of.
    let clock: any EngineClock
    /// On a swarm: the NICs of containers created by this process, to connect once started.
    private let pending = Mutex<[String: [(network: String, body: JSONValue)]]>([:])

    /// Connects and negotiates the API version (`Negotiation`): min(engine, newest known),
    /// refused below what rangectl supports.
    /// `overlay`: the engine is a node of a swarm, whose range networks are attachable overlays.
    public convenience init(endpoint: DockerEndpoint, overlay: Bool = false, clock: any EngineClock = SystemClock()) throws {
        try self.init(endpoint: endpoint.text, transport: CurlTransport(endpoint: endpoint), overlay: overlay, clock: clock)
    }

    /// The same over any transport (the tests' recording one); `endpoint` names it in messages.
    init(endpoint: String, transport: any EngineTransport, overlay: Bool = false, clock: any EngineClock = SystemClock()) throws {
        self.endpoint = endpoint
        self.transport = transport
        self.clock = clock
        let agreed = try Negotiation.negotiate(endpoint: endpoint, transport: transport, counter: counter)
        apiVersion = agreed.version
        isPodman = agreed.podman
        features = DockerAPIFeatures(agreed.version, podman: agreed.podman)
        capabilities = features.capabilities(engineName: agreed.engineName)
        requests = DockerRequests(features: features, overlay: overlay)
        prefix = "/v\(agreed.version)"
    }

    public var calls: Int { counter.value }

    // MARK: - Observe

    /// The four lists an inventory is made of, each one round trip that does not depend on the
    /// others (Podman takes 0.1 to 0.4 s for each, measured on 4.3): asked at once.
    private enum Listing: Sendable {
        case info(InfoResponse), networks([NetworkResponse]), containers([ContainerSummary]), images([ImageSummary])
    }

    public func inventory() throws -> EngineInventory {
        let reads: [@Sendable () throws -> Listing] = [
            { .info(try self.get("/info")) }, { .networks(try self.get("/networks")) },
            { .containers(try self.get("/containers/json?all=1")) }, { .images(try self.get("/images/json")) },
        ]
        let listed = Concurrent.map(reads, width: reads.count) { read in Result<Listing, any Error> { try read() } }
        var info: InfoResponse?, networks: [NetworkResponse] = [], containers: [ContainerSummary] = [], images: [ImageSummary] = []
        for result in listed {
            switch try result.get() {
            case let .info(i): info = i
            case let .networks(n): networks = n
            case let .containers(c): containers = c
            case let .images(i): images = i
            }
        }
        // Podman lists names fully qualified (`docker.io/library/busybox:latest`), Docker short:
        // both go through the normalisation the manifest's names get, so the two sides compare.
        var present: Set<String> = []
        for i in images {
            for tag in i.RepoTags ?? [] where tag != "<none>:<none>" { present.insert(capabilities.imageNaming.canonical(tag)) }
            for digest in i.RepoDigests ?? [] where !digest.hasPrefix("<none>") { present.insert(capabilities.imageNaming.canonical(digest)) }
        }
        return EngineInventory(
            apiVersion: apiVersion.description,
            capabilities: capabilities,
            cpus: max(1, info?.NCPU ?? 1),
            networks: networks.map { n in
                let config = n.IPAM?.Config?.first
                return ObservedNetwork(id: n.Id, name: n.Name, labels: n.Labels ?? [:],
                                       subnet: config?.Subnet.flatMap { try? IPv4Subnet.parse($0, allowedPrefixes: 0...32).get() },
                                       gateway: config?.Gateway.flatMap(IPv4Address.init), internal: n.Internal ?? false)
            },
            containers: containers.map { c in
                let name = (c.Names?.first ?? c.Id).drop { $0 == "/" }
                let labels = c.Labels ?? [:]
                let endpoints = (c.NetworkSettings?.Networks ?? [:]).map { net, e in
                    let runtime = e.IPAddress.flatMap(IPv4Address.init)
                    return ObservedEndpoint(network: net, configuredIP: e.IPAMConfig?.IPv4Address.flatMap(IPv4Address.init)
                                                ?? (isPodman ? Self.podmanAddress(network: net, runtime: runtime, labels: labels) : nil),
                                            mac: e.MacAddress.flatMap { $0.isEmpty ? nil : $0 }, runtimeIP: runtime)
                }
                return ObservedContainer(id: c.Id, name: String(name), labels: labels, state: ContainerState(engineWord: c.State ?? "unknown"),
                                         image: c.Image ?? "", endpoints: endpoints)
            },
            images: present)
    }

    /// Podman's compatible API never reports an endpoint's configured address (`IPAMConfig` is
    /// null, measured on 4.3): a running container's is the address it holds; a stopped one's is
    /// the one rangectl gave it, from its interfaces label (by hand changes to a stopped
    /// container's addresses cannot be seen on Podman).
    static func podmanAddress(network: String, runtime: IPv4Address?, labels: [String: String]) -> IPv4Address? {
        if let runtime { return runtime }
        guard let prefix = RangeLabels.enginePrefix(labels) else { return nil }
        return SpecEncoding.interfaces(label: labels[RangeLabels.interfaces] ?? "").first { EngineNames.object(prefix, $0.network) == network }
            .flatMap { IPv4Address($0.ip) }
    }

    // MARK: - Swarm

    /// This engine's place in a swarm, from `GET /info` (and a manager's `GET /nodes`).
    public func swarmMembership() throws -> SwarmMembership {
        let info: InfoResponse = try get("/info")
        let swarm = info.Swarm
        let manager = swarm?.ControlAvailable ?? false
        var members: Set<String> = []
        if manager && swarm?.LocalNodeState == "active" {
            let nodes: [NodeSummary] = try get("/nodes")
            members = Set(nodes.map(\.ID))
        }
        return SwarmMembership(nodeID: swarm?.NodeID ?? "", state: swarm?.LocalNodeState ?? "inactive", isManager: manager,
                               clusterID: swarm?.Cluster?.ID, members: members, hostname: info.Name ?? "")
    }

    // MARK: - Networks

    /// Creates a network; its body is `DockerRequests.createNetwork` (a routed network's gateway
    /// at `bridge_ip`, and no NAT instead of the engine's `Internal` flag).
    public func createNetwork(_ network: DesiredNetwork, labels: [KeyValue]) throws -> String {
        let created: IdResponse = try post("/networks/create", requests.createNetwork(network, labels: labels))
        return created.Id
    }

    /// Removes a network. Docker 20.10 sometimes still counts an endpoint of a container that was
    /// just force-removed (moby#42119): the refusal changed nothing, so the removal is tried again a
    /// few times (about 4 s in all) before the error is reported with its remedy.
    public func removeNetwork(id: String) throws {
        var delay = 0.25
        while true {
            do {
                try call("DELETE", "/networks/\(id)", allow: [404])
                return
            } catch let EngineError.http(status, message, request) where status == 403 && message.contains("active endpoints") {
                guard delay <= 2 else {
                    throw EngineError.http(status: status, message: message + "; if no container uses it any more, the engine kept a stale endpoint (a known Docker bug): restart dockerd and run the command again", request: request)
                }
                clock.sleep(delay)
                delay *= 2
            } catch let EngineError.http(status, message, _) where status == 400 && message.contains("is in use by task") && delay <= 4 {
                // A swarm manager releases the attachments of containers just removed on their
                // nodes a moment later (measured on 28.5: "network ... is in use by task ...").
                clock.sleep(delay)
                delay *= 2
            }
        }
    }

    // MARK: - Containers

    public func createContainer(_ vm: DesiredVM, range: DesiredRange, labels: [KeyValue], cpus: Int) throws -> String {
        let name = vm.dockerName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? vm.dockerName
        let created: IdResponse = try post("/containers/create?name=\(name)", requests.createContainer(vm, range: range, labels: labels, cpus: cpus))
        // Older engines take one endpoint at create: connect the others in manifest order, before
        // start; on a swarm's overlays right after start (see `DockerRequests.interfacesAtCreate`).
        let connects = requests.connects(vm, range: range, containerID: created.Id)
        if requests.overlay {
            pending.withLock { $0[created.Id] = connects }
        } else {
            for connect in connects { try call("POST", "/networks/\(connect.network)/connect", body: connect.body) }
        }
        return created.Id
    }

    /// Starts a container (and, on a swarm, connects the NICs its create left for after start). Podman (netavark) reserves a start's addresses in its IPAM database
    /// before it records the start: killed in between, it keeps the container's own addresses
    /// reserved for it, and every later start of any container on them fails. No API call frees
    /// them: not removing the container, nor the network (its reservations are kept by network
    /// name); the database lives on tmpfs (measured on 4.3; containers/podman#15708). The error
    /// then says so and what to do.
    public func startContainer(id: String) throws {
        do {
            try askingAgainForAnAttachment { _ in try call("POST", "/containers/\(id)/start", allow: [304]) }
            for connect in pending.withLock({ $0.removeValue(forKey: id) }) ?? [] {
                try askingAgainForAnAttachment { again in
                    let response = try send("POST", "/networks/\(connect.network)/connect", body: connect.body)
                    if (200..<300).contains(response.status) { return }
                    // Asked again, an attachment the first ask made after all is there: done.
                    let failure = error(response, "POST /networks/\(connect.network)/connect")
                    if again, response.status == 403, case let .http(_, message, _) = failure, message.contains("already exists") { return }
                    throw failure
                }
            }
        } catch let EngineError.http(status, message, request) where Self.isStaleOwnAllocation(message, containerID: id) {
            throw EngineError.http(status: status, message: message + "; the engine kept this address reserved for this very container from a start it lost when it was killed, and no API call frees it (Podman keeps such reservations until its IPAM database is cleared): restart the host, or stop every Podman container and remove /run/containers/networks/ipam.db, then apply again", request: request)
        }
    }

    /// On a swarm a node asks the manager for each overlay attachment of a start or connect and
    /// gives up after 20 s: 500 "attaching to network failed ... context deadline exceeded" (seen on
    /// 28.5 with the manager's cores busy with other work). The container stays as it was, created
    /// or running without that NIC, so the same call is sent again, twice at most, after 1 s and
    /// 2 s; `body` is told whether it is a second ask. Elsewhere the error is reported at once.
    func askingAgainForAnAttachment(_ body: (_ again: Bool) throws -> Void) throws {
        var waits: [TimeInterval] = requests.overlay ? [1, 2] : []
        var again = false
        while true {
            do {
                return try body(again)
            } catch let EngineError.http(500, message, _) where !waits.isEmpty && message.contains("attaching to network failed") {
                clock.sleep(waits.removeFirst())
                again = true
            }
        }
    }

    /// Whether an IPAM refusal names the container being started as the holder of the address.
    static func isStaleOwnAllocation(_ message: String, containerID: String) -> Bool {
        guard let holder = message.range(of: "is already allocated to container ID ") else { return false }
        let id = message[holder.upperBound...].prefix { $0.isHexDigit }
        return id.count >= 12 && (containerID.hasPrefix(id) || id.hasPrefix(containerID))
    }

    /// Removes a container (running or not). Before API 1.49 removals of containers on one network
    /// must not overlap (see `capabilities`): the plan's graph orders them, this call does not.
    public func removeContainer(id: String) throws {
        try call("DELETE", "/containers/\(id)?force=true&v=true", allow: [404])
    }

    public func exec(container id: String, command: [String]) throws -> (exitCode: Int, output: String) {
        let (execID, output) = try runExec(command, in: id)
        let inspect: ExecInspect = try get("/exec/\(execID)/json")
        return (inspect.ExitCode ?? -1, output)
    }

    /// Two calls: the start's answer is the output and carries no exit code (measured on 28.5: a
    /// missing program gives 200 and the runtime's message on standard output; 127 only in the inspect).
    public func execOutput(container id: String, command: [String]) throws -> String {
        try runExec(command, in: id).output
    }

    /// Creates an exec and starts it attached; returns its id and standard output once it ended.
    func runExec(_ command: [String], in id: String) throws -> (id: String, output: String) {
        let created: IdResponse = try post("/containers/\(id)/exec", requests.execCreate(command))
        let response = try send("POST", "/exec/\(created.Id)/start", body: requests.execStart())
        guard response.status == 200 else { throw error(response, "POST /exec/start") }
        return (created.Id, Self.demultiplex(response.body))
    }

    public func startedAt(container id: String) throws -> String {
        let inspect: ContainerInspect = try get("/containers/\(id)/json")
        return inspect.State?.StartedAt ?? ""
    }

    public func claimLock(name: String, labels: [KeyValue]) throws -> (id: String, labels: [String: String]) {
        // The lock never runs: any local image will do for it.
        let images: [ImageID] = try get("/images/json")
        guard let image = images.map(\.Id).sorted().first else {
            throw EngineError.unsupported("the engine has no image at all, so the range lock cannot be created")
        }
        while true {
            let response = try send("POST", "/containers/create?name=\(name)", body: requests.lock(image: image, labels: labels))
            switch response.status {
            case 201:
                let created: IdResponse = try decode(response, "POST /containers/create")
                return (created.Id, Dictionary(labels.map { ($0.key, $0.value) }, uniquingKeysWith: { _, b in b }))
            case 409:
                let held = try send("GET", "/containers/\(name)/json")
                if held.status == 404 { continue }   // released between our two calls: claim again
                guard held.status == 200 else { throw error(held, "GET /containers/\(name)/json") }
                let lock: LockInspect = try decode(held, "GET /containers/\(name)/json")
                return (lock.Id, lock.Config?.Labels ?? [:])
            default:
                throw error(response, "POST /containers/create")
            }
        }
    }

    /// `POST /images/create`: the engine answers 200 at once and then streams JSON progress lines;
    /// a failure partway (an unknown tag, a refused login) is a line with `error`, still under 200.
    /// A reference without a tag or digest gets `:latest` (without one the engine pulls every tag).
    public func pullImage(_ reference: String, host: String?) throws {
        let last = reference.split(separator: "/").last ?? ""
        let full = last.contains(":") || last.contains("@") ? reference : reference + ":latest"
        let query = full.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? full
        let response = try send("POST", "/images/create?fromImage=\(query)", timeout: 3600)
        guard (200..<300).contains(response.status) else { throw error(response, "POST /images/create") }
        for line in response.body.split(separator: UInt8(ascii: "\n")) {
            guard case let .object(fields)? = JSONValue.parse(String(decoding: line, as: UTF8.self)),
                  case let .string(message)? = fields.first(where: { $0.0 == "error" })?.1 else { continue }
            throw EngineError.unsupported("pulling \(full): \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    public func releaseLock(id: String) throws {
        try call("DELETE", "/containers/\(id)?force=true", allow: [404])
    }

}

/// A thread-safe count of engine calls.
final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
