import Engine
import Foundation

/// Where the engine listens and how to reach it: a unix socket, or TCP with optional TLS.
/// Chosen from `--host`, else `DOCKER_HOST`, else the default socket (CLI.md).
public struct DockerEndpoint: Equatable, Sendable {
    public enum Transport: Equatable, Sendable {
        case unixSocket(path: String)
        /// `baseURL` is `http://host:port` or `https://host:port`.
        case tcp(baseURL: String, tls: TLSFiles?)
    }

    /// Client TLS material (DOCKER_CERT_PATH) and whether to verify the engine (DOCKER_TLS_VERIFY).
    public struct TLSFiles: Equatable, Sendable {
        public var ca: String?
        public var cert: String?
        public var key: String?
        public var verify: Bool
    }

    public var text: String
    public var transport: Transport

    public static let defaultHost = "unix:///var/run/docker.sock"

    /// Resolves the endpoint from the flag and the environment; nil with a reason when malformed.
    public static func resolve(host: String?, environment: [String: String]) -> Result<DockerEndpoint, EngineError> {
        let text = host ?? environment["DOCKER_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultHost
        if text.hasPrefix("unix://") {
            let path = String(text.dropFirst("unix://".count))
            guard path.hasPrefix("/") else { return .failure(.unsupported("engine host \(text): a unix socket needs an absolute path")) }
            return .success(DockerEndpoint(text: text, transport: .unixSocket(path: path)))
        }
        if text.hasPrefix("tcp://") {
            var hostPort = String(text.dropFirst("tcp://".count))
            while hostPort.hasSuffix("/") { hostPort.removeLast() }
            guard !hostPort.isEmpty, !hostPort.contains("/") else { return .failure(.unsupported("engine host \(text) is not tcp://HOST:PORT")) }
            let verify = !(environment["DOCKER_TLS_VERIFY"] ?? "").isEmpty
            let useTLS = verify || !(environment["DOCKER_TLS"] ?? "").isEmpty || hostPort.hasSuffix(":2376")
            if !hostPort.contains(":") || hostPort.hasSuffix("]") { hostPort += useTLS ? ":2376" : ":2375" }
            var tls: TLSFiles?
            if useTLS {
                let dir = environment["DOCKER_CERT_PATH"].flatMap { $0.isEmpty ? nil : $0 }
                    ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.docker")
                func file(_ name: String) -> String? {
                    let path = dir + "/" + name
                    return FileManager.default.fileExists(atPath: path) ? path : nil
                }
                tls = TLSFiles(ca: file("ca.pem"), cert: file("cert.pem"), key: file("key.pem"), verify: verify)
            }
            return .success(DockerEndpoint(text: text, transport: .tcp(baseURL: (useTLS ? "https://" : "http://") + hostPort, tls: tls)))
        }
        return .failure(.unsupported("engine host \(text) is neither unix:///PATH nor tcp://HOST:PORT"))
    }
}
