@testable import DockerEngine
import Foundation

/// A stand-in for the engine: records every request exactly as `DockerEngine` hands it to the
/// transport, and answers from a script, else with a plausible answer for the endpoint.
final class RecordingTransport: EngineTransport, @unchecked Sendable {
    struct Request: Equatable {
        var method: String
        var path: String
        /// The body as sent (its UTF-8 bytes go on the wire); nil: none.
        var body: String?
    }

    private let lock = NSLock()
    private var recorded: [Request] = []
    private var scripted: [String: [HTTPResponse]] = [:]
    private var nextID = 0
    private let versionAnswer: HTTPResponse
    private let pingAnswer: HTTPResponse
    /// Called with each request before it is answered, outside the lock (to hold requests in flight).
    var onSend: (@Sendable (Request) -> Void)?

    /// A Docker engine speaking up to `apiVersion`: its `GET /_ping` says so in its headers (as
    /// every engine does) unless `ping` is false (then only `GET /version` tells, with `minimum`).
    init(apiVersion: String, minimum: String? = "1.24", ping: Bool = true) {
        let min = minimum.map { #","MinAPIVersion":"\#($0)""# } ?? ""
        versionAnswer = Self.answer(200, #"{"ApiVersion":"\#(apiVersion)"\#(min),"Version":"test"}"#)
        pingAnswer = ping ? HTTPResponse(status: 200, body: Data("OK".utf8), headers: ["api-version": apiVersion, "server": "Docker/test (linux)"])
                          : Self.answer(200, "OK")
    }

    /// An engine whose ping says nothing of its version and that answers `GET /version` with this.
    init(versionAnswer: HTTPResponse) {
        self.versionAnswer = versionAnswer
        pingAnswer = Self.answer(200, "OK")
    }

    /// An engine whose ping answers with these headers (and `GET /version` as `versionAnswer`).
    init(pingHeaders: [String: String], versionAnswer: HTTPResponse = answer(404, "")) {
        self.versionAnswer = versionAnswer
        pingAnswer = HTTPResponse(status: 200, body: Data("OK".utf8), headers: pingHeaders)
    }

    var requests: [Request] { lock.lock(); defer { lock.unlock() }; return recorded }

    /// The next request `METHOD path` (path as sent, with its version prefix and query) gets
    /// this answer instead of the default; several queue up in order.
    func script(_ method: String, _ path: String, _ status: Int, _ body: String = "") {
        lock.lock(); defer { lock.unlock() }
        scripted["\(method) \(path)", default: []].append(Self.answer(status, body))
    }

    func send(_ method: String, _ path: String, body: String?, timeout: Int) throws -> HTTPResponse {
        let request = Request(method: method, path: path, body: body)
        lock.lock()
        recorded.append(request)
        let key = "\(method) \(path)"
        var response: HTTPResponse
        if var queue = scripted[key], !queue.isEmpty {
            response = queue.removeFirst()
            scripted[key] = queue
        } else {
            response = defaultAnswer(method, path)
        }
        let hook = onSend
        lock.unlock()
        hook?(request)
        return response
    }

    static func answer(_ status: Int, _ body: String) -> HTTPResponse {
        HTTPResponse(status: status, body: Data(body.utf8))
    }

    /// Output in the engine's stream format without a TTY: one frame per (stream, text).
    static func frames(_ parts: [(UInt8, String)]) -> Data {
        var out = Data()
        for (stream, text) in parts {
            let n = text.utf8.count
            out.append(contentsOf: [stream, 0, 0, 0, UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)])
            out.append(contentsOf: Array(text.utf8))
        }
        return out
    }

    /// Called with the lock held.
    private func defaultAnswer(_ method: String, _ fullPath: String) -> HTTPResponse {
        if fullPath == "/_ping" { return pingAnswer }
        if fullPath == "/version" { return versionAnswer }
        // Without the version prefix and the query.
        var path = Substring(fullPath.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0])
        if path.hasPrefix("/v"), let slash = path.dropFirst().firstIndex(of: "/") { path = path[slash...] }
        let parts = path.split(separator: "/").map(String.init)
        func newID(_ kind: String) -> String { nextID += 1; return "\(kind)-\(nextID)" }
        switch (method, parts.first ?? "", parts.last ?? "") {
        case ("GET", "info", _): return Self.answer(200, #"{"NCPU":4}"#)
        case ("GET", "networks", _) where parts.count == 1: return Self.answer(200, "[]")
        case ("GET", "containers", "json") where parts.count == 2: return Self.answer(200, "[]")
        case ("GET", "images", "json"):
            return Self.answer(200, #"[{"Id":"sha256:bbbb","RepoTags":["busybox:latest"]},{"Id":"sha256:aaaa","RepoTags":["<none>:<none>"]}]"#)
        case ("POST", "networks", "create"): return Self.answer(201, #"{"Id":"\#(newID("network"))"}"#)
        case ("POST", "networks", "connect"): return Self.answer(200, "")
        case ("POST", "containers", "create"): return Self.answer(201, #"{"Id":"\#(newID("container"))","Warnings":[]}"#)
        case ("POST", "containers", "exec"): return Self.answer(201, #"{"Id":"\#(newID("exec"))"}"#)
        case ("POST", "containers", "start"): return Self.answer(204, "")
        case ("POST", "containers", "wait"): return Self.answer(200, #"{"StatusCode":0}"#)
        case ("GET", "containers", "logs"):
            return HTTPResponse(status: 200, body: Self.frames([(1, "default via 172.30.1.1 dev eth0\n"), (2, "")]))
        case ("GET", "containers", "json"):
            return Self.answer(200, #"{"Id":"\#(parts[1])","State":{"StartedAt":"2026-12-01T10:00:00.123456789Z"},"Config":{"Labels":{}}}"#)
        case ("POST", "exec", "start"):
            return HTTPResponse(status: 200, body: Self.frames([(1, "1: lo    inet 127.0.0.1/8\n"), (2, "ignored\n")]))
        case ("GET", "exec", "json"): return Self.answer(200, #"{"ExitCode":0,"Running":false}"#)
        case ("DELETE", _, _): return Self.answer(204, "")
        default: return Self.answer(404, #"{"message":"no answer scripted for \#(method) \#(fullPath)"}"#)
        }
    }
}
