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
    private let requests: DockerRequests
    let transport: any EngineTransport
    private let prefix: String
    /// Engine calls made, for the benchmark's report.
    private let counter = CallCounter()
    /// What the waits between tries of a network removal are asked of.
    private let clock: any EngineClock
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
        let paths = ["/info", "/networks", "/containers/json?all=1", "/images/json"]
        let listed = Concurrent.map(paths, width: paths.count) { path in
            Result<Listing, any Error> {
                switch path {
                case "/info": return .info(try self.get(path))
                case "/networks": return .networks(try self.get(path))
                case "/images/json": return .images(try self.get(path))
                default: return .containers(try self.get(path))
                }
            }
        }
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
    private func askingAgainForAnAttachment(_ body: (_ again: Bool) throws -> Void) throws {
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
    private func runExec(_ command: [String], in id: String) throws -> (id: String, output: String) {
        let created: IdResponse = try post("/containers/\(id)/exec", requests.execCreate(command))
        let response = try send("POST", "/exec/\(created.Id)/start", body: requests.execStart())
        guard response.status == 200 else { throw error(response, "POST /exec/start") }
        return (created.Id, Self.demultiplex(response.body))
    }

    public func startedAt(container id: String) throws -> String {
        let inspect: ContainerInspect = try get("/containers/\(id)/json")
        return inspect.State?.StartedAt ?? ""
    }

    public func setRoutes(_ vm: DesiredVM, containerID: String, range: DesiredRange) throws {
        let (status, output) = try runHelper(RouteSetting.command(vm), in: containerID, range: range, owner: vm.hostname)
        if status != 0 {
            throw EngineError.unsupported("setting the routes of \(vm.dockerName) failed (helper \(range.helperImage) exited \(status)): \(output)")
        }
        let started = try startedAt(container: containerID)
        let marker = RouteSetting.markerName(vm)
        try call("DELETE", "/containers/\(marker)?force=true", allow: [404])
        let _: IdResponse = try post("/containers/create?name=\(marker)",
                                     requests.routesMarker(vm, range: range, containerID: containerID, startedAt: started))
    }

    public func setPolicy(_ vm: DesiredVM, containerID: String, range: DesiredRange, removing: [PolicyAddress]) throws {
        guard let policy = vm.policy else { throw EngineError.unsupported("internal error: \(vm.hostname) has no policy to set") }
        let (status, output) = try runHelper(PolicySetting.command(policy, removing: removing), in: containerID, range: range, owner: vm.hostname)
        if status != 0 {
            throw EngineError.unsupported("setting the policy of \(vm.dockerName) failed (helper \(range.helperImage) exited \(status)): \(output)")
        }
        let started = try startedAt(container: containerID)
        let marker = PolicySetting.markerName(vm)
        try call("DELETE", "/containers/\(marker)?force=true", allow: [404])
        let _: IdResponse = try post("/containers/create?name=\(marker)",
                                     requests.policyMarker(vm, policy, range: range, containerID: containerID, startedAt: started))
    }

    public func readPolicy(containerID: String, helperImage: String, range: String) throws -> String {
        let labels = RangeLabels.common(range: range, manifestLabels: []) + [KeyValue(RangeLabels.helper, "plan")]
        let (status, output) = try runHelper(requests.helper(PolicySetting.readCommand, in: containerID, image: helperImage, labels: labels))
        guard status == 0 else { throw EngineError.unsupported("reading the policy failed (helper exited \(status)): \(output)") }
        return output
    }

    public func missingHelperTools(_ tools: [String], range: DesiredRange, host: String?) throws -> [String] {
        let labels = RangeLabels.common(range: range.name, manifestLabels: range.labels) + [KeyValue(RangeLabels.helper, "preflight")]
        let (status, output) = try runHelper(requests.helper(PolicySetting.toolsCommand(tools), in: nil, image: range.helperImage, labels: labels))
        guard status == 0 else { return tools }   // no `sh` either
        return output.split(separator: "\n").map(String.init).filter(tools.contains)
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

    public func startHelper(script: String, in containerID: String, range: DesiredRange, owner: String) throws -> String {
        let helper: IdResponse = try post("/containers/create", requests.helper(["sh", "-c", script], in: containerID, range: range, owner: owner))
        do {
            try startContainer(id: helper.Id)
        } catch {
            try? removeContainer(id: helper.Id)
            throw error
        }
        return helper.Id
    }

    public func helperOutput(id: String) throws -> (text: String, ended: Bool) {
        let logs = try send("GET", "/containers/\(id)/logs?stdout=1&stderr=1")
        guard logs.status == 200 else { throw error(logs, "GET /containers/logs") }
        let inspect: ContainerInspect = try get("/containers/\(id)/json")
        return (Self.demultiplex(logs.body, streams: [1, 2]), inspect.State?.Running != true)
    }

    public func runHelper(script: String, in containerID: String, range: DesiredRange, owner: String) throws -> (status: Int, output: String) {
        try runHelper(["sh", "-c", script], in: containerID, range: range, owner: owner)
    }

    /// One inspect per container for its host pid, then one helper for all (`NamespaceReading`).
    public func readNamespaces(_ containerIDs: [String], script: String, range: DesiredRange) throws -> [String: String] {
        // The inspects do not depend on each other: 8 at once, as the applier's default parallelism.
        let inspected = Concurrent.map(containerIDs, width: 8) { id in
            Result<ContainerInspect, any Error> { try self.get("/containers/\(id)/json") }
        }
        var pids: [(id: String, pid: Int)] = []
        for (id, result) in zip(containerIDs, inspected) {
            if let pid = try result.get().State?.Pid, pid > 0 { pids.append((id, pid)) }
        }
        guard !pids.isEmpty else { return [:] }
        let labels = RangeLabels.common(range: range.name, manifestLabels: range.labels) + [KeyValue(RangeLabels.helper, "status")]
        let (status, output) = try runHelper(requests.namespaceReader(NamespaceReading.script(pids), read: script, image: range.helperImage, labels: labels))
        guard status == 0, let sections = NamespaceReading.sections(output) else {
            throw EngineError.unsupported("reading the VMs' namespaces through one helper failed (helper \(range.helperImage) exited \(status)): \(output.suffix(200))")
        }
        return sections
    }

    public func readRoutes(containerID: String, range: DesiredRange) throws -> String {
        let (status, output) = try runHelper(["ip", "route", "show"], in: containerID, range: range, owner: "status")
        guard status == 0 else { throw EngineError.unsupported("reading routes failed (helper exited \(status)): \(output)") }
        return output
    }

    /// Runs a short-lived helper container in a running container's network namespace with
    /// NET_ADMIN, waits for it, and removes it; returns its exit status and output.
    private func runHelper(_ command: [String], in containerID: String, range: DesiredRange, owner: String) throws -> (Int, String) {
        try runHelper(requests.helper(command, in: containerID, range: range, owner: owner))
    }

    private func runHelper(_ request: JSONValue) throws -> (Int, String) {
        let helper: IdResponse = try post("/containers/create", request)
        // Removed whatever happens; one left by a crash carries the helper label and is removed by the next apply.
        defer { try? removeContainer(id: helper.Id) }
        try startContainer(id: helper.Id)
        let waited: WaitResponse = try post("/containers/\(helper.Id)/wait", .object([]))
        let logs = try send("GET", "/containers/\(helper.Id)/logs?stdout=1&stderr=1")
        return (waited.StatusCode, Self.demultiplex(logs.body, streams: [1, 2]).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The engine's stream format without a TTY: frames of an 8-byte header (stream, 0, 0, 0,
    /// big-endian length) and a payload. Keeps the given streams (1 standard output, 2 error).
    static func demultiplex(_ data: Data, streams: Set<UInt8> = [1]) -> String {
        var out = Data()
        var i = data.startIndex
        while i + 8 <= data.endIndex {
            let stream = data[i]
            let length = Int(data[i + 4]) << 24 | Int(data[i + 5]) << 16 | Int(data[i + 6]) << 8 | Int(data[i + 7])
            let start = i + 8
            let end = min(start + length, data.endIndex)
            if streams.contains(stream) { out.append(data[start..<end]) }
            i = end
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - HTTP helpers

    private func send(_ method: String, _ path: String, body: JSONValue? = nil, timeout: Int = 300) throws -> HTTPResponse {
        counter.add()
        var response = try transport.send(method, prefix + path, body: body?.serialized(), timeout: timeout)
        // Podman answers a create whose name another create took a moment before with 500
        // "... that name is already in use" where Docker says 409 (seen on 4.3): the same conflict.
        // And a read of a container that another client is removing at that moment with 500
        // "... does not exist in database: no such container" (seen on 4.3, a lock released while
        // a second run read it): the container is gone, as a 404 says.
        if isPodman && response.status == 500 {
            let message = String(decoding: response.body.prefix(1000), as: UTF8.self)
            if message.contains("name is already in use") { response.status = 409 }
            else if message.contains("no such container") { response.status = 404 }
        }
        return response
    }

    private func get<T: Decodable>(_ path: String) throws -> T {
        let response = try send("GET", path)
        guard response.status == 200 else { throw error(response, "GET \(path)") }
        return try decode(response, "GET \(path)")
    }

    private func post<T: Decodable>(_ path: String, _ body: JSONValue) throws -> T {
        let response = try send("POST", path, body: body)
        guard (200..<300).contains(response.status) else { throw error(response, "POST \(path.split(separator: "?")[0])") }
        return try decode(response, "POST \(path)")
    }

    private func call(_ method: String, _ path: String, body: JSONValue? = nil, allow: Set<Int> = []) throws {
        let response = try send(method, path, body: body)
        guard (200..<300).contains(response.status) || allow.contains(response.status) else {
            throw error(response, "\(method) \(path.split(separator: "?")[0])")
        }
    }

    private func decode<T: Decodable>(_ response: HTTPResponse, _ request: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: response.body)
        } catch {
            throw EngineError.unsupported("\(request): the engine's answer could not be read (\(error))")
        }
    }

    private func error(_ response: HTTPResponse, _ request: String) -> EngineError {
        let message = (try? JSONDecoder().decode(ErrorResponse.self, from: response.body))?.message
            ?? String(decoding: response.body.prefix(500), as: UTF8.self)
        return .http(status: response.status, message: message.trimmingCharacters(in: .whitespacesAndNewlines), request: request)
    }
}

/// A thread-safe count of engine calls.
final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
