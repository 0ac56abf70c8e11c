@testable import DockerEngine
import Engine
import Foundation
import Testing

/// An exec as sent: `exec` asks for the exit code after the output ended (3 requests);
/// `execOutput`, for commands that report their own outcome, does not (2 requests).
struct ExecTests {
    @Test func execOutputIsCreateAndStartWithoutTheInspect() throws {
        let transport = RecordingTransport(apiVersion: "1.51")
        let engine = try DockerEngine(endpoint: "unix:///test.sock", transport: transport)
        let before = transport.requests.count
        let output = try engine.execOutput(container: "c1", command: ["sh", "-c", "ip route show; echo \"done $?\""])
        #expect(output == "1: lo    inet 127.0.0.1/8\n")   // standard output only
        let sent = transport.requests[before...].map { "\($0.method) \($0.path)" }
        #expect(sent == ["POST /v1.51/containers/c1/exec", "POST /v1.51/exec/exec-1/start"])
        #expect(engine.calls == before + 2)
    }

    @Test func execAsksForTheExitCodeAfterTheOutput() throws {
        let transport = RecordingTransport(apiVersion: "1.51")
        let engine = try DockerEngine(endpoint: "unix:///test.sock", transport: transport)
        let before = transport.requests.count
        let (status, output) = try engine.exec(container: "c1", command: ["ip", "route", "show"])
        #expect(status == 0 && output == "1: lo    inet 127.0.0.1/8\n")
        let sent = transport.requests[before...].map { "\($0.method) \($0.path)" }
        #expect(sent == ["POST /v1.51/containers/c1/exec", "POST /v1.51/exec/exec-1/start", "GET /v1.51/exec/exec-1/json"])
    }
}
