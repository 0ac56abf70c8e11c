import Manifest
import Plan
import RangeDiagnostics

/// The lock file beside a manifest (`lab.yaml` gets `lab.yaml.lock`), as `Cargo.lock` is beside
/// `Cargo.toml`: every interface's address, read back as pins so that adding, removing or
/// reordering VMs never moves another VM's address. JSON with its keys sorted and one interface
/// per line, the interfaces sorted by instance, VM (case-folded, as hostnames are unique that
/// way) then network: the text depends on the addresses only, never on the manifest's order.
/// With `instances:` it also records each instance's block, which later plans keep.
public struct LockFile: Sendable, Equatable {
    /// One interface: the VM's hostname, the network's name and the address it holds.
    public struct Entry: Hashable, Sendable, CustomStringConvertible {
        public var vm: String
        public var network: String
        public var ip: IPv4Address
        public var instance: String?

        public init(vm: String, network: String, ip: IPv4Address, instance: String? = nil) {
            self.vm = vm
            self.network = network
            self.ip = ip
            self.instance = instance
        }

        public var description: String { "\(EngineNames.key(vm, instance: instance)) on \(network) \(ip)" }
        var key: Key { Key(instance: instance ?? "", pin: Pin.Key(vm, network)) }

        struct Key: Hashable {
            var instance: String
            var pin: Pin.Key
        }

        /// The sort order of the file: instance, VM (case-folded), VM as written, network.
        static func precedes(_ a: Entry, _ b: Entry) -> Bool {
            (a.instance ?? "", a.key.pin.hostname, a.vm, a.network) < (b.instance ?? "", b.key.pin.hostname, b.vm, b.network)
        }
    }

    public var range: String
    /// Sorted (`Entry.precedes`) when made; in the file's order when read.
    public private(set) var entries: [Entry]
    /// Each instance's block, in the manifest's order (empty without `instances:`).
    public var instances: [InstanceBlock] = []
    /// The line of each entry in the file it was read from (1-based); empty when made in memory.
    public private(set) var lines: [Int] = []

    public init(range: String, entries: [Entry], instances: [InstanceBlock] = []) {
        self.range = range
        self.entries = entries.sorted(by: Entry.precedes)
        self.instances = instances
    }

    /// Every interface of a planned range, and its instances' blocks.
    public init(_ desired: DesiredRange) {
        self.init(range: desired.name, entries: desired.vms.flatMap { vm in
            vm.interfaces.map { Entry(vm: vm.hostname, network: $0.network, ip: $0.ip, instance: vm.instance) }
        }, instances: desired.instances)
    }

    /// The same lock in the order its text is written.
    public var sorted: LockFile { LockFile(range: range, entries: entries, instances: instances) }

    public static func == (a: LockFile, b: LockFile) -> Bool { a.range == b.range && a.entries == b.entries && a.instances == b.instances }

    /// The file's text: keys sorted, one interface per line, LF line ends.
    public var text: String {
        var out = "{\n  \"format_version\": \"1\",\n"
        if !instances.isEmpty {
            out += "  \"instances\": ["
            for (k, i) in instances.enumerated() {
                out += (k == 0 ? "\n" : ",\n") + "    {\"block\": \(Self.quoted(i.block.description)), \"name\": \(Self.quoted(i.name))}"
            }
            out += "\n  ],\n"
        }
        out += "  \"interfaces\": ["
        for (k, e) in entries.enumerated() {
            out += k == 0 ? "\n" : ",\n"
            let instance = e.instance.map { "\"instance\": \(Self.quoted($0)), " } ?? ""
            out += "    {\(instance)\"ip\": \(Self.quoted(e.ip.description)), \"network\": \(Self.quoted(e.network)), \"vm\": \(Self.quoted(e.vm))}"
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
        do {
            return Read(lock: try readDocument(text), file: file, diagnostics: [])
        } catch {
            return Read(lock: nil, file: file, diagnostics: [.error(.lockInvalid, "the lock file cannot be read: \(error.why); fix or remove it, then run `rangectl lock`",
                                                                   at: SourceLocation(file: file, line: error.line, column: 1))])
        }
    }

    /// Why a lock file cannot be read, and the line of the entry at fault (1: the file as a whole).
    private struct Unreadable: Error {
        var why: String
        var line = 1
    }

    private static func fields(_ value: JSONValue) -> [String: JSONValue]? {
        guard case let .object(f) = value else { return nil }
        return Dictionary(f, uniquingKeysWith: { a, _ in a })
    }

    private static func readDocument(_ text: String) throws(Unreadable) -> LockFile {
        guard let document = JSONValue.parse(text).flatMap(fields) else { throw Unreadable(why: "it is not a JSON object") }
        guard document["format_version"] == .string("1") else { throw Unreadable(why: "its format_version is not \"1\"") }
        guard case let .string(range)? = document["range"], case let .array(items)? = document["interfaces"] else {
            throw Unreadable(why: "it needs \"range\" (a string) and \"interfaces\" (a list)")
        }
        // The lines of the entries as written (one per line, as `text` writes them); a file edited
        // into another layout gets its entries placed at its first line.
        let entryLines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { $0.element.drop { $0 == " " }.hasPrefix("{\"") && $0.element.contains("\"vm\":") }.map { $0.offset + 1 }
        var instances: [InstanceBlock] = []
        if let listed = document["instances"] {
            guard case let .array(blocks) = listed else { throw Unreadable(why: "\"instances\" is not a list") }
            for item in blocks { instances.append(try readInstance(item)) }
        }
        var lock = LockFile(range: range, entries: [], instances: instances)
        // Kept in the file's order with their lines; sorted order is what `text` writes.
        for (k, item) in items.enumerated() {
            let line = entryLines.count == items.count ? entryLines[k] : 1
            lock.entries.append(try readEntry(item, number: k + 1, line: line))
            lock.lines.append(line)
        }
        return lock
    }

    private static func readInstance(_ item: JSONValue) throws(Unreadable) -> InstanceBlock {
        guard let f = fields(item), case let .string(name)? = f["name"], case let .string(text)? = f["block"],
              case let .success(block) = IPv4Subnet.parse(text, allowedPrefixes: 0...32) else {
            throw Unreadable(why: "each of \"instances\" needs \"name\" and \"block\" (an IPv4 CIDR)")
        }
        return InstanceBlock(name: name, block: block)
    }

    /// Interface `number` (from 1), written at `line`.
    private static func readEntry(_ item: JSONValue, number k: Int, line: Int) throws(Unreadable) -> Entry {
        guard let d = fields(item) else { throw Unreadable(why: "interface \(k) is not an object", line: line) }
        guard case let .string(vm)? = d["vm"], case let .string(network)? = d["network"], case let .string(ip)? = d["ip"] else {
            throw Unreadable(why: "interface \(k) needs \"vm\", \"network\" and \"ip\" strings", line: line)
        }
        guard let address = IPv4Address(ip) else { throw Unreadable(why: "'\(ip)' is not an IPv4 address", line: line) }
        var instance: String?
        if let written = d["instance"] {
            guard case let .string(name) = written else { throw Unreadable(why: "interface \(k) has an \"instance\" that is not a string", line: line) }
            instance = name
        }
        return Entry(vm: vm, network: network, ip: address, instance: instance)
    }

    /// The pins a lock gives a manifest: its entries for VMs, networks and instances the manifest
    /// has (the others are warned about at their lines, and pruned by the next `rangectl lock`),
    /// and the blocks of the instances it has.
    public func pins(for raw: RawManifest, file: String) -> (pins: [Pin], blocks: [BlockPin], diagnostics: [Diagnostic]) {
        let vms = Set(raw.vms.compactMap { $0.hostname.map { Planner.caseFolded($0.value) } })
        let networks = Set(raw.networks.compactMap { $0.name?.value })
        let names = raw.instances.map { Set(InstanceRules.names($0).map(\.value)) }
        var pins: [Pin] = []
        var diagnostics: [Diagnostic] = []
        for (k, e) in entries.enumerated() {
            let at = SourceLocation(file: file, line: k < lines.count ? lines[k] : 1, column: 1)
            if let instance = e.instance, names?.contains(instance) != true {
                diagnostics.append(.warning(.lockPruned, "the lock names instance '\(instance)' (for \(e.vm)), which the manifest no longer has; ignored (`rangectl lock` removes it)", at: at))
            } else if e.instance == nil && names != nil {
                diagnostics.append(.warning(.lockPruned, "the lock names VM '\(e.vm)' of no instance, and the manifest now has instances; ignored (`rangectl lock` removes it)", at: at))
            } else if !vms.contains(e.key.pin.hostname) {
                diagnostics.append(.warning(.lockPruned, "the lock names VM '\(e.vm)', which the manifest no longer has; ignored (`rangectl lock` removes it)", at: at))
            } else if !networks.contains(e.network) {
                diagnostics.append(.warning(.lockPruned, "the lock names network '\(e.network)' (for \(e.vm)), which the manifest no longer has; ignored (`rangectl lock` removes it)", at: at))
            } else {
                pins.append(Pin(hostname: e.vm, network: e.network, address: e.ip, instance: e.instance))
            }
        }
        let blocks = instances.filter { names?.contains($0.name) == true }.map { BlockPin(instance: $0.name, address: $0.block.network) }
        return (pins, blocks, diagnostics)
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
        for e in sorted.entries where after[e.key] == nil { out.append("- \(e)") }
        let blocksBefore = Dictionary(instances.map { ($0.name, $0.block) }, uniquingKeysWith: { a, _ in a })
        for i in newer.instances where blocksBefore[i.name] != i.block {
            out.append(blocksBefore[i.name].map { "~ instance \(i.name) \($0) -> \(i.block)" } ?? "+ instance \(i.name) \(i.block)")
        }
        let namesAfter = Set(newer.instances.map(\.name))
        for i in instances where !namesAfter.contains(i.name) { out.append("- instance \(i.name) \(i.block)") }
        return out
    }
}
