@testable import DockerEngine
import Engine
import Testing

/// Docker 20.10 can refuse to remove a network for an endpoint of a container already removed
/// (moby#42119): the removal is tried again after doubling waits, then reported with its remedy.
/// The waits are a manual clock's: what is asserted is the waits asked for, never seconds.
struct NetworkRemovalTests {
    static let path = "/v1.41/networks/n1"
    static let staleEndpoint = #"{"message":"error while removing network: network t-a id n1 has active endpoints"}"#

    func engine(refusals: Int, body: String = staleEndpoint) throws -> (DockerEngine, RecordingTransport, ManualClock) {
        let transport = RecordingTransport(apiVersion: "1.41")
        for _ in 0..<refusals { transport.script("DELETE", Self.path, 403, body) }
        let clock = ManualClock()
        return (try DockerEngine(endpoint: "e", transport: transport, clock: clock), transport, clock)
    }

    func deletes(_ transport: RecordingTransport) -> Int {
        transport.requests.filter { $0.method == "DELETE" && $0.path == Self.path }.count
    }

    @Test func aStaleEndpointRefusalIsTriedAgainAfterDoublingWaits() throws {
        let (engine, transport, clock) = try engine(refusals: 2)
        try engine.removeNetwork(id: "n1")
        #expect(clock.sleeps == [0.25, 0.5])
        #expect(deletes(transport) == 3)
    }

    @Test func aRefusalThatLastsIsReportedWithItsRemedyAfterTheBoundedWaits() throws {
        let (engine, transport, clock) = try engine(refusals: 10)
        do {
            try engine.removeNetwork(id: "n1")
            Issue.record("the removal succeeded")
        } catch let EngineError.http(status, message, _) {
            #expect(status == 403)
            #expect(message.hasPrefix("error while removing network") && message.contains("restart dockerd and run the command again"), "\(message)")
        }
        #expect(clock.sleeps == [0.25, 0.5, 1, 2])
        #expect(deletes(transport) == 5)
    }

    @Test func anotherRefusalIsReportedAtOnce() throws {
        let (engine, transport, clock) = try engine(refusals: 1, body: #"{"message":"forbidden"}"#)
        #expect(throws: EngineError.self) { try engine.removeNetwork(id: "n1") }
        #expect(clock.sleeps.isEmpty)
        #expect(deletes(transport) == 1)
    }
}

/// A swarm manager refuses to remove an overlay while it still holds the attachment of a
/// container just removed on a node: tried again after doubling waits (about 8 s in all).
struct SwarmNetworkRemovalTests {
    static let inUse = #"{"message":"rpc error: code = FailedPrecondition desc = network v9z4 is in use by task nrwt"}"#

    @Test func anAttachmentStillHeldIsWaitedFor() throws {
        let transport = RecordingTransport(apiVersion: "1.51")
        for _ in 0..<3 { transport.script("DELETE", "/v1.51/networks/n1", 400, Self.inUse) }
        let clock = ManualClock()
        try DockerEngine(endpoint: "e", transport: transport, clock: clock).removeNetwork(id: "n1")
        #expect(clock.sleeps == [0.25, 0.5, 1])
    }

    @Test func oneThatLastsIsReportedAfterTheBoundedWaits() throws {
        let transport = RecordingTransport(apiVersion: "1.51")
        for _ in 0..<10 { transport.script("DELETE", "/v1.51/networks/n1", 400, Self.inUse) }
        let clock = ManualClock()
        #expect(throws: EngineError.self) { try DockerEngine(endpoint: "e", transport: transport, clock: clock).removeNetwork(id: "n1") }
        #expect(clock.sleeps == [0.25, 0.5, 1, 2, 4])
    }
}
