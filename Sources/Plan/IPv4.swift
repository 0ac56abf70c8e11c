import RangeDiagnostics

/// An IPv4 address. Parsing is strict: four decimal octets, no leading zeros, no spaces.
public struct IPv4Address: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var value: UInt32

    public init(_ value: UInt32) {
        self.value = value
    }

    public init?(_ text: String) {
        var octets = 0
        var current: UInt32 = 0
        var digits = 0
        var result: UInt32 = 0
        for c in text.utf8 {
            if c == UInt8(ascii: ".") {
                guard digits > 0, octets < 3 else { return nil }
                result = result << 8 | current
                octets += 1
                current = 0
                digits = 0
            } else if c >= 0x30 && c <= 0x39 {
                if digits == 1 && current == 0 { return nil } // leading zero: ambiguous (octal in some tools)
                digits += 1
                current = current * 10 + UInt32(c - 0x30)
                guard digits <= 3, current <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard octets == 3, digits > 0 else { return nil }
        self.value = result << 8 | current
    }

    public var description: String {
        "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
    }

    /// The dotted text, straight into a JSON output (for large plans).
    public func write(into out: inout JSONOutput) {
        out.appendDecimal(Int(value >> 24))
        out.append(UInt8(ascii: "."))
        out.appendDecimal(Int(value >> 16 & 0xFF))
        out.append(UInt8(ascii: "."))
        out.appendDecimal(Int(value >> 8 & 0xFF))
        out.append(UInt8(ascii: "."))
        out.appendDecimal(Int(value & 0xFF))
    }

    public static func < (a: IPv4Address, b: IPv4Address) -> Bool { a.value < b.value }
}

/// An IPv4 subnet with zero host bits; offsets count host positions from the network address.
public struct IPv4Subnet: Hashable, Sendable, CustomStringConvertible {
    public var network: IPv4Address
    public var prefixLength: Int

    /// Why a CIDR text is not a usable subnet.
    public enum ParseError: Error, Equatable {
        case malformed
        case prefixOutOfRange(Int)
        case hostBitsSet(suggestion: String)
    }

    public init(network: IPv4Address, prefixLength: Int) {
        self.network = network
        self.prefixLength = prefixLength
    }

    /// Parses `a.b.c.d/n` with n in `allowedPrefixes` and zero host bits.
    public static func parse(_ text: String, allowedPrefixes: ClosedRange<Int> = 8...30) -> Result<IPv4Subnet, ParseError> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(String(parts[0])),
              !parts[1].isEmpty, parts[1].count <= 2, parts[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let prefix = Int(parts[1]), prefix <= 32 else { return .failure(.malformed) }
        guard allowedPrefixes.contains(prefix) else { return .failure(.prefixOutOfRange(prefix)) }
        let subnet = IPv4Subnet(network: IPv4Address(address.value & mask(prefix)), prefixLength: prefix)
        guard subnet.network == address else {
            return .failure(.hostBitsSet(suggestion: subnet.description))
        }
        return .success(subnet)
    }

    static func mask(_ prefix: Int) -> UInt32 { prefix == 0 ? 0 : UInt32.max << UInt32(32 - prefix) }

    /// Number of addresses, network and broadcast included.
    public var size: UInt32 { UInt32(truncatingIfNeeded: UInt64(1) << UInt64(32 - prefixLength)) }
    public var broadcast: IPv4Address { IPv4Address(network.value | ~Self.mask(prefixLength)) }
    /// Usable host addresses (network and broadcast excluded).
    public var hostCount: Int { Int(size) - 2 }
    public var firstHost: IPv4Address { IPv4Address(network.value + 1) }
    public var lastHost: IPv4Address { IPv4Address(broadcast.value - 1) }

    public func contains(_ a: IPv4Address) -> Bool { a.value & Self.mask(prefixLength) == network.value }
    public func overlaps(_ other: IPv4Subnet) -> Bool { contains(other.network) || other.contains(network) }
    public func offset(of a: IPv4Address) -> UInt32 { a.value &- network.value }
    public func address(atOffset o: UInt32) -> IPv4Address { IPv4Address(network.value + o) }

    public var description: String { "\(network)/\(prefixLength)" }

    /// The CIDR text, straight into a JSON output.
    public func write(into out: inout JSONOutput) {
        network.write(into: &out)
        out.append(UInt8(ascii: "/"))
        out.appendDecimal(prefixLength)
    }
}
