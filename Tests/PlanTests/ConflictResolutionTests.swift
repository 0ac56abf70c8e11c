import Plan
import Testing

/// What a create that met a conflict does, decided from a fresh observation by labels and spec
/// only: adopt the range's own object as planned, create again one left half-made, else report.
struct ConflictResolutionTests {
    let d = Fixture.desired()

    func network(_ live: [ObservedNetwork]) -> ConflictResolution {
        CreationConflict.network(Fixture.a, range: d, in: Fixture.inventory(networks: live))
    }

    func vm(_ live: [ObservedContainer]) -> ConflictResolution {
        CreationConflict.vm(Fixture.web, range: d, in: Fixture.inventory(containers: live))
    }

    @Test func nothingThereYetIsAbsent() {
        #expect(network([]) == .absent)
        #expect(vm([]) == .absent)
        #expect(network([Fixture.foreignNetwork("t-b", "10.200.2.0/24")]) == .absent)
    }

    @Test func theRangesOwnNetworkAsPlannedIsAdopted() {
        #expect(network([Fixture.live(Fixture.a, of: d, id: "n7")]) == .adopt(id: "n7"))
    }

    @Test func aNetworkNotOursOrNotAsPlannedIsReported() {
        #expect(network([Fixture.foreignNetwork("t-a", "10.200.1.0/24")]) == .report)
        var otherSpec = Fixture.live(Fixture.a, of: d)
        otherSpec.labels[RangeLabels.specHash] = "0000000000000000"
        #expect(network([otherSpec]) == .report)
        var otherRange = Fixture.live(Fixture.a, of: d)
        otherRange.labels[RangeLabels.range] = "u"
        #expect(network([otherRange]) == .report)
        var unmanaged = Fixture.live(Fixture.a, of: d)
        unmanaged.labels[RangeLabels.managed] = nil
        #expect(network([unmanaged]) == .report)
    }

    @Test func theRangesOwnContainerAttachedAsPlannedIsAdoptedStartedOrNot() {
        for state in [ContainerState.created, .running, .exited] {
            #expect(vm([Fixture.live(Fixture.web, of: d, id: "c7", state: state)]) == .adopt(id: "c7"), "\(state)")
        }
    }

    @Test func aNeverStartedContainerMissingANICIsCreatedAgain() {
        var half = Fixture.live(Fixture.web, of: d, id: "c7", state: .created)
        half.endpoints.removeLast()
        #expect(vm([half]) == .recreate(id: "c7"))
        var other = Fixture.live(Fixture.web, of: d, id: "c7", state: .created)
        other.endpoints[0].configuredIP = Fixture.ip("10.200.1.99")
        #expect(vm([other]) == .recreate(id: "c7"))
    }

    @Test func aStartedContainerNotAttachedAsPlannedIsReported() {
        var half = Fixture.live(Fixture.web, of: d, state: .running)
        half.endpoints.removeLast()
        #expect(vm([half]) == .report)
    }

    @Test func aContainerNotOursOrNotAsPlannedIsReported() {
        #expect(vm([Fixture.foreignContainer("t-web")]) == .report)
        for key in [RangeLabels.specHash, RangeLabels.interfaces, RangeLabels.vm] {
            var changed = Fixture.live(Fixture.web, of: d, state: .created)
            changed.labels[key] = "other"
            #expect(vm([changed]) == .report, "\(key)")
        }
    }
}
