import Engine
import Testing

/// Several engines are one range's nodes only when they are active nodes of one swarm with a
/// manager among them; each problem names its engine, and every problem is reported at once.
struct SwarmCheckTests {
    static func manager(_ node: String, cluster: String = "c1", members: Set<String> = ["m1", "w1", "w2"]) -> SwarmMembership {
        SwarmMembership(nodeID: node, state: "active", isManager: true, clusterID: cluster, members: members, hostname: node)
    }

    static func worker(_ node: String, state: String = "active") -> SwarmMembership {
        SwarmMembership(nodeID: state == "active" ? node : "", state: state, isManager: false, clusterID: nil, members: [], hostname: node)
    }

    @Test func oneManagerAndItsWorkersAreOneSwarm() {
        let result = SwarmCheck.check([("n2", Self.worker("w1")), ("n1", Self.manager("m1")), ("n3", Self.worker("w2"))])
        #expect(result.problems.isEmpty)
        #expect(result.manager == "n1")
    }

    @Test func theFirstManagerByNameManages() {
        let result = SwarmCheck.check([("b", Self.manager("m2")), ("a", Self.manager("m1"))])
        #expect(result.manager == "a")
    }

    @Test func aWorkerOfAnotherSwarmIsNamed() {
        let result = SwarmCheck.check([("n1", Self.manager("m1")), ("n2", Self.worker("w1")), ("n3", Self.worker("x9"))])
        #expect(result.manager == nil)
        #expect(result.problems.map(\.engine) == ["n3"])
        #expect(result.problems[0].message.contains("not among that manager's nodes"))
    }

    @Test func aManagerOfAnotherClusterIsNamed() {
        let result = SwarmCheck.check([("n1", Self.manager("m1")), ("n2", Self.manager("m2", cluster: "c2"))])
        #expect(result.problems.map(\.engine) == ["n2"])
        #expect(result.problems[0].message.contains("another swarm (cluster c2)"))
    }

    @Test func withoutAManagerNothingIsOneSwarm() {
        let result = SwarmCheck.check([("n1", Self.worker("w1")), ("n2", Self.worker("w2"))])
        #expect(result.manager == nil)
        #expect(result.problems.count == 1 && result.problems[0].message.contains("none of the engines given is a manager"))
    }

    @Test func everyEngineOutsideASwarmIsNamedInOneRun() {
        let result = SwarmCheck.check([("n1", Self.manager("m1")), ("n2", Self.worker("", state: "inactive")), ("n3", Self.worker("", state: "pending"))])
        #expect(result.problems.map(\.engine) == ["n2", "n3"])
        #expect(result.problems[1].message.contains("swarm state is pending"))
    }
}
