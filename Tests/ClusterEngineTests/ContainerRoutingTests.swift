import ClusterEngine
import Engine
import Foundation
import InMemoryEngine
import Plan
import Testing

/// Every call on a container goes to the node that holds it: the node a VM is placed on for its
/// create, then the node the create or an inventory found it on, for the container and for a
/// helper started in it. A container no node was seen holding is refused before any node is asked.
struct ContainerRoutingTests {
    static let policy = RouterPolicy(declared: true, restore: "*filter\n:RANGECTL-FORWARD - [0:0]\n-A RANGECTL-FORWARD -j DROP\nCOMMIT\n", hookCommands: [],
                                     hookRules: ["-A FORWARD -j RANGECTL-FORWARD"], rules: ["default deny"], addresses: [])

    @Test func eachVMIsCreatedAndStartedOnTheNodeItIsPlacedOn() throws {
        let swarm = Swarm()
        let ids = try swarm.applied()
        for vm in Fixture.vms {
            let host = try #require(vm.host)
            #expect(swarm[host].container(named: vm.dockerName)?.id == ids[vm.hostname])
            #expect(swarm[host].container(named: vm.dockerName)?.running == true)
            #expect(swarm.calls[host]!.suffix(2) == ["createContainer \(vm.dockerName)", "startContainer \(ids[vm.hostname]!)"], "\(host)")
        }
        #expect(swarm.calls["n2"]!.count == 2 && swarm.calls["n3"]!.count == 2)
    }

    @Test func everyCallOnAContainerGoesToItsNodeAndNoOther() throws {
        let swarm = Swarm()
        let ids = try swarm.applied()
        for (name, node) in swarm.nodes {
            node.commands = { c, command in (7, "\(name) ran \(command.joined(separator: " ")) in \(c.name)") }
            node.helperScripts = { c, script in "\(name) helped \(script) in \(c.name)" }
        }
        for vm in Fixture.vms {
            let host = try #require(vm.host)
            let id = try #require(ids[vm.hostname])
            var router = vm
            router.policy = Self.policy
            swarm.resetCalls()
            let exec = try swarm.cluster.exec(container: id, command: ["hostname"])
            #expect(exec.exitCode == 7 && exec.output == "\(host) ran hostname in \(vm.dockerName)")
            #expect(try swarm.cluster.execOutput(container: id, command: ["id"]) == "\(host) ran id in \(vm.dockerName)")
            #expect(try swarm.cluster.startedAt(container: id) == "start-1")
            try swarm.cluster.setRoutes(vm, containerID: id, range: Fixture.desired)
            _ = try swarm.cluster.readRoutes(containerID: id, range: Fixture.desired)
            try swarm.cluster.setPolicy(router, containerID: id, range: Fixture.desired, removing: [])
            #expect(try swarm.cluster.readPolicy(containerID: id, helperImage: "busybox:latest", range: "t")
                == "-A FORWARD -j RANGECTL-FORWARD\n-A RANGECTL-FORWARD -j DROP")
            let run = try swarm.cluster.runHelper(script: "ip link", in: id, range: Fixture.desired, owner: "t")
            #expect(run.status == 0 && run.output == "\(host) helped ip link in \(vm.dockerName)")
            try swarm.cluster.removeContainer(id: id)
            #expect(swarm.calls[host] == [
                "exec \(id)", "execOutput \(id)", "startedAt \(id)", "setRoutes \(vm.dockerName)", "readRoutes \(id)",
                "setPolicy \(vm.dockerName)", "readPolicy \(id)", "runHelper \(id)", "removeContainer \(id)",
            ], "\(host)")
            #expect(swarm.nodes.filter { $0.key != host }.allSatisfy { $0.value.calls.isEmpty }, "\(vm.hostname)")
            #expect(swarm[host].container(named: vm.dockerName) == nil)
        }
    }

    @Test func aHelperIsFollowedToTheNodeOfTheContainerItRunsIn() throws {
        let swarm = Swarm()
        let ids = try swarm.applied()
        swarm["n2"].helperScripts = { c, script in "n2 listened in \(c.name)" }
        swarm.resetCalls()
        let helper = try swarm.cluster.startHelper(script: "nc -l -p 80", in: ids["two"]!, range: Fixture.desired, owner: "t")
        #expect(swarm["n2"].helperCount == 1)
        let output = try swarm.cluster.helperOutput(id: helper)
        #expect(output.text == "n2 listened in t-two" && output.ended)
        try swarm.cluster.removeContainer(id: helper)
        #expect(swarm["n2"].helperCount == 0)
        #expect(swarm.calls["n2"] == ["startHelper \(ids["two"]!)", "helperOutput \(helper)", "removeContainer \(helper)"])
        #expect(swarm.calls["n1"]!.isEmpty && swarm.calls["n3"]!.isEmpty)
    }

    @Test func aContainerOnlyAnInventorySawIsReachedOnItsNodeAndAnUnseenOneIsRefused() throws {
        let swarm = Swarm()
        // Made on n3 by someone else, or by an apply that was killed: no create of this cluster's.
        let stray = swarm["n3"].addContainer(name: "t-stray", running: false)
        let refused = engineError { try swarm.cluster.startContainer(id: stray) }
        #expect(refused?.unsupportedMessage == "container \(stray) is on none of the swarm's nodes rangectl read")
        #expect(swarm.calls.values.allSatisfy { $0.isEmpty })
        _ = try swarm.cluster.inventory()
        swarm.resetCalls()
        try swarm.cluster.removeContainer(id: stray)
        #expect(swarm.calls["n3"] == ["removeContainer \(stray)"] && swarm["n3"].container(named: "t-stray") == nil)
        #expect(swarm.calls["n1"]!.isEmpty && swarm.calls["n2"]!.isEmpty)
    }

    @Test func aVMPlacedOnNoNodeOrOnANodeNotGivenIsRefusedBeforeAnyNodeIsAsked() throws {
        let swarm = Swarm()
        let labels = SpecEncoding.vmLabels(Fixture.vms[0], range: Fixture.desired)
        let nowhere = engineError { _ = try swarm.cluster.createContainer(Fixture.vm("x", on: nil, ip: "10.200.1.20"), range: Fixture.desired, labels: labels, cpus: 1) }
        #expect(nowhere?.unsupportedMessage == "vm x is placed on no node, which is not one of the engines given (n1, n2, n3)")
        let elsewhere = engineError { _ = try swarm.cluster.createContainer(Fixture.vm("y", on: "n9", ip: "10.200.1.21"), range: Fixture.desired, labels: labels, cpus: 1) }
        #expect(elsewhere?.unsupportedMessage == "vm y is placed on 'n9', which is not one of the engines given (n1, n2, n3)")
        #expect(swarm.calls.values.allSatisfy { $0.isEmpty })
    }

    @Test func containersCreatedFromManyThreadsAtOnceAreEachFollowedToTheirNode() throws {
        let swarm = Swarm()
        _ = try swarm.cluster.createNetwork(Fixture.a, labels: [])
        let hosts = ["n1", "n2", "n3"]
        let vms = (0..<60).map { k in Fixture.vm("v\(k)", on: hosts[k % 3], ip: "10.200.1.\(20 + k)") }
        let failures = Log()
        DispatchQueue.concurrentPerform(iterations: vms.count) { k in
            do {
                let id = try swarm.cluster.createContainer(vms[k], range: Fixture.desired, labels: [], cpus: 1)
                try swarm.cluster.startContainer(id: id)
            } catch {
                failures.add("\(vms[k].hostname): \(error)")
            }
        }
        #expect(failures.entries.isEmpty)
        for vm in vms {
            #expect(swarm[vm.host!].container(named: vm.dockerName)?.running == true, "\(vm.hostname)")
        }
        #expect(swarm.nodes.values.allSatisfy { $0.allContainers.count == 20 })
    }
}
