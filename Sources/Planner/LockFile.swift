import Manifest
import Plan
import RangeDiagnostics

/// The lock file beside a manifest (`lab.yaml` gets `lab.yaml.lock`), as `Cargo.lock` is beside
/// `Cargo.toml`: every interface's address, read back as pins so that adding, removing or
/// reordering VMs never moves another VM's address. JSON with its keys sorted and one interface
/// per line, the interfaces sorted by VM (case-folded, as hostnames are unique that way) then
/// network: the text depends on the addresses only, never on the manifest's order.
public struct LockFile: Sendable, Equatable {
    /// One interface: the VM's hostname, the network's name and the address it holds.
    public struct Entry: Hashable, Sendable, CustomStringConvertible {
        public var vm: String
        public var network: String
        public var ip: IPv4Address

        public init(vm: String, network: String, ip: IPv4Address) {
            self.vm = vm
            self.network = network
            self.ip = ip
        }

        public var description: String { "\(vm) on \(network) \(ip)" }
        var key: Pin.Key { Pin.Key(vm, network) }
    }

    public var range: String
    /// Sorted by VM (case-folded) and network when made; in the file's order when read.
    public private(set) var entries: [Entry]
    /// The line of each entry in the file it was read from (1-based); empty when made in memory.
    public private(set) var lines: [Int] = []

    public init(range: String, entries: [Entry]) {
        self.range = range
        self.entries = entries.sorted { ($0.key.hostname, $0.vm, $0.network) < ($1.key.hostname, $1.vm, $1.network) }
    }

    /// Every interface of a planned range.
    public init(_ desired: DesiredRange) {
        self.init(range: desired.name, entries: desired.vms.flatMap { vm in
            vm.interfaces.map { Entry(vm: vm.hostname, network: $0.network, ip: $0.ip) }
        })
    }

    public static func == (a: LockFile, b: LockFile) -> Bool { a.range == b.range && a.entries == b.entries }

    /// The file's text: keys sorted, one interface per line, LF line ends.
    public var text: String {
        var out = "{\n  \"format_version\": \"1\",\n  \"interfaces\": ["
        for (k, e) in entries.enumerated() {
            out += k == 0 ? "\n" : ",\n"
            out += "    {\"ip\": \(Self.quoted(e.ip.description)), \"network\": \(Self.quoted(e.network)), \"vm\": \(Self.quoted(e.vm))}"
        }
        out += entries.isEmpty ? "],\n" : "\n  ],\n"
        out += "  \"range\": \(Self.quoted(range))\n}\n"
        return out
    }

    private static func quoted(_ s: String) -> String { JSONValue.string(s).serialized() }

    /// A lock file read: the lock, or nil with the errors that say why it cannot be used.
    public struct Read: Sendable {
        public var lock: LockFile?
        public var file: String
        public var diagnostics: [Diagnostic]

        public init(lock: LockFile?, file: String, diagnostics: [Diagnostic]) {
            self.lock = lock
            self.file = file
            self.diagnostics = diagnostics
        }
    }

    /// Reads a lock file's text; `file` names it in diagnostics.
    public static func read(_ bytes: [UInt8], file: String) -> Read {
        let text = String(decoding: bytes, as: UTF8.self)
        func invalid(_ why: String, line: Int = 1) -> Read {
            Read(lock: nil, file: file, diagnostics: [.error(.lockInvalid, "the lock file cannot be read: \(why); fix or remove it, then run `rangectl lock`",
                                                            at: SourceLocation(file: file, line: line, column: 1))])
        }
        guard case let .object(fields)? = JSONValue.parse(text) else { return invalid("it is not a JSON object") }
        let document = Dictionary(fields, uniquingKeysWith: { a, _ in a })
        guard document["format_version"] == .string("1") else { return invalid("its format_version is not \"1\"") }
        guard case let .string(range)? = document["range"], case let .array(items)? = document["interfaces"] else {
            return invalid("it needs \"range\" (a string) and \"interfaces\" (a list)")
        }
        // The lines of the entries as written (one per line, as `text` writes them); a file edited
        // into another layout gets its entries placed at its first line.
        let entryLines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { $0.element.drop { $0 == " " }.hasPrefix("{\"") }.map { $0.offset + 1 }
        var entries: [Entry] = []
        var lines: [Int] = []
        for (k, item) in items.enumerated() {
            let line = entryLines.count == items.count ? entryLines[k] : 1
            guard case let .object(f) = item else { return invalid("interface \(k + 1) is not an object", line: line) }
            let d = Dictionary(f, uniquingKeysWith: { a, _ in a })
            guard case let .string(vm)? = d["vm"], case let .string(network)? = d["network"], case let .string(ip)? = d["ip"] else {
                return invalid("interface \(k + 1) needs \"vm\", \"network\" and \"ip\" strings", line: line)
            }
            guard let address = IPv4Address(ip) else { return invalid("'\(ip)' is not an IPv4 address", line: line) }
            entries.append(Entry(vm: vm, network: network, ip: address))
            lines.append(line)
        }
        var lock = LockFile(range: range, entries: [])
        // Kept in the file's order with their lines; sorted order is what `text` writes.
        lock.entries = entries
        lock.lines = lines
        return Read(lock: lock, file: file, diagnostics: [])
    }

    /// The pins a lock gives a manifest: its entries for VMs and networks the manifest has (the
    /// others are warned about at their lines, and pruned by the next `rangectl lock`).
    public func pins(for raw: RawManifest, file: String) -> (pins: [Pin], diagnostics: [Diagnostic]) {
        let vms = Set(raw.vms.compactMap { $0.hostname.map { Planner.caseFolded($0.value) } })
        let networks = Set(raw.networks.compactMap { $0.name?.value })
        var pins: [Pin] = []
        var diagnostics: [Diagnostic] = []
        for (k, e) in entries.enumerated() {
            let at = SourceLocation(file: file, line: k < lines.count ? lines[k] : 1, column: 1)
            if !vms.contains(e.key.hostname) {
                diagnostics.append(.warning(.lockPruned, "the lock names VM '\(e.vm)', which the manifest no longer has; ignored (`rangectl lock` removes it)", at: at))
            } else if !networks.contains(e.network) {
                diagnostics.append(.warning(.lockPruned, "the lock names network '\(e.network)' (for \(e.vm)), which the manifest no longer has; ignored (`rangectl lock` removes it)", at: at))
            } else {
                pins.append(Pin(hostname: e.vm, network: e.network, address: e.ip))
            }
        }
        return (pins, diagnostics)
    }

    /// What differs between this lock and a newer one, one line per interface (changes and
    /// additions in the newer lock's order, then removals):
    /// `+ web on dmz 10.0.1.10`, `- old on dmz 10.0.1.12`, `~ db on lan 10.0.2.10 -> 10.0.2.11`.
    public func differences(to newer: LockFile) -> [String] {
        let before = Dictionary(entries.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary(newer.entries.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [String] = []
        for e in newer.entries {
            if let old = before[e.key] {
                if old.ip != e.ip { out.append("~ \(e.vm) on \(e.network) \(old.ip) -> \(e.ip)") }
            } else {
                out.append("+ \(e)")
            }
        }
        for e in LockFile(range: range, entries: entries).entries where after[e.key] == nil { out.append("- \(e)") }
        return out
    }
}
