import Manifest
import RangeDiagnostics

/// Reads blueprint bytes into a `CyroidBlueprint` with the project's YAML reader (exact
/// positions, the same limits as a manifest). Checks the type of every field the importer reads
/// or decides on and reports every problem found; keys it does not know are kept for the
/// importer, not refused (CYROID may add fields). Pure: the caller reads the file.
public struct CyroidBlueprintReader {
    public private(set) var diagnostics: [Diagnostic] = []
    private let fileID: FileID
    private let file: String

    public static func read(_ bytes: [UInt8], file: String) -> (CyroidBlueprint?, [Diagnostic]) {
        let composed = YAMLComposer(file: file).compose(bytes)
        var reader = CyroidBlueprintReader(file: file)
        reader.diagnostics = composed.diagnostics
        guard !composed.stopped else { return (nil, reader.diagnostics) }
        let blueprint = reader.blueprint(composed.root)
        return (blueprint, reader.diagnostics)
    }

    private init(file: String) {
        self.file = file
        fileID = FileID(file)
    }

    private mutating func blueprint(_ root: Node?) -> CyroidBlueprint? {
        guard let root else {
            error(.typeMismatch, "the blueprint is empty; expected a mapping with seed_id, networks and vms",
                  at: SourceLocation(fileID, line: 1, column: 1))
            return nil
        }
        guard let entries = mapping(root, what: "the blueprint") else { return nil }
        var b = CyroidBlueprint(file: file, location: loc(root), entries: entries, seedID: string(entries, "seed_id"),
                                name: string(entries, "name"), networks: [], vms: [])
        if entry(entries, "seed_id") == nil && entry(entries, "name") == nil {
            error(.missingField, "the blueprint has neither 'seed_id' nor 'name' to name the range after", at: loc(root))
        }
        if let list = list(entries, "networks", required: true, in: root) {
            for item in list { if let n = network(item) { b.networks.append(n) } }
        }
        if let list = list(entries, "vms", required: true, in: root) {
            for item in list { if let v = vm(item) { b.vms.append(v) } }
        }
        if let router = entry(entries, "router"), let fields = mapping(router.value, what: "'router'") {
            b.routerEnabled = boolean(fields, "enabled")
            b.routerDHCP = boolean(fields, "dhcp_enabled")
        }
        return b
    }

    private mutating func network(_ node: Node) -> CyroidBlueprint.Network? {
        guard let f = mapping(node, what: "a network") else { return nil }
        let n = CyroidBlueprint.Network(
            location: loc(node), entries: f, name: required(f, "name", in: node, what: "a network"),
            subnet: required(f, "subnet", in: node, what: "a network"), gateway: optionalAddress(f, "gateway"),
            isIsolated: boolean(f, "is_isolated"), internetEnabled: boolean(f, "internet_enabled"),
            dhcpEnabled: boolean(f, "dhcp_enabled"), trafficMirror: boolean(f, "enable_traffic_mirror"))
        return n
    }

    private mutating func vm(_ node: Node) -> CyroidBlueprint.VM? {
        guard let f = mapping(node, what: "a VM") else { return nil }
        var interfaces: [CyroidBlueprint.Interface] = []
        let list = entry(f, "network_interfaces"), legacy = entry(f, "network_name"), legacyIP = entry(f, "ip_address")
        if let list {
            if let later = [legacy, legacyIP].compactMap({ $0 }).first {
                let (first, second) = later.keyLocation.starts(before: list.keyLocation) ? (later, list) : (list, later)
                error(.conflictingFields, "'\(second.key)' cannot be used together with '\(first.key)' (\(first.keyLocation.reference(from: second.keyLocation))): a VM has either network_interfaces or the single-NIC network_name and ip_address",
                      at: second.keyLocation, notes: [DiagnosticNote("'\(first.key)' is given here", at: first.keyLocation)])
            }
            if case let .sequence(items) = list.value.kind {
                if items.isEmpty { error(.noInterfaces, "a VM needs at least one interface; 'network_interfaces' is empty", at: list.valueLocation) }
                for item in items { if let i = interface(item) { interfaces.append(i) } }
            } else {
                typeMismatch("network_interfaces", expected: "a list of {network_name, ip_address, is_primary} mappings", list.value)
            }
        } else if let legacy {
            interfaces = [CyroidBlueprint.Interface(location: legacy.keyLocation, entries: [], network: string(f, "network_name"),
                                                   ip: optionalAddress(f, "ip_address"), isPrimary: nil, monitorMode: nil)]
        } else if legacyIP != nil {
            _ = optionalAddress(f, "ip_address")
            error(.missingField, "a VM with 'ip_address' needs 'network_name' (or use 'network_interfaces')", at: loc(node))
        } else {
            error(.noInterfaces, "a VM needs at least one interface: add 'network_interfaces'", at: loc(node))
        }
        var environment: [CyroidBlueprint.EnvVariable] = []
        if let env = entry(f, "environment") {
            if let pairs = mapping(env.value, what: "'environment'") {
                for p in pairs {
                    let key = Located(p.key, at: p.keyLocation)
                    var value: Located<String>?
                    if p.value.scalar?.value != .null {
                        value = text(p.value, field: "environment.\(p.key)")
                        if value == nil { continue }
                    }
                    environment.append(CyroidBlueprint.EnvVariable(entry: p, key: key, value: value))
                }
            }
        }
        return CyroidBlueprint.VM(
            location: loc(node), entries: f, hostname: required(f, "hostname", in: node, what: "a VM"),
            image: required(f, "base_image_tag", in: node, what: "a VM"), interfaces: interfaces,
            cpu: integer(f, "cpu"), ramMB: integer(f, "ram_mb"), diskGB: integer(f, "disk_gb"), environment: environment,
            vmType: string(f, "vm_type"), osType: string(f, "os_type"), useDHCP: boolean(f, "use_dhcp"),
            isSensor: boolean(f, "is_sensor_vm"), gateway: optionalAddress(f, "gateway"))
    }

    private mutating func interface(_ node: Node) -> CyroidBlueprint.Interface? {
        guard let f = mapping(node, what: "a network interface") else { return nil }
        return CyroidBlueprint.Interface(
            location: loc(node), entries: f, network: required(f, "network_name", in: node, what: "a network interface"),
            ip: optionalAddress(f, "ip_address"), isPrimary: boolean(f, "is_primary"), monitorMode: boolean(f, "monitor_mode"))
    }

    // MARK: - Fields

    /// The entries of a mapping in document order, or nil (reported) when `node` is not one.
    private mutating func mapping(_ node: Node, what: String) -> [BlueprintEntry]? {
        guard case let .mapping(pairs) = node.kind else {
            error(.typeMismatch, "expected \(what) as a mapping, found \(node.typeDescription)", at: loc(node))
            return nil
        }
        return pairs.map { BlueprintEntry(key: $0.key.scalar?.text ?? "", keyLocation: loc($0.key), value: $0.value, valueLocation: loc($0.value)) }
    }

    private func entry(_ entries: [BlueprintEntry], _ key: String) -> BlueprintEntry? {
        entries.first { $0.key == key }
    }

    /// A list's items; nil when absent (reported when `required`) or not a list (reported).
    private mutating func list(_ entries: [BlueprintEntry], _ key: String, required: Bool, in node: Node) -> [Node]? {
        guard let e = entry(entries, key) else {
            if required { error(.missingField, "the blueprint is missing the required field '\(key)'", at: loc(node)) }
            return nil
        }
        guard case let .sequence(items) = e.value.kind else {
            typeMismatch(key, expected: "a list", e.value)
            return nil
        }
        return items
    }

    private mutating func required(_ entries: [BlueprintEntry], _ key: String, in node: Node, what: String) -> Located<String>? {
        guard entry(entries, key) != nil else {
            error(.missingField, "\(what) is missing the required field '\(key)'", at: loc(node))
            return nil
        }
        return string(entries, key)
    }

    /// Any non-null scalar, as its text as written (as a manifest reads strings).
    private mutating func string(_ entries: [BlueprintEntry], _ key: String) -> Located<String>? {
        guard let e = entry(entries, key) else { return nil }
        return text(e.value, field: key)
    }

    private mutating func text(_ node: Node, field: String) -> Located<String>? {
        guard let s = node.scalar, s.value != .null else {
            typeMismatch(field, expected: "a string", node)
            return nil
        }
        return Located(s.text, at: loc(node))
    }

    /// An address that may be absent, null or empty (then assigned automatically or defaulted).
    private mutating func optionalAddress(_ entries: [BlueprintEntry], _ key: String) -> Located<String>? {
        guard let e = entry(entries, key) else { return nil }
        if let s = e.value.scalar, s.value == .null || s.text.isEmpty { return nil }
        return text(e.value, field: key)
    }

    private mutating func integer(_ entries: [BlueprintEntry], _ key: String) -> Located<Int>? {
        guard let e = entry(entries, key) else { return nil }
        guard case let .int(v)? = e.value.scalar?.value else {
            typeMismatch(key, expected: "an integer", e.value)
            return nil
        }
        return Located(v, at: e.valueLocation)
    }

    private mutating func boolean(_ entries: [BlueprintEntry], _ key: String) -> Located<Bool>? {
        guard let e = entry(entries, key) else { return nil }
        guard case let .bool(v)? = e.value.scalar?.value else {
            typeMismatch(key, expected: "true or false", e.value)
            return nil
        }
        return Located(v, at: e.valueLocation)
    }

    // MARK: - Reporting

    private mutating func typeMismatch(_ field: String, expected: String, _ node: Node) {
        error(.typeMismatch, "'\(field)' expects \(expected), found \(node.typeDescription)", at: loc(node))
    }

    private mutating func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, notes: [DiagnosticNote] = []) {
        diagnostics.append(.error(code, message, at: location, notes: notes))
    }

    private func loc(_ node: Node) -> SourceLocation {
        SourceLocation(fileID, line: node.start.line, column: node.start.column, endLine: node.end.line, endColumn: node.end.column)
    }
}
