import Plan
import Testing

/// Instances' address space: the span of a range, the blocks instances get (stable when names are
/// added or removed, given the pins), and every kind of address re-based within the span.
struct InstanceSpaceTests {
    static func net(_ s: String) -> IPv4Subnet { try! IPv4Subnet.parse(s, allowedPrefixes: 0...32).get() }
    static func ip(_ s: String) -> IPv4Address { IPv4Address(s)! }

    @Test(arguments: [
        (["172.16.0.0/24", "172.16.1.0/24", "172.16.2.0/24"], "172.16.0.0/22"),   // three /24s from .0 to .2
        (["172.16.0.0/24"], "172.16.0.0/24"),
        (["10.0.1.0/24", "10.0.2.0/24"], "10.0.0.0/22"),                          // not /24-aligned at its start
        (["10.0.3.0/24", "10.0.4.0/24"], "10.0.0.0/21"),                          // across a /22 border
        (["192.168.7.0/30"], "192.168.7.0/30"),                                   // a /30 range
        (["192.168.7.0/30", "192.168.7.8/29"], "192.168.7.0/28"),
    ])
    func theSpanIsTheSmallestAlignedBlockCoveringEverySubnet(_ subnets: [String], _ span: String) {
        #expect(InstanceSpace.span(of: subnets.map(Self.net)) == Self.net(span))
    }

    @Test func instancesTakeTheKthBlockInTheOrderWritten() throws {
        let blocks = try InstanceSpace.blocks(names: ["alice", "bob", "carol"], span: Self.net("172.16.0.0/22"), space: Self.net("10.128.0.0/12")).get()
        #expect(blocks.map { "\($0.name) \($0.block)" } == ["alice 10.128.0.0/22", "bob 10.128.4.0/22", "carol 10.128.8.0/22"])
    }

    @Test func addingANameAtTheEndOrRemovingOneMovesNoOther() throws {
        let span = Self.net("172.16.0.0/22"), space = Self.net("10.128.0.0/12")
        let three = try InstanceSpace.blocks(names: ["alice", "bob", "carol"], span: span, space: space).get()
        let four = try InstanceSpace.blocks(names: ["alice", "bob", "carol", "dave"], span: span, space: space).get()
        #expect(Array(four.prefix(3)).map(\.block) == three.map(\.block))
        // bob removed: with the others pinned to their blocks (the lock records them), none moves,
        // and a name added later does not take bob's block while the pins say it is someone's.
        let pins = ["alice": 0, "carol": 2]
        let two = try InstanceSpace.blocks(names: ["alice", "carol"], span: span, space: space, pins: pins).get()
        #expect(two.map(\.block) == [three[0].block, three[2].block])
        let later = try InstanceSpace.blocks(names: ["alice", "carol", "erin"], span: span, space: space, pins: pins.merging(["bob": 1]) { a, _ in a }).get()
        #expect(later.map(\.block) == [three[0].block, three[2].block, Self.net("10.128.12.0/22")])
        // Once bob's objects are gone (no pin), the next name may take block 1 again.
        let reused = try InstanceSpace.blocks(names: ["alice", "carol", "erin"], span: span, space: space, pins: pins).get()
        #expect(reused[2].block == three[1].block)
    }

    @Test(arguments: [
        ("10.128.0.0/22", "172.16.0.0/22", 2, InstanceSpace.Refusal.exhausted(fit: 1, needed: 2)),
        ("10.128.0.0/24", "172.16.0.0/22", 1, .exhausted(fit: 0, needed: 1)),
        ("10.128.0.0/21", "172.16.0.0/22", 3, .exhausted(fit: 2, needed: 3)),
        ("172.16.0.0/16", "172.16.0.0/22", 1, .overlapsSpan),
    ])
    func aSpaceTooSmallOrOverlappingTheRangeIsRefusedSayingHowManyFit(_ space: String, _ span: String, _ count: Int, _ refusal: InstanceSpace.Refusal) {
        let names = (1...count).map { String(format: "%02d", $0) }
        guard case let .failure(got) = InstanceSpace.blocks(names: names, span: Self.net(span), space: Self.net(space)) else {
            Issue.record("\(space) for \(count) x \(span) was accepted")
            return
        }
        #expect(got == refusal)
    }

    @Test func everyKindOfAddressKeepsItsOffsetWithinTheSpan() {
        let span = Self.net("172.16.0.0/22"), block = Self.net("10.128.4.0/22")
        var dmz = DesiredNetwork(name: "dmz", dockerName: "lab-dmz", subnet: Self.net("172.16.1.0/24"), gateway: Self.ip("172.16.1.1"),
                                 reserved: 9, internal: false, router: "fw", bridgeIP: Self.ip("172.16.1.254"))
        dmz.swarmRange = Self.net("172.16.1.248/29")
        var fw = DesiredVM(hostname: "fw", dockerName: "lab-fw", image: "busybox", cpu: 1, ramMB: 256, diskGB: 0, privileged: false, capAdd: [],
                           sysctls: [], env: [], command: nil,
                           interfaces: [DesiredInterface(name: "eth0", network: "dmz", ip: Self.ip("172.16.1.1"), primary: true, auto: false, router: true)],
                           routes: [DesiredRoute(to: "default", via: Self.ip("172.16.1.254")), DesiredRoute(to: "172.16.2.0/24", via: Self.ip("172.16.1.5")),
                                    DesiredRoute(to: "192.168.50.0/24", via: Self.ip("172.16.1.6"))])
        fw.host = "n2"
        let range = DesiredRange(name: "lab", labels: [], networks: [dmz], vms: [fw])
        let bob = InstanceSpace.instance(range, named: "bob", span: span, block: block)
        let n = bob.networks[0], v = bob.vms[0]
        #expect(bob.name == "lab" && n.instance == "bob" && v.instance == "bob" && n.dockerName == "lab-bob-dmz" && v.dockerName == "lab-bob-fw" && v.host == "n2")
        #expect(n.subnet == Self.net("10.128.5.0/24") && n.gateway == Self.ip("10.128.5.1") && n.bridgeIP == Self.ip("10.128.5.254"))
        #expect(n.swarmRange == Self.net("10.128.5.248/29"))
        #expect(v.interfaces[0].ip == Self.ip("10.128.5.1"))
        // A route's target inside the span moves; one outside it (and `default`) stays; every gateway moves.
        #expect(v.routes.map(\.description) == ["default via 10.128.5.254", "10.128.6.0/24 via 10.128.5.5", "192.168.50.0/24 via 10.128.5.6"])
        // The original is untouched, and an address outside the span never moves.
        #expect(range.networks[0].subnet == Self.net("172.16.1.0/24"))
        #expect(InstanceSpace.rebase(Self.ip("8.8.8.8"), from: span, to: block) == Self.ip("8.8.8.8"))
    }

    @Test func aSlash30RangeRebasesToo() throws {
        let span = try #require(InstanceSpace.span(of: [Self.net("192.168.7.0/30")]))
        let blocks = try InstanceSpace.blocks(names: ["01", "02", "03"], span: span, space: Self.net("10.129.0.0/28")).get()
        #expect(blocks.map(\.block.description) == ["10.129.0.0/30", "10.129.0.4/30", "10.129.0.8/30"])
        #expect(InstanceSpace.rebase(Self.ip("192.168.7.2"), from: span, to: blocks[2].block) == Self.ip("10.129.0.10"))
    }
}
