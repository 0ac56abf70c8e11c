import Foundation

/// One HTTP exchange with the engine.
struct HTTPResponse {
    var status: Int
    var body: Data
    /// The answer's headers, names lowercased (a repeated header: its last value).
    var headers: [String: String] = [:]
}

/// How `DockerEngine` reaches the engine: one request, one answer. `CurlTransport` is the real
/// one; the tests put a recording one in its place, so they check what `DockerEngine` itself
/// sends, byte for byte, without an engine. Implementations are thread-safe.
protocol EngineTransport: Sendable {
    /// Sends a request to `path` (with its `/vX.Y` prefix); `body` is JSON text and goes out as
    /// its UTF-8 bytes (a POST without one sends an empty body). Throws `unreachable` when no
    /// answer came at all.
    func send(_ method: String, _ path: String, body: String?, timeout: Int) throws -> HTTPResponse
}
