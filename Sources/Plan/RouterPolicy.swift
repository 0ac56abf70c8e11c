/// A router VM's share of the range's `policy:`, compiled (by the Policy module, when the range
/// is planned) into what its helper applies: data here, so that the core and the engines carry it
/// without knowing iptables, and a saved plan holds it as it was reviewed.
public struct RouterPolicy: Hashable, Sendable {
    /// False for a router of a range without `policy:`: its chains are emptied (and its NAT
    /// addresses removed) only when an earlier policy was set on it; otherwise nothing is done.
    public var declared: Bool
    /// The `iptables-restore --noflush` text: rangectl's own chains, replaced as one transaction.
    public var restore: String
    /// One shell line per jump from a built-in chain into rangectl's chains, each idempotent, run
    /// after the restore (the restore text cannot hold them, see `PolicyCompiler`).
    public var hookCommands: [String]
    /// Those jumps as `iptables-save` prints them.
    public var hookRules: [String]
    /// What a reviewer reads, one line per rule this router enforces: `allow jumpbox -> internal
    /// tcp/22`, `nat internet 172.30.0.100 tcp/80 -> webserver 172.30.1.10:8080`, `default deny`.
    public var rules: [String]
    /// The NAT addresses published on the router's NICs.
    public var addresses: [PolicyAddress]

    public init(declared: Bool, restore: String, hookCommands: [String], hookRules: [String], rules: [String], addresses: [PolicyAddress]) {
        self.declared = declared
        self.restore = restore
        self.hookCommands = hookCommands
        self.hookRules = hookRules
        self.rules = rules
        self.addresses = addresses
    }

    /// What the marker records as applied: a change of any rule or address changes it.
    public var hash: String {
        SpecEncoding.hash(restore + "\n" + hookRules.joined(separator: "\n") + "\n" + addresses.map(\.description).joined(separator: ","))
    }

    /// The rule lines of rangectl's chains in order, as `iptables-save` prints them.
    public var chainRules: [String] {
        restore.split(separator: "\n").map(String.init).filter { $0.hasPrefix("-A ") }
    }

    /// The chains it declares (`RANGECTL-FORWARD`, ...), read from its own text.
    public var chains: [String] {
        restore.split(separator: "\n").compactMap { line in
            line.hasPrefix(":") ? line.dropFirst().split(separator: " ").first.map(String.init) : nil
        }
    }

    /// How the router's live state differs from this policy, or nil when it holds it exactly.
    /// `live` is what `PolicyReading.command` prints inside the router: `iptables-save` of the
    /// filter and nat tables, then `ip -4 -o addr show`. Only rangectl's chains, its jumps and its
    /// addresses are compared: the image's own rules are not rangectl's to judge.
    public func drift(live: String) -> String? {
        let lines = live.split(separator: "\n").map { String($0) }
        func chain(_ line: String) -> String? { line.hasPrefix("-A ") ? line.split(separator: " ").dropFirst().first.map(String.init) : nil }
        // Compared chain by chain: iptables-save prints a table's chains in its own order.
        var problems: [String] = []
        var missing = 0, extra = 0, reordered = false
        for name in chains {
            let seen = lines.filter { chain($0) == name }
            let want = chainRules.filter { chain($0) == name }
            guard seen != want else { continue }
            let m = want.filter { !seen.contains($0) }.count, e = seen.filter { !want.contains($0) }.count
            missing += m
            extra += e
            if m == 0 && e == 0 { reordered = true }
        }
        if missing > 0 { problems.append("\(missing) of \(chainRules.count) rules missing") }
        if extra > 0 { problems.append("\(extra) rules added") }
        if reordered { problems.append("rules out of order") }
        let lineSet = Set(lines)
        for hook in hookRules where !lineSet.contains(hook) { problems.append("jump \(hook) missing") }
        for address in addresses where !lines.contains(where: { $0.contains(" \(address.interface) ") && $0.contains("inet \(address.ip)/32 ") }) {
            problems.append("address \(address.ip) missing on \(address.interface)")
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }
}

/// A NAT address published on one of a router's NICs (as a /32, so no route is added for it).
public struct PolicyAddress: Hashable, Sendable, CustomStringConvertible {
    /// The router's NIC (`eth0`).
    public var interface: String
    public var ip: IPv4Address

    public init(interface: String, ip: IPv4Address) {
        self.interface = interface
        self.ip = ip
    }

    /// `eth0 172.30.0.100`, as the marker records it.
    public var description: String { "\(interface) \(ip)" }

    /// Reads `description` back (nil for text edited by hand).
    public init?(_ text: Substring) {
        let parts = text.split(separator: " ")
        guard parts.count == 2, let ip = IPv4Address(String(parts[1])) else { return nil }
        self.init(interface: String(parts[0]), ip: ip)
    }
}

extension PolicyAddress {
    /// The addresses a policy marker records (what an earlier policy added to the router).
    public static func recorded(on marker: ObservedContainer?) -> [PolicyAddress] {
        (marker?.labels[RangeLabels.policyAddresses] ?? "").split(separator: ",").compactMap(PolicyAddress.init)
    }
}
