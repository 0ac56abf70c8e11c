import Foundation
import Engine
import Plan

/// One VM as `status` shows it.
public struct VMStatus: Sendable {
    public struct NIC: Sendable {
        public var name: String
        public var network: String
        public var ip: String
        public var mac: String
        public var defaultRoute: Bool
        /// True when the name and default route come from prediction, not from inside the VM.
        public var predicted: Bool
        /// `ip` as the engine module parsed it (nil when it reports none), for comparing with the plan.
        public var address: IPv4Address?
        /// True when `network` is one of the range's (the engine's name was `<range>-<network>`);
        /// false when it is the engine's name of a network the range does not have.
        public var rangeNetwork: Bool

        public init(name: String, network: String, ip: String, mac: String, defaultRoute: Bool, predicted: Bool,
                    address: IPv4Address? = nil, rangeNetwork: Bool = true) {
            self.name = name
            self.network = network
            self.ip = ip
            self.mac = mac
            self.defaultRoute = defaultRoute
            self.predicted = predicted
            self.address = address
            self.rangeNetwork = rangeNetwork
        }
    }

    public var hostname: String
    public var dockerName: String
    /// The container's state word, or `absent`.
    public var state: String
    /// The container's state as read (nil: absent), for what needs more than the word.
    public var containerState: ContainerState?
    public var nics: [NIC]
    /// The live routing table, one route a line (empty when not running or unreadable).
    public var routes: [String]
    /// The node it runs on (or, absent, is placed on) when the range spans a swarm; else nil.
    public var host: String?
    /// The instance it belongs to (nil without `instances:`).
    public var instance: String?

    public init(hostname: String, dockerName: String, state: String, nics: [NIC], routes: [String], host: String? = nil,
                containerState: ContainerState? = nil, instance: String? = nil) {
        self.instance = instance
        self.host = host
        self.containerState = containerState
        self.hostname = hostname
        self.dockerName = dockerName
        self.state = state
        self.nics = nics
        self.routes = routes
    }
}

/// What `status` reads of a live range and the views it builds from it, VM by VM in manifest
/// order. Only the reads inside running VMs talk to the engine; they run in parallel.
public enum RangeStatus {
    /// `status` after the manifest and one inventory: the range as this engine needs it (with the
    /// default routes rangectl sets on it) and the view of each of its VMs, in manifest order.
    /// With `namespaceHelper` false, no helper that shares the host's processes is run: each VM
    /// is read on its own (`status --read-with exec`).
    public static func collect(_ compiled: DesiredRange, inventory: EngineInventory, engine: any ContainerEngine,
                               parallelism: Int, namespaceHelper: Bool = true) -> (desired: DesiredRange, vms: [VMStatus]) {
        let desired = PrimaryRoute.pinned(compiled, layout: inventory.interfaceLayout)
        let vms = collect(desired, observed: inventory.observed(desired), layout: inventory.interfaceLayout,
                          engine: engine, parallelism: parallelism, namespaceHelper: namespaceHelper)
        return (desired, vms)
    }

    /// The view of every VM of `desired`, in manifest order whatever order the reads finish in.
    /// The reads inside running VMs run on up to `parallelism` threads.
    static func collect(_ desired: DesiredRange, observed: ObservedRange, layout: InterfaceLayout, engine: any ContainerEngine,
                        parallelism: Int, namespaceHelper: Bool) -> [VMStatus] {
        var byVM: [String: ObservedContainer] = [:]
        for c in observed.containers { byVM[EngineNames.key((c.labels[RangeLabels.vm] ?? c.name).lowercased(), instance: c.instance)] = c }
        let containers = desired.vms.map { byVM[$0.key] }
        // One helper reads every running VM's namespace; a VM it could not read (or every VM,
        // when the engine cannot run that helper) is read on its own, up to `parallelism` at once.
        let running = containers.compactMap { c in c?.state == .running ? c?.id : nil }
        let viaHelper = running.isEmpty || !namespaceHelper ? [:] : (try? engine.readNamespaces(running, script: insideCommand[2], range: desired)) ?? [:]
        let inside = Concurrent.map(containers, width: parallelism) { c -> InsideVM? in
            guard let c, c.state == .running else { return nil }
            return read(inside: c, range: desired, engine: engine, helperOutput: viaHelper[c.id])
        }
        let internalNetworks = Preflight.engineInternal(desired)
        return desired.vms.indices.map { i in
            let vm = desired.vms[i]
            guard let c = containers[i] else {
                return VMStatus(hostname: vm.hostname, dockerName: vm.dockerName, state: "absent", nics: [], routes: [], host: vm.host, instance: vm.instance)
            }
            let live = inside[i]?.interfaces
            let predicted = layout.names(vm, desired, internal: internalNetworks)
            // A default route rangectl sets (see PrimaryRoute) goes out where its gateway is.
            let predictedRoute = vm.routes.first { $0.to == "default" }.flatMap { route in
                vm.interfaces.first { i in desired.networks.contains { $0.name == i.network && $0.instance == vm.instance && $0.subnet.contains(route.via) } }?.network
            } ?? layout.defaultRouteNetwork(vm, desired, internal: internalNetworks)
            var nics: [VMStatus.NIC] = c.endpoints.map { e in
                let local = EngineNames.local(e.network, range: EngineNames.prefix(desired.name, instance: vm.instance))
                let network = local ?? e.network
                let ip = e.configuredIP?.description ?? ""
                if let live, let name = live.names[ip] {
                    return .init(name: name, network: network, ip: ip, mac: e.mac ?? "", defaultRoute: live.defaultInterface == name, predicted: false,
                                 address: e.configuredIP, rangeNetwork: local != nil)
                }
                let index = predicted.firstIndex { $0.network == network }
                return .init(name: index.map { "eth\($0)" } ?? "?", network: network, ip: ip, mac: e.mac ?? "",
                             defaultRoute: network == predictedRoute, predicted: true, address: e.configuredIP, rangeNetwork: local != nil)
            }
            nics.sort { ($0.name.count, $0.name) < ($1.name.count, $1.name) }
            let routes = (inside[i]?.routes ?? "").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return VMStatus(hostname: vm.hostname, dockerName: c.name, state: c.state.description, nics: nics, routes: routes, host: c.host ?? vm.host,
                            containerState: c.state, instance: vm.instance)
        }
    }

    /// What was read of one running VM.
    struct InsideVM: Sendable {
        /// Interface names by address and the default route's interface; nil when its image cannot tell.
        var interfaces: (names: [String: String], defaultInterface: String?)?
        /// Its routing table as `ip route show` prints it; nil when it could not be read.
        var routes: String?
    }

    /// Reads one running VM: from the namespace helper's output when it read it, else inside it
    /// when its image has `ip`, else its routes through the route helper.
    static func read(inside c: ObservedContainer, range: DesiredRange, engine: any ContainerEngine, helperOutput: String? = nil) -> InsideVM {
        let live = helperOutput.flatMap(parseInside) ?? readInside(c, engine: engine)
        let routes = live?.routes ?? (try? engine.readRoutes(containerID: c.id, range: range))
        return InsideVM(interfaces: live.map { ($0.names, $0.defaultInterface) }, routes: routes)
    }

    /// Interface names by address, the default route's interface and the routing table, read with
    /// `ip` inside the VM; nil when the image cannot tell (no `ip`, or the exec failed). One exec
    /// through `sh` reads both (2 engine calls); an image without `sh` gets them as two execs of
    /// `ip` itself, each with its exit code (3 calls each).
    static func readInside(_ c: ObservedContainer, engine: any ContainerEngine) -> (names: [String: String], defaultInterface: String?, routes: String?)? {
        let output: String
        do { output = try engine.execOutput(container: c.id, command: insideCommand) } catch { return nil }
        if insideOutputs(output) != nil { return parseInside(output) }
        guard let addr = try? engine.exec(container: c.id, command: ["ip", "-o", "-4", "addr", "show"]), addr.exitCode == 0 else { return nil }
        let route = try? engine.exec(container: c.id, command: ["ip", "route", "show"])
        return interfaces(addr.output, table: route?.exitCode == 0 ? route?.output : nil)
    }

    /// The output of `insideCommand` read: nil when it is not that output, or `ip addr` failed.
    static func parseInside(_ output: String) -> (names: [String: String], defaultInterface: String?, routes: String?)? {
        guard let read = insideOutputs(output), read.addresses.status == 0 else { return nil }
        return interfaces(read.addresses.text, table: read.routes.status == 0 ? read.routes.text : nil)
    }

    /// Interface names by address from `ip -o -4 addr show`, with the routing table and its default route's interface.
    static func interfaces(_ addresses: String, table: String?) -> (names: [String: String], defaultInterface: String?, routes: String?) {
        var names: [String: String] = [:]
        for line in addresses.split(separator: "\n") {
            // "8: eth0    inet 10.0.1.10/24 brd 10.0.1.255 scope global eth0\ ..."
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 4, let inet = words.firstIndex(of: "inet"), inet + 1 < words.count else { continue }
            guard let ip = words[inet + 1].split(separator: "/").first else { continue }
            names[String(ip)] = String(words[1])
        }
        return (names, table.flatMap(defaultRouteInterface), table)
    }

    /// Ends each of the two reads of `insideCommand`, followed by its exit status.
    static let exitMarker = "rangectl-status-exit"

    /// `ip -o -4 addr show`, then `ip route show`, each followed by a line with its exit status,
    /// so that the output alone tells whether each worked (the engine tells an exec's exit code
    /// only through one more call).
    static let insideCommand = ["sh", "-c", "ip -o -4 addr show; echo \"\(exitMarker) $?\"; ip route show; echo \"\(exitMarker) $?\""]

    /// The two reads in the output of `insideCommand`, each with its exit status; nil when the
    /// output is not that (an image without `sh`: the engine's message instead).
    static func insideOutputs(_ output: String) -> (addresses: (text: String, status: Int), routes: (text: String, status: Int))? {
        var reads: [(text: String, status: Int)] = []
        var text = ""
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(exitMarker + " "), let status = Int(line.dropFirst(exitMarker.count + 1)) {
                reads.append((text, status))
                text = ""
            } else {
                text += line + "\n"
            }
        }
        return reads.count == 2 ? (reads[0], reads[1]) : nil
    }

    /// The interface of the default route the kernel uses: of several (Podman adds one per
    /// network, rangectl one more), the one with the lowest metric, the first listed on a tie.
    public static func defaultRouteInterface(_ table: String) -> String? {
        var best: (metric: Int, dev: String)?
        for line in table.split(separator: "\n") where line.hasPrefix("default ") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let dev = words.firstIndex(of: "dev"), dev + 1 < words.count else { continue }
            let metric = words.firstIndex(of: "metric").flatMap { $0 + 1 < words.count ? Int(words[$0 + 1]) : nil } ?? 0
            if best == nil || metric < best!.metric { best = (metric, words[dev + 1]) }
        }
        return best?.dev
    }
}
