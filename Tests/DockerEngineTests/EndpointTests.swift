@testable import DockerEngine
import Engine
import Foundation
import Testing

/// Engine selection: `--host`, else DOCKER_HOST, else the default socket; TLS from the environment.
struct EndpointTests {
    func resolve(_ host: String?, _ env: [String: String] = [:]) -> DockerEndpoint? {
        try? DockerEndpoint.resolve(host: host, environment: env).get()
    }

    @Test func defaultIsTheUnixSocket() {
        #expect(resolve(nil)?.transport == .unixSocket(path: "/var/run/docker.sock"))
        #expect(resolve(nil, ["DOCKER_HOST": ""])?.text == "unix:///var/run/docker.sock")
    }

    @Test func flagWinsOverTheEnvironment() {
        #expect(resolve("unix:///tmp/d.sock", ["DOCKER_HOST": "tcp://h:1"])?.transport == .unixSocket(path: "/tmp/d.sock"))
        #expect(resolve(nil, ["DOCKER_HOST": "tcp://h:1"])?.transport == .tcp(baseURL: "http://h:1", tls: nil))
    }

    @Test func plainTCPIsHTTPOnPort2375() {
        #expect(resolve("tcp://engine")?.transport == .tcp(baseURL: "http://engine:2375", tls: nil))
        #expect(resolve("tcp://10.1.2.3:2375/")?.transport == .tcp(baseURL: "http://10.1.2.3:2375", tls: nil))
    }

    @Test func tlsFromTheEnvironment() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("certs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for f in ["ca.pem", "cert.pem", "key.pem"] { try Data().write(to: dir.appendingPathComponent(f)) }
        let verified = resolve("tcp://engine", ["DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": dir.path])
        #expect(verified?.transport == .tcp(baseURL: "https://engine:2376", tls: .init(
            ca: dir.path + "/ca.pem", cert: dir.path + "/cert.pem", key: dir.path + "/key.pem", verify: true)))
        // Port 2376 means TLS even without DOCKER_TLS_VERIFY, but without verification.
        let unverified = resolve("tcp://engine:2376", ["DOCKER_CERT_PATH": "/nonexistent"])
        #expect(unverified?.transport == .tcp(baseURL: "https://engine:2376", tls: .init(ca: nil, cert: nil, key: nil, verify: false)))
    }

    @Test(arguments: ["http://engine", "unix://relative.sock", "tcp://", "tcp://a/b", "ssh://host"])
    func malformedHostsAreRefused(_ host: String) {
        #expect(resolve(host) == nil)
    }

    @Test func unreachableSocketIsATypedError() {
        let endpoint = resolve("unix:///nonexistent/docker.sock")!
        #expect(throws: EngineError.self) { try DockerEngine(endpoint: endpoint) }
        do {
            _ = try DockerEngine(endpoint: endpoint)
        } catch let EngineError.unreachable(where_, _) {
            #expect(where_ == "unix:///nonexistent/docker.sock")
        } catch {
            Issue.record("expected unreachable, got \(error)")
        }
    }
}

struct StreamTests {
    @Test func demultiplexKeepsStandardOutputFrames() {
        func frame(_ stream: UInt8, _ text: String) -> [UInt8] {
            let body = Array(text.utf8)
            let n = body.count
            return [stream, 0, 0, 0, UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + body
        }
        let data = Data(frame(1, "eth0 ") + frame(2, "noise") + frame(1, "10.0.0.1\n") + [1, 0, 0])
        #expect(DockerEngine.demultiplex(data) == "eth0 10.0.0.1\n")
    }
}
