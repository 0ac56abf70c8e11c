import Plan
import RangeDiagnostics

/// Desired and observed values of range `t`, built by hand: the Plan module's tests need no
/// manifest, no planner and no engine. Every object is located at line `line`, column 5 of `t.yaml`.
enum Fixture {
    static let range = "t"

    static func at(_ line: Int) -> SourceLocation { SourceLocation(file: "t.yaml", line: line, column: 5) }

    static func ip(_ text: String) -> IPv4Address { IPv4Address(text)! }

    static func subnet(_ text: String) -> IPv4Subnet { try! IPv4Subnet.parse(text, allowedPrefixes: 0...32).get() }

    /// Network `name`, its gateway the subnet's first host unless given.
    static func network(_ name: String, _ cidr: String, gateway: String? = nil, internal: Bool = false, router: String? = nil,
                        bridge: String? = nil, line: Int = 3) -> DesiredNetwork {
        let s = subnet(cidr)
        return DesiredNetwork(name: name, dockerName: EngineNames.object(range, name), subnet: s, gateway: gateway.map(ip) ?? s.firstHost,
                              reserved: 9, internal: `internal`, router: router, bridgeIP: bridge.map(ip), location: at(line))
    }

    /// VM `hostname` with NICs (network, address) in order, the first one primary.
    static func vm(_ hostname: String, image: String = "busybox", _ nics: [(String, String)], routes: [DesiredRoute] = [],
                   cpu: Int = 1, env: [KeyValue] = [], line: Int = 10) -> DesiredVM {
        DesiredVM(hostname: hostname, dockerName: EngineNames.object(range, hostname), image: image, cpu: cpu, ramMB: 256, diskGB: 0,
                  privileged: false, capAdd: [], sysctls: [], env: env, command: ["sleep", "infinity"],
                  interfaces: nics.enumerated().map { i, nic in
                      DesiredInterface(name: "eth\(i)", network: nic.0, ip: ip(nic.1), primary: i == 0, auto: true)
                  },
                  routes: routes, location: at(line))
    }

    static func route(_ to: String, via: String, implicit: Bool = false) -> DesiredRoute {
        DesiredRoute(to: to, via: ip(via), implicit: implicit)
    }

    static let a = network("a", "10.200.1.0/24", line: 3)
    static let b = network("b", "10.200.2.0/24", line: 4)
    static let web = vm("web", [("a", "10.200.1.10"), ("b", "10.200.2.10")], line: 6)
    static let db = vm("db", [("a", "10.200.1.11")], line: 7)

    static func desired(_ networks: [DesiredNetwork] = [a, b], _ vms: [DesiredVM] = [web, db], helperImage: String = "busybox:latest") -> DesiredRange {
        DesiredRange(name: range, labels: [KeyValue("team", "red")], networks: networks, vms: vms, helperImage: helperImage)
    }

    /// How Docker lists images (the Engine module's `ImageNaming.referenceDefaults`, restated here:
    /// the core takes the naming as data and these tests do not depend on an engine module).
    static let dockerNaming = ImageNaming(implicitRegistries: ["docker.io/", "index.docker.io/"], implicitNamespace: "library/", defaultTag: "latest")

    /// What a test engine reports it can do: by default the manifest's NIC layout and forwarding.
    static func capabilities(layout: InterfaceLayout = .manifest, forwards: Bool = true,
                             naming: ImageNaming = dockerNaming) -> EngineCapabilities {
        EngineCapabilities(interfaceLayout: layout, forwardsBetweenNetworks: forwards, endpointsAtCreate: true, exactEndpointCount: true,
                           imageNaming: naming, engineName: "test engine")
    }

    static func inventory(networks: [ObservedNetwork] = [], containers: [ObservedContainer] = [], images: Set<String> = ["busybox:latest"],
                          cpus: Int = 4, layout: InterfaceLayout = .manifest, forwards: Bool = true,
                          naming: ImageNaming = dockerNaming) -> EngineInventory {
        EngineInventory(apiVersion: "1.48", capabilities: capabilities(layout: layout, forwards: forwards, naming: naming),
                        cpus: cpus, networks: networks, containers: containers, images: images)
    }

    static func labels(_ pairs: [KeyValue]) -> [String: String] {
        Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { _, b in b })
    }

    /// `n` as the engine holds it once rangectl created it for `desired`.
    static func live(_ n: DesiredNetwork, of desired: DesiredRange, id: String = "n1") -> ObservedNetwork {
        ObservedNetwork(id: id, name: n.dockerName, labels: labels(SpecEncoding.networkLabels(n, range: desired)),
                        subnet: n.subnet, gateway: n.engineGateway, internal: n.engineInternal)
    }

    /// `vm` as the engine holds it once rangectl created it for `desired`, attached as planned.
    static func live(_ vm: DesiredVM, of desired: DesiredRange, id: String = "c1", state: ContainerState = .running) -> ObservedContainer {
        ObservedContainer(id: id, name: vm.dockerName, labels: labels(SpecEncoding.vmLabels(vm, range: desired)), state: state,
                          image: vm.image, endpoints: vm.interfaces.map {
                              ObservedEndpoint(network: EngineNames.object(range, $0.network), configuredIP: $0.ip, mac: nil)
                          })
    }

    /// A network or container of nobody's range.
    static func foreignNetwork(_ name: String, _ cidr: String?, labels: [String: String] = [:]) -> ObservedNetwork {
        ObservedNetwork(id: "f-\(name)", name: name, labels: labels, subnet: cidr.map(subnet), gateway: nil, internal: false)
    }

    static func foreignContainer(_ name: String, endpoints: [ObservedEndpoint] = []) -> ObservedContainer {
        ObservedContainer(id: "f-\(name)", name: name, labels: ["owner": "someone else"], state: .running, image: "nginx:latest",
                          endpoints: endpoints)
    }
}
