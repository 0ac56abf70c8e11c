import Plan

/// A container engine as rangectl needs it: observe everything relevant in a constant number of
/// calls, and perform one operation at a time. Implementations are thread-safe: the applier calls
/// them from several threads at once. (The real one is `DockerEngine`; tests also use an in-memory one.)
public protocol ContainerEngine: AnyObject, Sendable {
    /// Where the engine is, for messages (`unix:///var/run/docker.sock`).
    var endpoint: String { get }
    /// The API version in use, negotiated with the engine.
    var apiVersion: APIVersion { get }

    /// Every network, every container, the local images and the CPU count: one consistent snapshot.
    func inventory() throws -> EngineInventory

    /// Creates a network; returns its id.
    func createNetwork(_ network: DesiredNetwork, labels: [KeyValue]) throws -> String
    func removeNetwork(id: String) throws

    /// Creates a container (stopped) with its primary NIC, connects every further NIC in manifest
    /// order, and returns its id. `cpus` is the CPU limit after clamping to the engine's CPUs.
    func createContainer(_ vm: DesiredVM, range: DesiredRange, labels: [KeyValue], cpus: Int) throws -> String
    func startContainer(id: String) throws
    /// Removes a container, running or not, with its anonymous volumes. A missing one is not an error.
    func removeContainer(id: String) throws

    /// Runs a command inside a running container; returns its exit code and standard output.
    func exec(container id: String, command: [String]) throws -> (exitCode: Int, output: String)
}

/// What went wrong talking to an engine, with the engine's own words where it gave them.
public enum EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No connection could be made (socket missing, refused, TLS failure, timeout).
    case unreachable(endpoint: String, reason: String)
    /// The engine answered with an error status.
    case http(status: Int, message: String, request: String)
    /// The engine's API is older than rangectl supports, or it answered something unreadable.
    case unsupported(String)

    public var description: String {
        switch self {
        case let .unreachable(endpoint, reason): return "cannot reach the engine at \(endpoint): \(reason)"
        case let .http(status, message, request): return "\(request): \(message) (HTTP \(status))"
        case let .unsupported(message): return message
        }
    }

    /// 404 from the engine.
    public var isNotFound: Bool {
        if case let .http(status, _, _) = self { return status == 404 }
        return false
    }
}
