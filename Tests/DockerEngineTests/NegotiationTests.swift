@testable import DockerEngine
import Engine
import Foundation
import Plan
import Testing

/// The API version is chosen from `GET /_ping`'s headers (else `GET /version`): the engine's,
/// capped at the newest rangectl knows (1.54), refused below the engine's minimum (when
/// `/version` tells it) or below 1.41; every later path carries it.
struct NegotiationTests {
    @Test(arguments: [
        ("1.41", "1.41"), ("1.44", "1.44"), ("1.45", "1.45"), ("1.48", "1.48"),
        ("1.51", "1.51"), ("1.54", "1.54"), ("1.60", "1.54"), ("2.3", "1.54"),
    ])
    func chosenVersion(_ server: String, _ chosen: String) throws {
        let transport = RecordingTransport(apiVersion: server, minimum: "1.24")
        let engine = try DockerEngine(endpoint: "unix:///test.sock", transport: transport)
        #expect(engine.apiVersion.description == chosen)
        try engine.startContainer(id: "c")
        #expect(transport.requests == [
            .init(method: "GET", path: "/_ping", body: nil),
            .init(method: "POST", path: "/v\(chosen)/containers/c/start", body: nil),
        ])
    }

    @Test func aPingThatDoesNotSayTheVersionIsFollowedByVersion() throws {
        let transport = RecordingTransport(apiVersion: "1.45", ping: false)
        let engine = try DockerEngine(endpoint: "e", transport: transport)
        #expect(engine.apiVersion == APIVersion(1, 45))
        #expect(transport.requests.map(\.path) == ["/_ping", "/version"])
        #expect(engine.calls == 2)
    }

    @Test func thePingsServerHeaderNamesTheEngine() throws {
        let docker = try DockerEngine(endpoint: "e", transport: RecordingTransport(pingHeaders: ["api-version": "1.51", "server": "Docker/28.5.1 (linux)"]))
        #expect(!docker.isPodman && docker.capabilities.engineName == "Docker 28.5.1" && docker.apiVersion == APIVersion(1, 51))
        let podman = try DockerEngine(endpoint: "e", transport: RecordingTransport(pingHeaders: [
            "api-version": "1.41", "server": "Libpod/4.3.1 (linux)", "libpod-api-version": "4.3.1"]))
        #expect(podman.isPodman && podman.capabilities.engineName == "Podman 4.3.1")
        #expect(!podman.features.endpointsAtCreate)
        let unnamed = try DockerEngine(endpoint: "e", transport: RecordingTransport(pingHeaders: ["api-version": "1.48"]))
        #expect(unnamed.capabilities.engineName == "Docker (version unknown)")
    }

    @Test func withoutAMinimumTheEnginesVersionIsUsed() throws {
        let engine = try DockerEngine(endpoint: "e", transport: RecordingTransport(apiVersion: "1.43", minimum: nil))
        #expect(engine.apiVersion == APIVersion(1, 43))
    }

    func refusal(_ transport: RecordingTransport) -> String? {
        let error = #expect(throws: EngineError.self) { try DockerEngine(endpoint: "unix:///test.sock", transport: transport) }
        guard case let .unsupported(text)? = error else { return nil }
        return text
    }

    @Test func belowDocker2010IsRefused() {
        let text = refusal(RecordingTransport(apiVersion: "1.40", minimum: "1.12"))
        #expect(text == "the engine at unix:///test.sock speaks API 1.40; rangectl needs 1.41 or newer (Docker 20.10)")
    }

    @Test func anEngineWhoseMinimumIsAboveTheNewestKnownIsRefused() {
        let text = refusal(RecordingTransport(apiVersion: "1.60", minimum: "1.55", ping: false))
        #expect(text == "the engine at unix:///test.sock needs API 1.55 or newer; rangectl speaks up to 1.54")
    }

    @Test(arguments: [
        RecordingTransport.answer(500, #"{"message":"boom"}"#),
        RecordingTransport.answer(200, "<html>not an engine</html>"),
        RecordingTransport.answer(200, #"{"ApiVersion":"one.two"}"#),
    ])
    func anAnswerThatIsNotAnEnginesIsRefused(_ answer: HTTPResponse) {
        let text = refusal(RecordingTransport(versionAnswer: answer))
        #expect(text?.hasPrefix("the engine at unix:///test.sock did not answer GET /version like a Docker engine") == true)
    }
}

/// Before API 1.49 a network's endpoints must be released one at a time (moby#42119): the engine
/// says so in its capabilities, and the plan's graph orders the removals (OperationGraphTests).
struct RemovalTests {
    @Test(arguments: [("1.41", false), ("1.48", false), ("1.49", true), ("1.51", true)])
    func exactEndpointCountFrom149(_ version: String, _ exact: Bool) throws {
        let engine = try DockerEngine(endpoint: "e", transport: RecordingTransport(apiVersion: version))
        #expect(engine.capabilities.exactEndpointCount == exact)
        #expect(try engine.inventory().capabilities.exactEndpointCount == exact)
    }
}


/// What each API version changes in the requests, at the edges of each change.
struct FeaturesTests {
    @Test(arguments: [
        // version, endpoints at create, interface order, gateway mode nat-unprotected, serial removals
        ("1.41", false, false, false, true), ("1.43", false, false, false, true), ("1.44", true, false, false, true),
        ("1.47", true, false, false, true), ("1.48", true, true, true, true), ("1.49", true, true, true, false),
        ("1.54", true, true, true, false),
    ])
    func featuresPerVersion(_ version: String, _ atCreate: Bool, _ order: Bool, _ unprotected: Bool, _ serial: Bool) {
        let f = DockerAPIFeatures(APIVersion(version)!)
        #expect(f.endpointsAtCreate == atCreate)
        #expect(f.interfaceOrder == order)
        #expect(f.gatewayModeUnprotected == unprotected)
        #expect(f.serialRemovals == serial)
    }
}

/// Podman's compatible API names itself in `/version` (and in its ping, `NegotiationTests`); it gets its NICs connected one at a time
/// in order (whatever API it reports), and the layout it really gives.
struct PodmanDetectionTests {
    static let podmanVersion = RecordingTransport.answer(200, #"{"ApiVersion":"1.41","MinAPIVersion":"1.24","Version":"4.3.1","Components":[{"Name":"Podman Engine","Version":"4.3.1"}]}"#)

    @Test func podmanIsRecognisedAndReportsItsLayout() throws {
        let engine = try DockerEngine(endpoint: "e", transport: RecordingTransport(versionAnswer: Self.podmanVersion))
        #expect(engine.isPodman)
        let inventory = try engine.inventory()
        #expect(inventory.interfaceLayout == .manifestNamesAnyRoute && !inventory.capabilities.forwardsBetweenNetworks)
    }

    @Test func dockerIsNotPodmanAndReportsItsVersionsLayout() throws {
        for (version, layout) in [("1.41", InterfaceLayout.sortedByName), ("1.45", .sortedByName), ("1.48", .manifest), ("1.51", .manifest)] {
            let engine = try DockerEngine(endpoint: "e", transport: RecordingTransport(apiVersion: version))
            #expect(!engine.isPodman)
            let inventory = try engine.inventory()
            #expect(inventory.interfaceLayout == layout && inventory.capabilities.forwardsBetweenNetworks, "API \(version)")
        }
    }

    @Test func podmansNameInUse500IsTheConflictItIs() throws {
        let transport = RecordingTransport(versionAnswer: Self.podmanVersion)
        let engine = try DockerEngine(endpoint: "e", transport: transport)
        transport.script("POST", "/v1.41/containers/create?name=t.lock", 500,
                         #"{"message":"container create: creating container storage: the container name \"t.lock\" is already in use by f3bf. You have to remove that container to be able to reuse that name: that name is already in use"}"#)
        transport.script("GET", "/v1.41/containers/t.lock/json", 200, #"{"Id":"held","Config":{"Labels":{"io.rangectl.lock-token":"x"}}}"#)
        let got = try engine.claimLock(name: "t.lock", labels: [])
        #expect(got.id == "held" && got.labels == ["io.rangectl.lock-token": "x"])
        // On Docker a 500 stays a 500.
        let docker = RecordingTransport(apiVersion: "1.41")
        let dockerEngine = try DockerEngine(endpoint: "e", transport: docker)
        docker.script("POST", "/v1.41/containers/create?name=t.lock", 500, #"{"message":"that name is already in use"}"#)
        #expect(throws: EngineError.http(status: 500, message: "that name is already in use", request: "POST /containers/create")) {
            _ = try dockerEngine.claimLock(name: "t.lock", labels: [])
        }
    }

    @Test func podmansNoSuchContainer500DuringARemovalIsTheAbsenceItIs() throws {
        // A lock held when we tried, released while we read it: claim again, and win.
        let transport = RecordingTransport(versionAnswer: Self.podmanVersion)
        let engine = try DockerEngine(endpoint: "e", transport: transport)
        transport.script("POST", "/v1.41/containers/create?name=t.lock", 500, #"{"message":"that name is already in use"}"#)
        transport.script("GET", "/v1.41/containers/t.lock/json", 500,
                         #"{"message":"container 4074 does not exist in database: no such container"}"#)
        transport.script("POST", "/v1.41/containers/create?name=t.lock", 201, #"{"Id":"mine"}"#)
        let got = try engine.claimLock(name: "t.lock", labels: [KeyValue("io.rangectl.lock-token", "y")])
        #expect(got.id == "mine" && got.labels == ["io.rangectl.lock-token": "y"])
        // On Docker a 500 stays a 500.
        let docker = RecordingTransport(apiVersion: "1.41")
        let dockerEngine = try DockerEngine(endpoint: "e", transport: docker)
        docker.script("POST", "/v1.41/containers/create?name=t.lock", 409, #"{"message":"Conflict."}"#)
        docker.script("GET", "/v1.41/containers/t.lock/json", 500, #"{"message":"no such container"}"#)
        #expect(throws: EngineError.http(status: 500, message: "no such container", request: "GET /containers/t.lock/json")) {
            _ = try dockerEngine.claimLock(name: "t.lock", labels: [])
        }
    }

    @Test func podmanNeverGetsEndpointsAtCreateNorInterfaceOrder() {
        let features = DockerAPIFeatures(APIVersion(1, 51), podman: true)
        #expect(!features.endpointsAtCreate && !features.interfaceOrder)
        #expect(features.gatewayModeUnprotected == DockerAPIFeatures(APIVersion(1, 51)).gatewayModeUnprotected)
    }
}
