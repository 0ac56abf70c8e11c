import ClusterEngine
import Engine
import InMemoryEngine
import Foundation
import Plan

/// Desired objects of range `t` built by hand, each VM placed on a node: these tests need no
/// manifest, no planner and no applier, only the cluster and its nodes.
enum Fixture {
    static let range = "t"

    /// Network `name` of range `t`, its gateway the subnet's first host.
    static func network(_ name: String, _ subnet: String) -> DesiredNetwork {
        let s = try! IPv4Subnet.parse(subnet).get()
        return DesiredNetwork(name: name, dockerName: EngineNames.object(range, name), subnet: s, gateway: s.firstHost,
                              reserved: 9, internal: false)
    }

    /// VM `hostname` of range `t` on node `host`, one NIC on network a at `ip`.
    static func vm(_ hostname: String, on host: String?, ip: String, routes: [DesiredRoute] = []) -> DesiredVM {
        DesiredVM(hostname: hostname, dockerName: EngineNames.object(range, hostname), image: "busybox", cpu: 1, ramMB: 256, diskGB: 0,
                  privileged: false, capAdd: [], sysctls: [], env: [], command: ["sleep", "infinity"],
                  interfaces: [DesiredInterface(name: "eth0", network: "a", ip: IPv4Address(ip)!, primary: true, auto: false)],
                  routes: routes, host: host)
    }

    static let a = network("a", "10.200.1.0/24")
    /// One VM on each node of `Swarm`.
    static let vms = [vm("one", on: "n1", ip: "10.200.1.10"), vm("two", on: "n2", ip: "10.200.1.11"), vm("three", on: "n3", ip: "10.200.1.12")]
    static let desired = DesiredRange(name: range, labels: [], networks: [a], vms: vms)
}

/// Three in-memory engines as the nodes of one swarm (`memory://n1` and so on), by default `n1`
/// the manager whose overlays the others' containers attach to, each making ids of its own; and
/// the cluster over them.
struct Swarm {
    let cluster: ClusterEngine
    let nodes: [String: InMemoryEngine]

    /// `order`: the order the nodes are handed to the cluster (it sorts them itself); a node
    /// `apiVersions` leaves out speaks 1.51; `configure` sets a node up before the cluster is made.
    init(order: [String] = ["n3", "n1", "n2"], manager: String = "n1", apiVersions: [String: APIVersion] = [:],
         configure: (String, InMemoryEngine) -> Void = { _, _ in }) {
        var nodes: [String: InMemoryEngine] = [:]
        for (k, name) in ["n1", "n2", "n3"].enumerated() {
            let e = InMemoryEngine(apiVersion: apiVersions[name] ?? APIVersion(1, 51), layout: .manifest, endpoint: "memory://\(name)")
            e.idBase = (k + 1) << 32
            configure(name, e)
            nodes[name] = e
        }
        for (name, e) in nodes where name != manager { e.overlaysOf = nodes[manager] }
        self.nodes = nodes
        cluster = ClusterEngine(nodes: order.map { ClusterEngine.Node(name: $0, engine: nodes[$0]!) }, manager: manager)
    }

    subscript(_ name: String) -> InMemoryEngine { nodes[name]! }

    /// Network a and every VM of `Fixture.vms` made and started through the cluster; the VMs' ids by hostname.
    @discardableResult
    func applied(_ vms: [DesiredVM] = Fixture.vms) throws -> [String: String] {
        _ = try cluster.createNetwork(Fixture.a, labels: SpecEncoding.networkLabels(Fixture.a, range: Fixture.desired))
        var ids: [String: String] = [:]
        for vm in vms {
            let id = try cluster.createContainer(vm, range: Fixture.desired, labels: SpecEncoding.vmLabels(vm, range: Fixture.desired), cpus: 1)
            try cluster.startContainer(id: id)
            ids[vm.hostname] = id
        }
        return ids
    }

    /// Forgets every node's calls so far.
    func resetCalls() { nodes.values.forEach { $0.resetCalls() } }

    /// Each node's calls since the last reset, as `name target`, by node name.
    var calls: [String: [String]] { nodes.mapValues { $0.calls.map { "\($0.name) \($0.target)" } } }
}

/// What happened, in order, across threads and nodes. Thread-safe.
final class Log: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ entry: String) { lock.lock(); list.append(entry); lock.unlock() }
    var entries: [String] { lock.lock(); defer { lock.unlock() }; return list }
}

extension EngineError {
    /// The message of an `unsupported` error (nil for any other).
    var unsupportedMessage: String? {
        if case let .unsupported(message) = self { return message }
        return nil
    }
}

/// The `EngineError` `body` throws (nil when it throws none, or another kind of error).
func engineError(_ body: () throws -> Void) -> EngineError? {
    do { try body(); return nil } catch let error as EngineError { return error } catch { return nil }
}
