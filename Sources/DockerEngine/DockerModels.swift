import Plan
import Foundation

// The parts of the Docker Engine API's answers that rangectl reads.

struct VersionResponse: Decodable {
    struct Component: Decodable { var Name: String }
    var ApiVersion: String
    /// Podman's compatible API names itself here ("Podman Engine").
    var Components: [Component]?
    var MinAPIVersion: String?
    var Version: String?
}

struct InfoResponse: Decodable {
    struct Swarm: Decodable {
        struct Cluster: Decodable { var ID: String? }
        var NodeID: String?
        var LocalNodeState: String?
        var ControlAvailable: Bool?
        var Cluster: Cluster?
    }
    var NCPU: Int?
    var Name: String?
    var Swarm: Swarm?
}

/// One entry of a manager's `GET /nodes`.
struct NodeSummary: Decodable {
    var ID: String
}

struct NetworkResponse: Decodable {
    struct IPAM: Decodable {
        struct Config: Decodable {
            var Subnet: String?
            var Gateway: String?
        }
        var Config: [Config]?
    }
    var Id: String
    var Name: String
    var Labels: [String: String]?
    var Internal: Bool?
    var IPAM: IPAM?
}

struct ContainerSummary: Decodable {
    struct NetworkSettings: Decodable {
        struct Endpoint: Decodable {
            struct IPAMConfig: Decodable { var IPv4Address: String? }
            var IPAMConfig: IPAMConfig?
            var MacAddress: String?
            var IPAddress: String?
        }
        var Networks: [String: Endpoint]?
    }
    var Id: String
    var Names: [String]?
    var Image: String?
    var Labels: [String: String]?
    var State: String?
    var NetworkSettings: NetworkSettings?
}

struct ImageSummary: Decodable {
    var RepoTags: [String]?
    var RepoDigests: [String]?
}

struct IdResponse: Decodable {
    var Id: String
}

struct ExecInspect: Decodable {
    var ExitCode: Int?
    var Running: Bool?
}

struct ErrorResponse: Decodable {
    var message: String
}

struct ContainerInspect: Decodable {
    struct State: Decodable { var StartedAt: String?; var Running: Bool?; var Pid: Int? }
    var State: State?
}

struct WaitResponse: Decodable {
    var StatusCode: Int
}

struct ImageID: Decodable {
    var Id: String
}

struct LockInspect: Decodable {
    struct Config: Decodable { var Labels: [String: String]? }
    var Id: String
    var Config: Config?
}

extension ContainerState {
    /// The state from the engine's word for it (`State` of a container summary; Docker and
    /// Podman use the same words, which are also the ones rangectl shows).
    init(engineWord word: String) {
        self = ContainerState.known.first { $0.description == word } ?? .other(word)
    }
}
