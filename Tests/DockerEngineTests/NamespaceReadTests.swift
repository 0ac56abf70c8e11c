@testable import DockerEngine
import Engine
import Foundation
import Plan
import Testing

/// status's one helper for many VMs, as sent: one inspect per container for its pid, then one
/// helper in the host's process namespace that enters each running one; its logs read until its
/// script's last line (no `wait`); its output split by VM.
struct NamespaceReadTests {
    static let range = DesiredRange(name: "t", labels: [], networks: [], vms: [], helperImage: "busybox:latest")

    static func engine(clock: any EngineClock = SystemClock()) throws -> (DockerEngine, RecordingTransport) {
        let transport = RecordingTransport(apiVersion: "1.51")
        transport.script("GET", "/v1.51/containers/c1/json", 200, #"{"Id":"c1","State":{"Running":true,"Pid":101}}"#)
        transport.script("GET", "/v1.51/containers/c2/json", 200, #"{"Id":"c2","State":{"Running":false,"Pid":0}}"#)
        return (try DockerEngine(endpoint: "unix:///test.sock", transport: transport, clock: clock), transport)
    }

    @Test func oneHelperWithTheHostsProcessesEntersEachRunningContainer() throws {
        let (engine, transport) = try Self.engine()
        let logs = RecordingTransport.frames([(1, "rangectl-ns c1\n2: eth0    inet 10.0.0.2/24\nrangectl-status-exit 0\nrangectl-ns-end\n")])
        transport.script("GET", "/v1.51/containers/container-1/logs?stdout=1&stderr=1", 200, String(decoding: logs, as: UTF8.self))
        let before = transport.requests.count
        let read = try engine.readNamespaces(["c1", "c2"], script: "ip -o -4 addr show", range: Self.range)
        #expect(read == ["c1": "2: eth0    inet 10.0.0.2/24\nrangectl-status-exit 0\n"])
        let sent = transport.requests[before...]
        #expect(sent.map { "\($0.method) \($0.path.split(separator: "?")[0])" } == [
            "GET /v1.51/containers/c1/json", "GET /v1.51/containers/c2/json", "POST /v1.51/containers/create",
            "POST /v1.51/containers/container-1/start",
            "GET /v1.51/containers/container-1/logs", "DELETE /v1.51/containers/container-1",
        ])
        let create = try #require(sent.first { $0.path.hasSuffix("/containers/create") }?.body)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(create.utf8)) as? [String: Any])
        let host = try #require(body["HostConfig"] as? [String: Any])
        #expect(host["PidMode"] as? String == "host" && host["NetworkMode"] as? String == "none")
        #expect(host["CapAdd"] as? [String] == ["SYS_ADMIN", "SYS_PTRACE"])
        #expect(body["Env"] as? [String] == ["RANGECTL_READ=ip -o -4 addr show"])
        let script = (body["Cmd"] as? [String])?.last ?? ""
        #expect(script.contains("nsenter -t 101 -n") && !script.contains("c2"), "the stopped container is not entered: \(script)")
        #expect(script.hasSuffix("\necho rangectl-ns-end"))
        #expect((body["Labels"] as? [String: String])?[RangeLabels.range] == "t")
    }

    @Test func anImageWithoutNsenterThrowsSoThatEachVMIsReadOnItsOwn() throws {
        let (engine, transport) = try Self.engine()
        transport.script("GET", "/v1.51/containers/container-1/logs?stdout=1&stderr=1", 200,
                         String(decoding: RecordingTransport.frames([(1, "rangectl-ns-missing\n")]), as: UTF8.self))
        #expect(throws: EngineError.self) { try engine.readNamespaces(["c1"], script: "true", range: Self.range) }
        #expect(transport.requests.last?.method == "DELETE", "the helper is removed all the same")
    }

    static let logsPath = "/v1.51/containers/container-1/logs?stdout=1&stderr=1"

    @Test func theLogsAreReadAgainUntilTheScriptsLastLine() throws {
        let clock = ManualClock()
        let (engine, transport) = try Self.engine(clock: clock)
        transport.script("GET", Self.logsPath, 200, String(decoding: RecordingTransport.frames([(1, "rangectl-ns c1\n")]), as: UTF8.self))
        transport.script("GET", Self.logsPath, 200, String(decoding: RecordingTransport.frames([(1, "rangectl-ns c1\n2: eth0\n")]), as: UTF8.self))
        transport.script("GET", Self.logsPath, 200, String(decoding: RecordingTransport.frames([(1, "rangectl-ns c1\n2: eth0\nrangectl-ns-end\n")]), as: UTF8.self))
        let read = try engine.readNamespaces(["c1"], script: "true", range: Self.range)
        #expect(read == ["c1": "2: eth0\n"])
        #expect(transport.requests.filter { $0.path == Self.logsPath }.count == 3)
        #expect(clock.sleeps == [0.02, 0.02])
        #expect(!transport.requests.contains { $0.path.hasSuffix("/wait") })
    }

    @Test func aHelperThatEndsWithoutItsLastLineIsAFailureSeenAtTheTenthRead() throws {
        let clock = ManualClock()
        let (engine, transport) = try Self.engine(clock: clock)
        let partial = String(decoding: RecordingTransport.frames([(1, "rangectl-ns c1\n"), (2, "Segmentation fault\n")]), as: UTF8.self)
        for _ in 0..<11 { transport.script("GET", Self.logsPath, 200, partial) }
        transport.script("GET", "/v1.51/containers/container-1/json", 200, #"{"Id":"container-1","State":{"Running":false}}"#)
        let error = #expect(throws: EngineError.self) { try engine.readNamespaces(["c1"], script: "true", range: Self.range) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("Segmentation fault"))
        #expect(transport.requests.filter { $0.path == Self.logsPath }.count == 11)
        #expect(clock.sleeps.count == 9)
        #expect(transport.requests.last?.method == "DELETE")
    }
}
