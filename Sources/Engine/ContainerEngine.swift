import Plan

/// A container engine as rangectl needs it: observe everything relevant in a constant number of
/// calls, and perform one operation at a time. Implementations are thread-safe: the applier calls
/// them from several threads at once. (The real one is `DockerEngine`; tests also use an in-memory one.)
public protocol ContainerEngine: AnyObject, Sendable {
    /// Where the engine is, for messages (`unix:///var/run/docker.sock`).
    var endpoint: String { get }
    /// The API version in use, negotiated with the engine.
    var apiVersion: APIVersion { get }

    /// Every network, every container, the local images and the CPU count: one consistent snapshot.
    func inventory() throws -> EngineInventory

    /// Creates a network; returns its id.
    func createNetwork(_ network: DesiredNetwork, labels: [KeyValue]) throws -> String
    func removeNetwork(id: String) throws

    /// Creates a container (stopped) with its primary NIC, connects every further NIC in manifest
    /// order, and returns its id. `cpus` is the CPU limit after clamping to the engine's CPUs.
    func createContainer(_ vm: DesiredVM, range: DesiredRange, labels: [KeyValue], cpus: Int) throws -> String
    func startContainer(id: String) throws
    /// Removes a container, running or not, with its anonymous volumes. A missing one is not an error.
    func removeContainer(id: String) throws

    /// Runs a command inside a running container; returns its exit code and standard output.
    func exec(container id: String, command: [String]) throws -> (exitCode: Int, output: String)
    /// The same without the exit code, for a command that reports its own outcome in its output:
    /// one engine call fewer (the engine tells an exit code only when asked after the output ended).
    func execOutput(container id: String, command: [String]) throws -> String

    /// When a container last started (the engine's `State.StartedAt`).
    func startedAt(container id: String) throws -> String

    /// Sets a running VM's routes from outside its image: a short-lived helper container in the
    /// VM's network namespace (`NetworkMode: container:<id>`, `NET_ADMIN`) runs `ip route replace`
    /// for each route, then is removed. Then the VM's routes marker is replaced: a never-started
    /// container `<vm>.routes` labelled with the routes and the VM start they were set for.
    func setRoutes(_ vm: DesiredVM, containerID: String, range: DesiredRange) throws

    /// A running VM's routing table (`ip route show`), read by the same helper from outside its image.
    func readRoutes(containerID: String, range: DesiredRange) throws -> String

    /// Runs `script` (by `sh -c`) in the network namespace of each of `containerIDs` (running
    /// containers) through one helper of the range's helper image that shares the host's process
    /// namespace and enters each with `nsenter` (`NamespaceReading`); each one's output by id, an
    /// id it could not enter missing. Throws when no such helper runs here (the image lacks
    /// `nsenter`, the engine refuses the host's processes): then each VM is read on its own.
    func readNamespaces(_ containerIDs: [String], script: String, range: DesiredRange) throws -> [String: String]

    /// Applies a router VM's policy from outside its image, through the same helper as routes: one
    /// `iptables-restore --noflush` of rangectl's chains (never half a policy), the jumps into
    /// them ensured, the NAT addresses added (and `removing`, those an earlier policy added and
    /// this one drops, removed). Then its policy marker `<vm>.policy` is replaced. The helper
    /// image must carry `iptables-restore`, `iptables` and `ip` (see `PolicySetting.tools`).
    func setPolicy(_ vm: DesiredVM, containerID: String, range: DesiredRange, removing: [PolicyAddress]) throws

    /// What a running router holds of a policy (`PolicySetting.readCommand`'s output), read by a
    /// helper of `helperImage` (the image of its policy marker) in its network namespace.
    func readPolicy(containerID: String, helperImage: String, range: String) throws -> String

    /// Which of `tools` (`PolicySetting.tools`, `ProbeCommands.tools`) the range's helper image
    /// lacks on the engine (on swarm node `host`, nil on one engine): a helper with no network
    /// runs `command -v` for each.
    func missingHelperTools(_ tools: [String], range: DesiredRange, host: String?) throws -> [String]

    /// Starts a helper of the range's helper image in a running container's network namespace,
    /// running `script` by `sh -c`, and leaves it running; its id (`removeContainer` removes it).
    /// For `verify`'s listeners, which must run while a client in another VM dials them.
    func startHelper(script: String, in containerID: String, range: DesiredRange, owner: String) throws -> String
    /// A started helper's output so far (standard output and error), and whether it has ended.
    func helperOutput(id: String) throws -> (text: String, ended: Bool)
    /// Runs a helper with `script` in a running container's network namespace to its end, then
    /// removes it; its exit status and output.
    func runHelper(script: String, in containerID: String, range: DesiredRange, owner: String) throws -> (status: Int, output: String)

    /// Creates the lock object `name` with `labels` unless one exists; either way returns the one
    /// that holds the name now (so the caller sees whether it got the lock). See `RangeLock`.
    func claimLock(name: String, labels: [KeyValue]) throws -> (id: String, labels: [String: String])
    /// Removes the lock object with this id; a missing one is not an error.
    func releaseLock(id: String) throws

    /// Pulls an image as the manifest writes it (a reference without a tag means `:latest`)
    /// through the engine, with its own registry settings; `host` names the swarm node that needs
    /// it (nil on one engine). Returns when the image is there.
    func pullImage(_ reference: String, host: String?) throws
}

extension ContainerEngine {
    /// The inventory, plus the start time of every VM that has a routes marker (a restart since
    /// the routes were set means they are lost). Extra calls only for routed VMs.
    /// A router with a policy marker also has its live policy read (`policyLive`), so that a plan
    /// sees rules flushed by hand; a read that fails leaves it nil (the marker still tells restarts).
    public func observe() throws -> EngineInventory {
        var inventory = try inventory()
        func key(_ c: ObservedContainer, _ label: String) -> String? {
            c.labels[label].flatMap { of in RangeLabels.enginePrefix(c.labels).map { "\($0)/\(of.lowercased())" } }
        }
        let routed = Set(inventory.containers.compactMap { key($0, RangeLabels.routesOf) })
        let policyMarkers = Dictionary(inventory.containers.compactMap { c in key(c, RangeLabels.policyOf).map { ($0, c) } },
                                       uniquingKeysWith: { a, _ in a })
        for i in inventory.containers.indices where inventory.containers[i].state == .running {
            let c = inventory.containers[i]
            guard let vm = key(c, RangeLabels.vm) else { continue }
            let marker = policyMarkers[vm]
            guard routed.contains(vm) || marker != nil else { continue }
            inventory.containers[i].startedAt = try startedAt(container: c.id)
            if let marker, let range = c.labels[RangeLabels.range] {
                inventory.containers[i].policyLive = try? readPolicy(containerID: c.id, helperImage: marker.image, range: range)
            }
        }
        return inventory
    }

    /// `observe()`, plus, when `desired` has routers with a declared policy, the tools their
    /// helper image lacks on each node that holds one (`EngineInventory.helperMissingTools`): a
    /// preflight error, before any change. Nothing more when the image itself is missing (that is
    /// the preflight's `image-missing`).
    public func observe(for desired: DesiredRange?) throws -> EngineInventory {
        var inventory = try observe()
        guard let desired else { return inventory }
        var hosts: [String?] = []
        for vm in desired.vms where vm.policy?.declared == true && !hosts.contains(vm.host) { hosts.append(vm.host) }
        for (host, state) in try helperImage(PolicySetting.tools, range: desired, hosts: hosts, inventory: inventory) {
            if case let .lacks(missing) = state { inventory.helperMissingTools[host ?? ""] = missing }
        }
        return inventory
    }

    /// The range's helper image on each of `hosts` (nil: the one engine), in that order: absent
    /// (per `inventory`'s images), lacking some of `tools`, or ready. What policy setting and
    /// verify check before they run helpers.
    public func helperImage(_ tools: [String], range desired: DesiredRange, hosts: [String?],
                            inventory: EngineInventory) throws -> [(host: String?, state: HelperImageState)] {
        let helper = inventory.capabilities.imageNaming.canonical(desired.helperImage)
        return try hosts.map { host in
            guard (host.flatMap { inventory.imagesByHost[$0] } ?? inventory.images).contains(helper) else { return (host, .absent) }
            let missing = try missingHelperTools(tools, range: desired, host: host)
            return (host, missing.isEmpty ? .ready : .lacks(missing))
        }
    }
}

/// The helper image on one node, as `ContainerEngine.helperImage` finds it.
public enum HelperImageState: Equatable, Sendable {
    case absent
    case lacks([String])
    case ready
}

/// The labels and the `ip` commands of route setting, the same for every engine.
public enum RouteSetting {
    /// The shell command the helper runs: one `ip route replace` per route, stopping at the first failure.
    public static func command(_ vm: DesiredVM) -> [String] {
        ["sh", "-c", vm.routes.map { "ip route replace \($0.to) via \($0.via)" }.joined(separator: " && ")]
    }

    public static func markerName(_ vm: DesiredVM) -> String { EngineNames.routesMarker(vm.dockerName) }

    public static func markerLabels(_ vm: DesiredVM, range: DesiredRange, containerID: String, startedAt: String) -> [KeyValue] {
        RangeLabels.common(range: range.name, instance: vm.instance, manifestLabels: range.labels) + [
            KeyValue(RangeLabels.routesOf, vm.hostname),
            KeyValue(RangeLabels.routes, SpecEncoding.routes(vm)),
            KeyValue(RangeLabels.routesSet, "\(containerID)@\(startedAt)"),
        ]
    }
}

/// What went wrong talking to an engine, with the engine's own words where it gave them.
public enum EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No connection could be made (socket missing, refused, TLS failure, timeout).
    case unreachable(endpoint: String, reason: String)
    /// The engine answered with an error status.
    case http(status: Int, message: String, request: String)
    /// The engine's API is older than rangectl supports, or it answered something unreadable.
    case unsupported(String)

    public var description: String {
        switch self {
        case let .unreachable(endpoint, reason): return "cannot reach the engine at \(endpoint): \(reason)"
        case let .http(status, message, request): return "\(request): \(message) (HTTP \(status))"
        case let .unsupported(message): return message
        }
    }

    /// 404 from the engine.
    public var isNotFound: Bool {
        if case let .http(status, _, _) = self { return status == 404 }
        return false
    }
}

extension EngineError {
    /// A create refused because something already holds what it would take: the name (409 on
    /// every engine), or on Docker 20.10 the subnet ("Pool overlaps", 403). See `CreationConflict`.
    public var isCreationConflict: Bool {
        guard case let .http(status, message, _) = self else { return false }
        return status == 409 || (status == 403 && message.contains("Pool overlaps"))
    }
}
