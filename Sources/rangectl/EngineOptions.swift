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
    /// Reads through the engine are retried briefly on faults; writes are sent once.
    func connect() -> Result<any ContainerEngine, Diagnostic> {
        switch DockerEndpoint.resolve(host: host, environment: ProcessInfo.processInfo.environment) {
        case let .failure(error):
            return .failure(.error(.engineUnreachable, error.description, at: nil))
        case let .success(endpoint):
            do {
                return .success(RetryingEngine(try DockerEngine(endpoint: endpoint)))
            } catch let error as EngineError {
                return .failure(.error(.engineUnreachable, error.description, at: nil))
            } catch {
                return .failure(.error(.engineUnreachable, "cannot reach the engine at \(endpoint.text): \(error)", at: nil))
            }
        }
    }
}

/// How many calls the Docker engine under any wrappers has received (nil for other engines).
func engineCalls(_ engine: any ContainerEngine) -> Int? {
    ((engine as? RetryingEngine)?.base as? DockerEngine ?? engine as? DockerEngine)?.calls
}

/// `--parallelism` of apply, destroy and status: how many independent engine operations run at once.
struct ParallelismOption: ParsableArguments {
    @Option(help: "How many independent engine operations run at once (1 to 64).")
    var parallelism = 8

    func validate() throws {
        guard (1...64).contains(parallelism) else { throw ValidationError("--parallelism must be between 1 and 64") }
    }
}
