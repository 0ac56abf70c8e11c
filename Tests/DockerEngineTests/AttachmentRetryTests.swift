@testable import DockerEngine
import Engine
import Testing

/// A swarm node that could not get an overlay attachment from its manager in time says 500
/// "attaching to network failed"; on a swarm the start is asked again (after 1 s, then 2 s, on a
/// manual clock), on one engine never.
struct AttachmentRetryTests {
    static let start = "/v1.51/containers/c1/start"
    static let timedOut = #"{"message":"failed to set up container networking: attaching to network failed, make sure your network options are correct and check manager logs: context deadline exceeded"}"#

    func engine(overlay: Bool, refusals: Int) throws -> (DockerEngine, RecordingTransport, ManualClock) {
        let transport = RecordingTransport(apiVersion: "1.51")
        for _ in 0..<refusals { transport.script("POST", Self.start, 500, Self.timedOut) }
        transport.script("POST", Self.start, 204)
        let clock = ManualClock()
        return (try DockerEngine(endpoint: "e", transport: transport, overlay: overlay, clock: clock), transport, clock)
    }

    func starts(_ transport: RecordingTransport) -> Int { transport.requests.filter { $0.path == Self.start }.count }

    @Test func onASwarmATimedOutAttachmentIsAskedAgain() throws {
        let (engine, transport, clock) = try engine(overlay: true, refusals: 2)
        try engine.startContainer(id: "c1")
        #expect(starts(transport) == 3 && clock.sleeps == [1, 2])
    }

    @Test func onASwarmOneThatLastsIsReportedAfterTwoMoreAsks() throws {
        let (engine, transport, clock) = try engine(overlay: true, refusals: 5)
        #expect(throws: EngineError.self) { try engine.startContainer(id: "c1") }
        #expect(starts(transport) == 3 && clock.sleeps == [1, 2])
    }

    @Test func onOneEngineItIsReportedAtOnce() throws {
        let (engine, transport, clock) = try engine(overlay: false, refusals: 1)
        #expect(throws: EngineError.self) { try engine.startContainer(id: "c1") }
        #expect(starts(transport) == 1 && clock.sleeps.isEmpty)
    }
}
