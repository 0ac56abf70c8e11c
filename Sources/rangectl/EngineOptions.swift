import ArgumentParser
import Plan
import ClusterEngine
import DockerEngine
import Engine
import Foundation
import RangeDiagnostics

/// `--host`: which engine to talk to (else DOCKER_HOST, else the default unix socket); or
/// `--engine NAME=URL`, repeated (else RANGECTL_ENGINES): the nodes of a swarm one range spans.
struct EngineOptions: ParsableArguments {
    @Option(help: "The engine: unix:///PATH or tcp://HOST:PORT (default: DOCKER_HOST, else unix:///var/run/docker.sock).")
    var host: String?

    @Option(name: .customLong("engine"),
            help: "NAME=URL: one node of a swarm (repeat for each; default: RANGECTL_ENGINES=\"NAME=URL,NAME=URL\"). With two or more, the range spans them; VMs are placed by `host:` or by hashing.")
    var engines: [String] = []

    func validate() throws {
        if host != nil && !engines.isEmpty { throw ValidationError("give either --host or --engine, not both") }
        if case let .failure(e) = Self.nodes(engines) { throw e }
    }

    /// The named engines given, from `--engine` or else RANGECTL_ENGINES (unless `--host` is given).
    var named: [(name: String, url: String)] {
        let given = !engines.isEmpty ? engines
            : host == nil ? (ProcessInfo.processInfo.environment["RANGECTL_ENGINES"] ?? "").split(separator: ",").map(String.init) : []
        return (try? Self.nodes(given).get()) ?? []
    }

    /// The node names the planner places VMs over: empty unless two or more engines are given.
    var hosts: [String] { named.count >= 2 ? named.map(\.name).sorted() : [] }

    /// `NAME=URL` entries parsed: names of letters, digits, `-`, `_` and `.`, each once.
    static func nodes(_ entries: [String]) -> Result<[(name: String, url: String)], ValidationError> {
        var out: [(name: String, url: String)] = []
        for entry in entries {
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            guard let eq = trimmed.firstIndex(of: "="), eq != trimmed.startIndex, trimmed.index(after: eq) != trimmed.endIndex else {
                return .failure(ValidationError("--engine takes NAME=URL (for example n1=unix:///run/docker.sock), not '\(Diagnostic.excerpt(trimmed))'"))
            }
            let name = String(trimmed[..<eq]), url = String(trimmed[trimmed.index(after: eq)...])
            guard name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }) else {
                return .failure(ValidationError("engine name '\(Diagnostic.excerpt(name))' may only hold letters, digits, '-', '_' and '.'"))
            }
            if out.contains(where: { $0.name == name }) { return .failure(ValidationError("engine name '\(name)' is given twice")) }
            out.append((name, url))
        }
        return .success(out)
    }

    /// Connects and negotiates; any failure is an `engine-unreachable` diagnostic naming the endpoint.
    /// Reads through the engine are retried briefly on faults; writes are sent once. Two or more
    /// named engines must be nodes of one swarm with a manager among them (`cluster-mismatch`).
    func connect() -> Result<any ContainerEngine, Diagnostic> {
        let named = self.named
        if named.count >= 2 { return connectSwarm(named) }
        return Self.docker(host: named.first?.url ?? host, overlay: false, name: named.first?.name).map { RetryingEngine($0) }
    }

    private static func docker(host: String?, overlay: Bool, name: String?) -> Result<DockerEngine, Diagnostic> {
        let which = name.map { "engine '\($0)': " } ?? ""
        switch DockerEndpoint.resolve(host: host, environment: ProcessInfo.processInfo.environment) {
        case let .failure(error):
            return .failure(.error(.engineUnreachable, which + error.description, at: nil))
        case let .success(endpoint):
            do {
                return .success(try DockerEngine(endpoint: endpoint, overlay: overlay))
            } catch let error as EngineError {
                return .failure(.error(.engineUnreachable, which + error.description, at: nil))
            } catch {
                return .failure(.error(.engineUnreachable, "\(which)cannot reach the engine at \(endpoint.text): \(error)", at: nil))
            }
        }
    }

    /// Every node connected and asked where it stands in its swarm, before anything is read or changed.
    private func connectSwarm(_ named: [(name: String, url: String)]) -> Result<any ContainerEngine, Diagnostic> {
        var nodes: [ClusterEngine.Node] = []
        var members: [(name: String, membership: SwarmMembership)] = []
        for n in named {
            switch Self.docker(host: n.url, overlay: true, name: n.name) {
            case let .failure(d): return .failure(d)
            case let .success(engine):
                do {
                    members.append((n.name, try engine.swarmMembership()))
                } catch {
                    return .failure(.error(.engineUnreachable, "engine '\(n.name)': \(error)", at: nil))
                }
                nodes.append(ClusterEngine.Node(name: n.name, engine: RetryingEngine(engine)))
            }
        }
        let (manager, problems) = SwarmCheck.check(members)
        guard let manager, problems.isEmpty else {
            return .failure(.error(.clusterMismatch, "the engines given are not the nodes of one swarm: " + problems.map(\.message).joined(separator: "; "), at: nil))
        }
        return .success(ClusterEngine(nodes: nodes, manager: manager))
    }
}

/// How many calls the Docker engines under any wrappers have received (nil for other engines).
func engineCalls(_ engine: any ContainerEngine) -> Int? {
    if let cluster = engine as? ClusterEngine {
        return cluster.nodes.reduce(0) { $0 + (engineCalls($1.engine) ?? 0) }
    }
    return ((engine as? RetryingEngine)?.base as? DockerEngine ?? engine as? DockerEngine)?.calls
}

/// `--parallelism` of apply, destroy and status: how many independent engine operations run at once.
struct ParallelismOption: ParsableArguments {
    @Option(help: "How many independent engine operations run at once (1 to 64).")
    var parallelism = 8

    func validate() throws {
        guard (1...64).contains(parallelism) else { throw ValidationError("--parallelism must be between 1 and 64") }
    }
}
