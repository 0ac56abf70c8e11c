import Plan

/// Desired objects of range `t`, built by hand: these tests need no manifest and no planner.
enum Fixture {
    static let range = "t"

    /// Network `name` of range `t`, its gateway the subnet's first host.
    static func network(_ name: String, _ subnet: String, internal: Bool = false) -> DesiredNetwork {
        let s = try! IPv4Subnet.parse(subnet).get()
        return DesiredNetwork(name: name, dockerName: EngineNames.object(range, name), subnet: s, gateway: s.firstHost,
                              reserved: 9, internal: `internal`)
    }

    /// VM `hostname` of range `t` with NICs (network, address) in order, the first one primary.
    static func vm(_ hostname: String, image: String = "busybox", _ nics: [(String, String)], routes: [DesiredRoute] = []) -> DesiredVM {
        DesiredVM(hostname: hostname, dockerName: EngineNames.object(range, hostname), image: image, cpu: 1, ramMB: 256, diskGB: 0,
                  privileged: false, capAdd: [], sysctls: [], env: [], command: ["sleep", "infinity"],
                  interfaces: nics.enumerated().map { i, nic in
                      DesiredInterface(name: "eth\(i)", network: nic.0, ip: IPv4Address(nic.1)!, primary: i == 0, auto: false)
                  },
                  routes: routes)
    }

    static let a = network("a", "10.200.1.0/24")
    static let b = network("b", "10.200.2.0/24")
    static let web = vm("web", [("a", "10.200.1.10"), ("b", "10.200.2.10")])
    static let db = vm("db", [("a", "10.200.1.11")])
    static let desired = DesiredRange(name: range, labels: [], networks: [a, b], vms: [web, db])
}
