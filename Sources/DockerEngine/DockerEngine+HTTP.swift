import Engine
import Foundation
import Plan
import RangeDiagnostics

/// The HTTP round trips every request goes through: the version prefix, the call count, the
/// engine's error message read from its answer.
extension DockerEngine {
    func send(_ method: String, _ path: String, body: JSONValue? = nil, timeout: Int = 300) throws -> HTTPResponse {
        counter.add()
        var response = try transport.send(method, prefix + path, body: body?.serialized(), timeout: timeout)
        // Podman answers a create whose name another create took a moment before with 500
        // "... that name is already in use" where Docker says 409 (seen on 4.3): the same conflict.
        // And a read of a container that another client is removing at that moment with 500
        // "... does not exist in database: no such container" (seen on 4.3, a lock released while
        // a second run read it): the container is gone, as a 404 says.
        if isPodman && response.status == 500 {
            let message = String(decoding: response.body.prefix(1000), as: UTF8.self)
            if message.contains("name is already in use") { response.status = 409 }
            else if message.contains("no such container") { response.status = 404 }
        }
        return response
    }

    func get<T: Decodable>(_ path: String) throws -> T {
        let response = try send("GET", path)
        guard response.status == 200 else { throw error(response, "GET \(path)") }
        return try decode(response, "GET \(path)")
    }

    func post<T: Decodable>(_ path: String, _ body: JSONValue) throws -> T {
        let response = try send("POST", path, body: body)
        guard (200..<300).contains(response.status) else { throw error(response, "POST \(path.split(separator: "?")[0])") }
        return try decode(response, "POST \(path)")
    }

    func call(_ method: String, _ path: String, body: JSONValue? = nil, allow: Set<Int> = []) throws {
        let response = try send(method, path, body: body)
        guard (200..<300).contains(response.status) || allow.contains(response.status) else {
            throw error(response, "\(method) \(path.split(separator: "?")[0])")
        }
    }

    func decode<T: Decodable>(_ response: HTTPResponse, _ request: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: response.body)
        } catch {
            throw EngineError.unsupported("\(request): the engine's answer could not be read (\(error))")
        }
    }

    func error(_ response: HTTPResponse, _ request: String) -> EngineError {
        let message = (try? JSONDecoder().decode(ErrorResponse.self, from: response.body))?.message
            ?? String(decoding: response.body.prefix(500), as: UTF8.self)
        return .http(status: response.status, message: message.trimmingCharacters(in: .whitespacesAndNewlines), request: request)
    }
}
