import ArgumentParser
import DockerEngine
import Engine
import Foundation
import RangeDiagnostics

/// `--host`: which engine to talk to (else DOCKER_HOST, else the default unix socket).
struct EngineOptions: ParsableArguments {
    @Option(help: "The engine: unix:///PATH or tcp://HOST:PORT (default: DOCKER_HOST, else unix:///var/run/docker.sock).")
    var host: String?

    /// Connects and negotiates; any failure is an `engine-unreachable` diagnostic naming the endpoint.
    func connect() -> Result<DockerEngine, Diagnostic> {
        switch DockerEndpoint.resolve(host: host, environment: ProcessInfo.processInfo.environment) {
        case let .failure(error):
            return .failure(.error(.engineUnreachable, error.description, at: nil))
        case let .success(endpoint):
            do {
                return .success(try DockerEngine(endpoint: endpoint))
            } catch let error as EngineError {
                return .failure(.error(.engineUnreachable, error.description, at: nil))
            } catch {
                return .failure(.error(.engineUnreachable, "cannot reach the engine at \(endpoint.text): \(error)", at: nil))
            }
        }
    }
}

extension Diagnostic {
    /// An engine failure during observation, as a diagnostic.
    static func engine(_ error: Error, endpoint: String) -> Diagnostic {
        if let e = error as? EngineError, case .unreachable = e {
            return .error(.engineUnreachable, e.description, at: nil)
        }
        return .error(.engineUnreachable, "the engine at \(endpoint) failed: \(error)", at: nil)
    }
}
