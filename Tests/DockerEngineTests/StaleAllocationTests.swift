@testable import DockerEngine
import Engine
import Testing

/// Podman reserves a start's addresses before it records the start: an engine killed in between
/// keeps the container's own addresses reserved for it, and every later start is refused until
/// its IPAM database is cleared (measured on 4.3). That refusal carries its remedy; one that names
/// another container is a real conflict and is reported as the engine said it.
struct StaleAllocationTests {
    static let own = "61a05637a415fac38a0763ae32717e45ac3b88d92e8ae12eecfd7aaf7f26e946"
    static let other = "0e4968d1c2a3b4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d"

    func startMessage(holder: String) throws -> String? {
        let transport = RecordingTransport(apiVersion: "1.41")
        let body = #"{"message":"IPAM error: requested ip address 10.200.60.1 is already allocated to container ID \#(holder)"}"#
        transport.script("POST", "/v1.41/containers/\(Self.own)/start", 500, body)
        let engine = try DockerEngine(endpoint: "e", transport: transport)
        do {
            try engine.startContainer(id: Self.own)
            return nil
        } catch let EngineError.http(status, message, _) {
            #expect(status == 500)
            return message
        }
    }

    @Test func aContainersOwnStaleAllocationIsReportedWithItsRemedy() throws {
        let message = try #require(try startMessage(holder: Self.own))
        #expect(message.hasPrefix("IPAM error: requested ip address 10.200.60.1 is already allocated"))
        #expect(message.hasSuffix("remove /run/containers/networks/ipam.db, then apply again"), "\(message)")
    }

    @Test func anotherContainersAllocationIsReportedAsTheEngineSaidIt() throws {
        let message = try #require(try startMessage(holder: Self.other))
        #expect(message == "IPAM error: requested ip address 10.200.60.1 is already allocated to container ID \(Self.other)")
    }

    @Test(arguments: [
        ("is already allocated to container ID 61a05637a415", true),
        ("is already allocated to container ID 61a05637a4", false),
        ("is already allocated to container ID 61a05637a415fac38a0763ae32717e45ac3b88d92e8ae12eecfd7aaf7f26e947", false),
        ("requested ip address is not available", false),
    ])
    func theHolderMustBeThisContainer(_ message: String, _ stale: Bool) {
        #expect(DockerEngine.isStaleOwnAllocation(message, containerID: Self.own) == stale)
    }
}
