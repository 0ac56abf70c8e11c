import Engine
import Plan
import RangeDiagnostics

/// The bodies of the requests rangectl sends, shaped by what the engine's API version allows.
/// Pure: the engine sends them as built (compact JSON, keys in the order written here), and the
/// golden files in Tests/DockerEngineTests/Golden show them per version.
struct DockerRequests: Sendable {
    let features: DockerAPIFeatures
    /// Networks are a swarm's attachable overlays (created through a manager) instead of bridges.
    var overlay = false

    /// `POST /networks/create`. A network with a router gets the engine's gateway at `bridge_ip`
    /// (the router holds the range's gateway), and, when `internal`, no NAT instead of the
    /// engine's `Internal` flag, which would drop the traffic the router forwards (ENGINE.md).
    /// With `gatewayModeUnprotected` (Docker 28+) it is also `nat-unprotected`: 28's direct-access
    /// rules would drop packets the router forwards to a VM behind it (measured on 28.5).
    func createNetwork(_ network: DesiredNetwork, labels: [KeyValue]) -> JSONValue {
        if overlay { return createOverlay(network, labels: labels) }
        var options: [(String, JSONValue)] = []
        if network.router != nil && network.internal {
            options.append(("com.docker.network.bridge.enable_ip_masquerade", .string("false")))
        }
        if network.router != nil && features.gatewayModeUnprotected {
            options.append(("com.docker.network.bridge.gateway_mode_ipv4", .string("nat-unprotected")))
        }
        return .object([
            ("Name", .string(network.dockerName)),
            ("CheckDuplicate", .bool(true)),
            ("Driver", .string("bridge")),
            ("Internal", .bool(network.engineInternal)),
            ("IPAM", .object([
                ("Driver", .string("default")),
                ("Config", .array([.object([("Subnet", .string(network.subnet.description)), ("Gateway", .string(network.engineGateway.description))])])),
            ])),
            ("Options", .object(options)),
            ("Labels", Self.map(labels)),
        ])
    }

    /// `POST /networks/create` on a swarm manager: an attachable overlay that spans the nodes, so
    /// that plain containers on every node join it with their static addresses. A routed
    /// network's overlay gateway moves to `bridge_ip` as a bridge's does (the router holds the
    /// range's gateway); `internal` is the engine's flag: no docker_gwbridge NIC, and the router
    /// still forwards between overlays (no bridge firewall is in the way).
    func createOverlay(_ network: DesiredNetwork, labels: [KeyValue]) -> JSONValue {
        .object([
            ("Name", .string(network.dockerName)),
            ("CheckDuplicate", .bool(true)),
            ("Driver", .string("overlay")),
            ("Attachable", .bool(true)),
            ("Internal", .bool(network.internal)),
            ("IPAM", .object([
                ("Driver", .string("default")),
                ("Config", .array([.object([("Subnet", .string(network.subnet.description)), ("Gateway", .string(network.engineGateway.description))]
                                           + (network.swarmRange.map { [("IPRange", JSONValue.string($0.description))] } ?? []))])),
            ])),
            ("Labels", Self.map(labels)),
        ])
    }

    /// How many of a VM's NICs go in its create request; the rest are connected before start.
    /// On a swarm's overlays only the primary: a worker's start of a container with several
    /// overlays fails at random (measured on 28.5, 8 of 12), so the others are connected after start.
    func interfacesAtCreate(_ vm: DesiredVM) -> Int {
        features.endpointsAtCreate && !overlay ? vm.interfaces.count : min(1, vm.interfaces.count)
    }

    /// `POST /containers/create?name=<vm>`: stopped, with its first `interfacesAtCreate` NICs.
    func createContainer(_ vm: DesiredVM, range: DesiredRange, labels: [KeyValue], cpus: Int) -> JSONValue {
        var endpoints: [(String, JSONValue)] = []
        for (k, i) in vm.interfaces.enumerated().prefix(interfacesAtCreate(vm)) {
            endpoints.append((range.engineNetwork(of: i, on: vm), endpointConfig(i, index: k)))
        }
        var hostConfig: [(String, JSONValue)] = [
            ("NetworkMode", .string(range.engineNetwork(of: vm.interfaces[0], on: vm))),
            ("NanoCpus", .int(min(vm.cpu, cpus) * 1_000_000_000)),
            ("Memory", .int(vm.ramMB * 1_048_576)),
            ("Privileged", .bool(vm.privileged)),
        ]
        if !vm.capAdd.isEmpty { hostConfig.append(("CapAdd", .array(vm.capAdd.map { .string($0) }))) }
        if !vm.sysctls.isEmpty { hostConfig.append(("Sysctls", Self.map(vm.sysctls))) }
        var config: [(String, JSONValue)] = [
            ("Hostname", .string(vm.hostname)),
            ("Image", .string(vm.image)),
            ("Env", .array(vm.env.map { .string("\($0.key)=\($0.value)") })),
            ("Labels", Self.map(labels)),
            ("HostConfig", .object(hostConfig)),
            ("NetworkingConfig", .object([("EndpointsConfig", .object(endpoints))])),
        ]
        if let command = vm.command { config.insert(("Cmd", .array(command.map { .string($0) })), at: 2) }
        return .object(config)
    }

    /// `POST /networks/<network>/connect` for each NIC not given at create, in manifest order.
    func connects(_ vm: DesiredVM, range: DesiredRange, containerID: String) -> [(network: String, body: JSONValue)] {
        vm.interfaces.enumerated().dropFirst(interfacesAtCreate(vm)).map { k, i in
            (range.engineNetwork(of: i, on: vm),
             .object([("Container", .string(containerID)), ("EndpointConfig", endpointConfig(i, index: k))]))
        }
    }

    /// An endpoint with its fixed address; with `interfaceOrder` also its name inside the VM and
    /// its priority for the default route (the primary wins), which give the manifest's order exactly.
    func endpointConfig(_ i: DesiredInterface, index: Int) -> JSONValue {
        var fields: [(String, JSONValue)] = [("IPAMConfig", .object([("IPv4Address", .string(i.ip.description))]))]
        if features.interfaceOrder {
            fields.append(("GwPriority", .int(i.primary ? 1000 : 0)))
            fields.append(("DriverOpts", .object([("com.docker.network.endpoint.ifname", .string(i.name))])))
        }
        return .object(fields)
    }

    /// `POST /containers/create` of a helper in a running container's network namespace, with NET_ADMIN.
    func helper(_ command: [String], in containerID: String, range: DesiredRange, owner: String) -> JSONValue {
        helper(command, in: containerID, image: range.helperImage,
               labels: RangeLabels.common(range: range.name, manifestLabels: range.labels) + [KeyValue(RangeLabels.helper, owner)])
    }

    /// The helper in a container's network namespace (`containerID`), or in none of its own (nil).
    func helper(_ command: [String], in containerID: String?, image: String, labels: [KeyValue]) -> JSONValue {
        .object([
            ("Image", .string(image)),
            ("Cmd", .array(command.map { .string($0) })),
            ("Labels", Self.map(labels)),
            ("HostConfig", .object([
                ("NetworkMode", .string(containerID.map { "container:\($0)" } ?? "none")),
                ("CapAdd", .array([.string("NET_ADMIN")])),
            ])),
        ])
    }

    /// The helper that reads many VMs' namespaces: no network of its own, the host's process
    /// namespace (`PidMode: host`) and what `nsenter -n` needs to enter another's (SYS_ADMIN for
    /// setns, SYS_PTRACE to open /proc/PID/ns/net, no AppArmor profile that forbids that); `read`
    /// in its environment (`NamespaceReading.scriptVariable`).
    func namespaceReader(_ script: String, read: String, image: String, labels: [KeyValue]) -> JSONValue {
        .object([
            ("Image", .string(image)),
            ("Cmd", .array([.string("sh"), .string("-c"), .string(script)])),
            ("Env", .array([.string("\(NamespaceReading.scriptVariable)=\(read)")])),
            ("Labels", Self.map(labels)),
            ("HostConfig", .object([
                ("NetworkMode", .string("none")),
                ("PidMode", .string("host")),
                ("CapAdd", .array([.string("SYS_ADMIN"), .string("SYS_PTRACE")])),
                ("SecurityOpt", .array([.string("apparmor=unconfined")])),
            ])),
        ])
    }

    /// `POST /containers/create?name=<vm>.routes`: the never-started marker of routes set for one VM start.
    func routesMarker(_ vm: DesiredVM, range: DesiredRange, containerID: String, startedAt: String) -> JSONValue {
        neverStarted(image: range.helperImage,
                     labels: RouteSetting.markerLabels(vm, range: range, containerID: containerID, startedAt: startedAt))
    }

    /// `POST /containers/create?name=<vm>.policy`: the never-started marker of the policy applied on one router start.
    func policyMarker(_ vm: DesiredVM, _ policy: RouterPolicy, range: DesiredRange, containerID: String, startedAt: String) -> JSONValue {
        neverStarted(image: range.helperImage,
                     labels: PolicySetting.markerLabels(vm, policy, range: range, containerID: containerID, startedAt: startedAt))
    }

    /// `POST /containers/create?name=<range>.lock`: the lock, a never-started container of any local image.
    func lock(image: String, labels: [KeyValue]) -> JSONValue {
        neverStarted(image: image, labels: labels)
    }

    func execCreate(_ command: [String]) -> JSONValue {
        .object([("AttachStdout", .bool(true)), ("AttachStderr", .bool(false)), ("Cmd", .array(command.map { .string($0) }))])
    }

    func execStart() -> JSONValue {
        .object([("Detach", .bool(false)), ("Tty", .bool(false))])
    }

    private func neverStarted(image: String, labels: [KeyValue]) -> JSONValue {
        .object([
            ("Image", .string(image)),
            ("Cmd", .array([.string("true")])),
            ("Labels", Self.map(labels)),
            ("HostConfig", .object([("NetworkMode", .string("none"))])),
        ])
    }

    static func map(_ pairs: [KeyValue]) -> JSONValue {
        .object(pairs.map { ($0.key, .string($0.value)) })
    }
}
