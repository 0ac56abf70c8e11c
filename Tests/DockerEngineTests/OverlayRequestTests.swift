@testable import DockerEngine
import Engine
import Plan
import Testing

/// On a swarm a range network is an attachable overlay with its gateway where a bridge's would
/// be, the engine's own `internal` flag, and its dynamic range at the top block the planner keeps.
struct OverlayRequestTests {
    @Test func aRoutedNetworkIsAnAttachableOverlayWithItsLoadBalancerBlock() throws {
        let transport = RecordingTransport(apiVersion: "1.51")
        let engine = try DockerEngine(endpoint: "e", transport: transport, overlay: true)
        let subnet = try IPv4Subnet.parse("10.201.1.0/24", allowedPrefixes: 8...30).get()
        var network = DesiredNetwork(name: "dmz", dockerName: "t-dmz", subnet: subnet, gateway: IPv4Address("10.201.1.1")!,
                                     reserved: 9, internal: true, router: "fw", bridgeIP: IPv4Address("10.201.1.254")!)
        network.swarmRange = SwarmAddresses.loadBalancerBlock(subnet, nodes: 3)
        _ = try engine.createNetwork(network, labels: [KeyValue("io.rangectl.range", "t")])
        let body = try #require(transport.requests.last?.body)
        #expect(body.contains(#""Driver":"overlay""#) && body.contains(#""Attachable":true"#) && body.contains(#""Internal":true"#), "\(body)")
        #expect(body.contains(#""Gateway":"10.201.1.254""#) && body.contains(#""IPRange":"10.201.1.248/29""#), "\(body)")
        #expect(!body.contains("com.docker.network.bridge"), "no bridge options on an overlay: \(body)")
    }
}
