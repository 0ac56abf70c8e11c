import Plan
import RangeDiagnostics
import Testing

/// IPv4 addresses and subnets: strict parsing, containment and overlap at the edges.
struct IPv4AddressTests {
    @Test(arguments: [("0.0.0.0", 0), ("10.200.3.254", 0x0AC8_03FE), ("255.255.255.255", 0xFFFF_FFFF), ("1.2.3.4", 0x0102_0304)])
    func parsesFourDecimalOctetsAndPrintsThemBack(_ text: String, _ value: UInt32) throws {
        let a = try #require(IPv4Address(text))
        #expect(a.value == value)
        #expect(a.description == text)
        #expect(IPv4Address(value).description == text)
    }

    /// Leading zeros are refused: some tools read them as octal, so `010.0.0.1` is ambiguous.
    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.256", "1000.1.1.1", "01.2.3.4", "1.2.3.04", "00.0.0.0",
                      "1..2.3", ".1.2.3", "1.2.3.", " 1.2.3.4", "1.2.3.4 ", "1.2.3.4\n", "1.2.3.-4", "+1.2.3.4", "1.2.3.4/24",
                      "0x1.2.3.4", "a.b.c.d", "١.٢.٣.٤", "1.2.3.4\u{0}", "::1"])
    func refusesAnythingElse(_ text: String) {
        #expect(IPv4Address(text) == nil, "\(text.debugDescription)")
    }

    @Test func comparesNumericallyNotAsText() {
        #expect(IPv4Address("10.0.0.9")! < IPv4Address("10.0.0.10")!)
        #expect(IPv4Address("9.255.255.255")! < IPv4Address("10.0.0.0")!)
        #expect([IPv4Address("10.0.1.0")!, IPv4Address("10.0.0.200")!].sorted().map(\.description) == ["10.0.0.200", "10.0.1.0"])
    }

    @Test func addressesAndSubnetsAreWrittenIntoJSONAsTheirText() {
        var w = JSONWriter()
        w.beginArray()
        for text in ["0.0.0.0", "10.200.3.254", "255.255.255.255"] {
            let a = IPv4Address(text)!
            w.rawString { a.write(into: &$0) }
        }
        let subnet = try! IPv4Subnet.parse("10.200.0.0/13").get()
        w.rawString { subnet.write(into: &$0) }
        w.endArray()
        #expect(String(decoding: w.out.bytes, as: UTF8.self) == #"["0.0.0.0","10.200.3.254","255.255.255.255","10.200.0.0/13"]"#)
    }
}

struct IPv4SubnetTests {
    func parse(_ text: String, _ prefixes: ClosedRange<Int> = 8...30) -> Result<IPv4Subnet, IPv4Subnet.ParseError> {
        IPv4Subnet.parse(text, allowedPrefixes: prefixes)
    }

    @Test func parsesACIDRWithZeroHostBits() throws {
        let s = try parse("10.200.0.0/16").get()
        #expect(s.network == IPv4Address("10.200.0.0")! && s.prefixLength == 16 && s.description == "10.200.0.0/16")
    }

    @Test func hostBitsSetSuggestTheNetwork() {
        #expect(parse("10.200.1.7/24") == .failure(.hostBitsSet(suggestion: "10.200.1.0/24")))
        #expect(parse("10.200.1.0/16") == .failure(.hostBitsSet(suggestion: "10.200.0.0/16")))
    }

    @Test func prefixesOutsideTheAllowedOnesAreNamed() {
        #expect(parse("10.0.0.0/7") == .failure(.prefixOutOfRange(7)))
        #expect(parse("10.0.0.0/31") == .failure(.prefixOutOfRange(31)))
        #expect(parse("10.0.0.0/32") == .failure(.prefixOutOfRange(32)))
        // What the engine reports may be any prefix.
        #expect((try? parse("0.0.0.0/0", 0...32).get())?.description == "0.0.0.0/0")
        #expect((try? parse("10.0.0.1/32", 0...32).get())?.description == "10.0.0.1/32")
    }

    @Test(arguments: ["10.0.0.0", "10.0.0.0/", "/24", "10.0.0.0/33", "10.0.0.0/024", "10.0.0.0/+8", "10.0.0.0/ 8", "10.0.0.0/8/8",
                      "10.0.0/8", "10.0.0.0/x", "10.0.0.0\\8", ""])
    func malformedTextIsMalformed(_ text: String) {
        #expect(parse(text, 0...32) == .failure(.malformed), "\(text.debugDescription)")
    }

    @Test(arguments: [
        ("10.200.1.0/24", 256, 254, "10.200.1.1", "10.200.1.254", "10.200.1.255"),
        ("10.200.0.0/16", 65536, 65534, "10.200.0.1", "10.200.255.254", "10.200.255.255"),
        ("10.0.0.0/8", 1 << 24, (1 << 24) - 2, "10.0.0.1", "10.255.255.254", "10.255.255.255"),
        ("192.168.7.0/29", 8, 6, "192.168.7.1", "192.168.7.6", "192.168.7.7"),
        ("192.168.7.4/30", 4, 2, "192.168.7.5", "192.168.7.6", "192.168.7.7"),
    ])
    func sizeAndEdges(_ cidr: String, _ size: Int, _ hosts: Int, _ first: String, _ last: String, _ broadcast: String) throws {
        let s = try parse(cidr).get()
        #expect(Int(s.size) == size && s.hostCount == hosts)
        #expect(s.firstHost.description == first && s.lastHost.description == last && s.broadcast.description == broadcast)
    }

    @Test func containsItsNetworkAndBroadcastAddressesAndNothingOutside() throws {
        let s = try parse("10.200.1.0/24").get()
        for inside in ["10.200.1.0", "10.200.1.1", "10.200.1.128", "10.200.1.255"] { #expect(s.contains(IPv4Address(inside)!), "\(inside)") }
        for outside in ["10.200.0.255", "10.200.2.0", "10.201.1.1", "0.0.0.0", "255.255.255.255"] {
            #expect(!s.contains(IPv4Address(outside)!), "\(outside)")
        }
        #expect(try parse("0.0.0.0/0", 0...32).get().contains(IPv4Address("255.255.255.255")!))
        let single = try parse("10.0.0.1/32", 0...32).get()
        #expect(single.contains(IPv4Address("10.0.0.1")!) && !single.contains(IPv4Address("10.0.0.2")!))
    }

    @Test(arguments: [
        ("10.200.1.0/24", "10.200.1.0/24", true),
        ("10.200.0.0/16", "10.200.7.0/24", true),     // nested, both ways
        ("10.200.7.0/24", "10.200.0.0/16", true),
        ("10.200.1.0/24", "10.200.2.0/24", false),    // adjacent
        ("10.200.0.0/25", "10.200.0.128/25", false),
        ("10.200.0.0/23", "10.200.1.0/24", true),
        ("10.0.0.0/8", "172.16.0.0/12", false),
        ("0.0.0.0/0", "192.168.1.0/24", true),
        ("10.0.0.1/32", "10.0.0.0/30", true),
        ("10.0.0.4/32", "10.0.0.0/30", false),
    ])
    func overlapIsSymmetric(_ x: String, _ y: String, _ expected: Bool) throws {
        let (a, b) = (try parse(x, 0...32).get(), try parse(y, 0...32).get())
        #expect(a.overlaps(b) == expected && b.overlaps(a) == expected, "\(x) \(y)")
    }

    @Test func offsetsCountHostPositionsFromTheNetworkAddress() throws {
        let s = try parse("10.200.0.0/16").get()
        #expect(s.offset(of: IPv4Address("10.200.1.0")!) == 256)
        #expect(s.address(atOffset: 256).description == "10.200.1.0")
        for o: UInt32 in [0, 1, 255, 256, 65535] { #expect(s.offset(of: s.address(atOffset: o)) == o) }
    }
}
