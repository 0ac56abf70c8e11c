import Engine
import Foundation

/// How rangectl agrees an API version with an engine: `GET /_ping`, whose headers every Docker
/// engine (20.10 on) and Podman's compatible API set on each answer (`API-Version`, the newest the
/// engine speaks; `Server`, `Docker/28.5.1 (linux)` or `Libpod/4.3.1 (linux)`; Podman adds
/// `Libpod-API-Version`). `GET /version` says the same and the engine's minimum, but Podman 4.3
/// answers it in 0.5 s (it asks conmon and the OCI runtime for their versions; `_ping` takes 10
/// ms): it is asked only when the ping's headers do not tell. Without the minimum, an engine
/// that no longer speaks the chosen version says so on the next request ("client version ... is
/// too old"), which rangectl shows as the engine's error.
struct Negotiation {
    var version: APIVersion
    var podman: Bool
    /// The engine and its version, for messages ("Podman 4.3.1", "Docker 28.5.1").
    var engineName: String

    static func negotiate(endpoint: String, transport: any EngineTransport, counter: CallCounter) throws -> Negotiation {
        let ping = try transport.send("GET", "/_ping", body: nil, timeout: 15)
        counter.add()
        if ping.status == 200, let agreed = try fromPing(ping.headers, endpoint: endpoint) { return agreed }
        let response = try transport.send("GET", "/version", body: nil, timeout: 15)
        counter.add()
        guard response.status == 200, let v = try? JSONDecoder().decode(VersionResponse.self, from: response.body),
              let server = APIVersion(v.ApiVersion) else {
            throw EngineError.unsupported("the engine at \(endpoint) did not answer GET /version like a Docker engine (HTTP \(response.status))")
        }
        let podman = v.Components?.contains { $0.Name.hasPrefix("Podman") } ?? false
        let chosen = try choose(server, minimum: v.MinAPIVersion.flatMap(APIVersion.init), endpoint: endpoint)
        return Negotiation(version: chosen, podman: podman, engineName: "\(podman ? "Podman" : "Docker") \(v.Version ?? "(version unknown)")")
    }

    /// The agreement the ping's headers (names lowercased) give; nil when they do not say the
    /// engine's API version.
    static func fromPing(_ headers: [String: String], endpoint: String) throws -> Negotiation? {
        guard let server = headers["api-version"].flatMap(APIVersion.init) else { return nil }
        let chosen = try choose(server, minimum: nil, endpoint: endpoint)
        if let libpod = headers["libpod-api-version"] {
            return Negotiation(version: chosen, podman: true, engineName: "Podman \(libpod)")
        }
        // "Docker/28.5.1 (linux)": the part between the slash and the space.
        let product = headers["server"].flatMap { $0.split(separator: " ").first }.map(String.init) ?? ""
        let release = product.hasPrefix("Docker/") ? String(product.dropFirst("Docker/".count)) : "(version unknown)"
        return Negotiation(version: chosen, podman: false, engineName: "Docker \(release)")
    }

    /// min(engine, newest known), refused below the engine's minimum (when known) or below what
    /// rangectl supports.
    static func choose(_ server: APIVersion, minimum: APIVersion?, endpoint: String) throws -> APIVersion {
        let chosen = min(server, DockerEngine.newestKnown)
        if let minimum, chosen < minimum {
            throw EngineError.unsupported("the engine at \(endpoint) needs API \(minimum) or newer; rangectl speaks up to \(DockerEngine.newestKnown)")
        }
        if chosen < DockerEngine.oldestSupported {
            throw EngineError.unsupported("the engine at \(endpoint) speaks API \(server); rangectl needs \(DockerEngine.oldestSupported) or newer (Docker 20.10)")
        }
        return chosen
    }
}
