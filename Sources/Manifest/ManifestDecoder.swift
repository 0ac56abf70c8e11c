import RangeDiagnostics

/// Turns a composed node tree into a `RawManifest`, checking every key, type, bound and name
/// format against `ManifestSchema` and recording every problem found (it never stops early).
public struct ManifestDecoder {
    public let file: String
    public private(set) var diagnostics: [Diagnostic] = []

    public init(file: String) {
        self.file = file
    }

    /// The decoded manifest, or nil when the root is missing or not a mapping.
    public mutating func decode(_ root: Node?) -> RawManifest? {
        guard let root else {
            report(.typeMismatch, "the manifest is empty; expected a mapping with version, name, networks and vms", Mark(line: 1, column: 1))
            return nil
        }
        guard let fields = readObject(root, ManifestSchema.root, what: "the manifest") else { return nil }
        let version: Located<Int>? = integer(fields, "version")
        if let version, version.value != 1 {
            report(.unsupportedVersion, "manifest format version \(version.value) is not supported; this rangectl reads version 1", at: version.location)
        }
        let name = string(fields, "name")
        let labels = stringMap(fields, "labels")
        var networks: [RawNetwork] = []
        for node in objects(fields, "networks") {
            if let n = network(node) { networks.append(n) }
        }
        var vms: [RawVM] = []
        for node in objects(fields, "vms") {
            if let v = vm(node) { vms.append(v) }
        }
        return RawManifest(location: loc(root.start), version: version, name: name, labels: labels,
                           helperImage: string(fields, "helper_image"), networks: networks, vms: vms)
    }

    private mutating func network(_ node: Node) -> RawNetwork? {
        guard let f = readObject(node, ManifestSchema.network, what: "a network") else { return nil }
        return RawNetwork(
            location: loc(node.start), name: string(f, "name"), subnet: string(f, "subnet"), gateway: string(f, "gateway"),
            reserved: integer(f, "reserved"), internal: boolean(f, "internal"), router: string(f, "router"),
            bridgeIP: string(f, "bridge_ip"))
    }

    private mutating func vm(_ node: Node) -> RawVM? {
        guard let f = readObject(node, ManifestSchema.vm, what: "a VM") else { return nil }
        var interfaces: [RawInterface] = []
        let listNode = f.node("networks")
        let legacyNode = f.node("network")
        let ipNode = f.node("ip")
        if let listNode {
            interfaces = interfaceList(listNode)
            if let legacyNode { conflicting("network", legacyNode, with: "networks", listNode, f) }
            if let ipNode { conflicting("ip", ipNode, with: "networks", listNode, f) }
        } else if legacyNode != nil {
            interfaces = [RawInterface(location: loc(f.keyMark("network")!), network: string(f, "network"), ip: string(f, "ip"))]
        } else if ipNode != nil {
            _ = string(f, "ip")
            report(.missingField, "a VM with 'ip' needs 'network' (or use 'networks')", node.start)
        } else {
            report(.noInterfaces, "a VM needs at least one interface: add 'networks'", node.start)
        }
        return RawVM(
            location: loc(node.start), hostname: string(f, "hostname"), image: string(f, "image"),
            cpu: integer(f, "cpu"), ramMB: integer(f, "ram_mb"), diskGB: integer(f, "disk_gb"),
            interfaces: interfaces, capAdd: stringList(f, "cap_add"), privileged: boolean(f, "privileged"),
            sysctls: stringMap(f, "sysctls"), env: stringMap(f, "env"), command: command(f, "command"),
            routes: objects(f, "routes").compactMap { node in
                readObject(node, ManifestSchema.route, what: "a route").map {
                    RawRoute(location: loc(node.start), to: string($0, "to"), via: string($0, "via"))
                }
            })
    }

    /// `networks` and `network`/`ip` together: reported at whichever key comes later.
    private mutating func conflicting(_ a: String, _ aNode: Node, with b: String, _ bNode: Node, _ f: ObjectFields) {
        let aKey = f.keyMark(a)!, bKey = f.keyMark(b)!
        let (later, earlierName, earlierMark, laterName) = aKey > bKey ? (aKey, b, bKey, a) : (bKey, a, aKey, b)
        report(.conflictingFields, "'\(laterName)' cannot be used together with '\(earlierName)' (\(loc(earlierMark).reference(from: loc(later))))", later)
    }

    private mutating func interfaceList(_ node: Node) -> [RawInterface] {
        guard case let .sequence(items) = node.kind else {
            typeMismatch("networks", expected: "a list of network names or {network, ip} mappings", node)
            return []
        }
        if items.isEmpty {
            report(.noInterfaces, "a VM needs at least one interface; 'networks' is empty", node.start)
        }
        var result: [RawInterface] = []
        result.reserveCapacity(items.count)
        for item in items {
            switch item.kind {
            case .scalar:
                if let name = text(item, field: "networks", format: .resourceName, what: "network name") {
                    result.append(RawInterface(location: loc(item.start), network: name, ip: nil))
                }
            case .mapping:
                if let f = readObject(item, ManifestSchema.interface, what: "an interface") {
                    result.append(RawInterface(location: loc(item.start), network: string(f, "network"), ip: string(f, "ip")))
                }
            case .sequence:
                typeMismatch("networks", expected: "a network name or a {network, ip} mapping", item)
            }
        }
        return result
    }

    // MARK: - Objects and typed fields

    /// The values of an object's known keys, by the index of their field in the schema.
    struct ObjectFields {
        var schema: ObjectSchema
        var values: [Node?]
        var keys: [Mark?]

        func node(_ name: String) -> Node? { values[schema.index(of: name)!] }
        func keyMark(_ name: String) -> Mark? { keys[schema.index(of: name)!] }
    }

    private mutating func readObject(_ node: Node, _ schema: ObjectSchema, what: String) -> ObjectFields? {
        guard case let .mapping(entries) = node.kind else {
            report(.typeMismatch, "expected \(what) as a mapping, found \(node.typeDescription)", node.start)
            return nil
        }
        var fields = ObjectFields(schema: schema, values: Array(repeating: nil, count: schema.fields.count),
                                  keys: Array(repeating: nil, count: schema.fields.count))
        for entry in entries {
            let key = entry.key.scalar?.text ?? ""
            guard let i = schema.index(of: key) else {
                var message = "unknown field '\(key)' in \(what)"
                if let guess = Self.suggestion(for: key, among: schema.fields.map(\.name)) {
                    message += "; did you mean '\(guess)'?"
                }
                report(.unknownField, message, entry.key.start)
                continue
            }
            fields.values[i] = entry.value
            fields.keys[i] = entry.key.start
        }
        for (i, spec) in schema.fields.enumerated() where spec.required && fields.values[i] == nil {
            report(.missingField, "\(what) is missing the required field '\(spec.name)'", node.start)
        }
        return fields
    }

    private mutating func string(_ f: ObjectFields, _ name: String) -> Located<String>? {
        guard let node = f.node(name) else { return nil }
        guard case let .string(format) = f.schema.fields[f.schema.index(of: name)!].type else { return nil }
        return text(node, field: name, format: format, what: name)
    }

    /// A scalar as text (any non-null scalar), checked against a format when one is given.
    private mutating func text(_ node: Node, field: String, format: TextFormat?, what: String) -> Located<String>? {
        guard let s = node.scalar, s.value != .null else {
            typeMismatch(field, expected: "a string", node)
            return nil
        }
        if s.text.utf8.count > Self.maxTextBytes {
            report(.outOfRange, "'\(field)' is \(s.text.utf8.count) bytes long; a value may have at most \(Self.maxTextBytes)", node.start)
            return nil
        }
        if let format, !format.matches(s.text) {
            report(.invalidName, "invalid \(what) '\(Self.excerpt(s.text))': expected \(format.explanation)", node.start)
            return nil
        }
        return Located(s.text, at: loc(node.start))
    }

    private mutating func integer(_ f: ObjectFields, _ name: String) -> Located<Int>? {
        guard let node = f.node(name) else { return nil }
        guard case let .scalar(s) = node.kind, case let .int(v) = s.value else {
            typeMismatch(name, expected: "an integer", node)
            return nil
        }
        if case let .integer(bounds?) = f.schema.fields[f.schema.index(of: name)!].type, !bounds.contains(v) {
            report(.outOfRange, "'\(name)' must be between \(bounds.lowerBound) and \(bounds.upperBound), found \(v)", node.start)
            return nil
        }
        return Located(v, at: loc(node.start))
    }

    private mutating func boolean(_ f: ObjectFields, _ name: String) -> Located<Bool>? {
        guard let node = f.node(name) else { return nil }
        guard case let .scalar(s) = node.kind, case let .bool(v) = s.value else {
            typeMismatch(name, expected: "true or false", node)
            return nil
        }
        return Located(v, at: loc(node.start))
    }

    private mutating func objects(_ f: ObjectFields, _ name: String) -> [Node] {
        guard let node = f.node(name) else { return [] }
        guard case let .sequence(items) = node.kind else {
            typeMismatch(name, expected: "a list", node)
            return []
        }
        return items
    }

    private mutating func stringMap(_ f: ObjectFields, _ name: String) -> [RawPair] {
        guard let node = f.node(name) else { return [] }
        guard case let .mapping(entries) = node.kind else {
            typeMismatch(name, expected: "a mapping", node)
            return []
        }
        guard case let .stringMap(keyFormat) = f.schema.fields[f.schema.index(of: name)!].type else { return [] }
        var pairs: [RawPair] = []
        for entry in entries {
            guard let key = text(entry.key, field: name, format: keyFormat, what: "\(name) key"),
                  let value = text(entry.value, field: "\(name).\(entry.key.scalar?.text ?? "")", format: nil, what: "value") else { continue }
            pairs.append(RawPair(key: key, value: value))
        }
        return pairs
    }

    private mutating func stringList(_ f: ObjectFields, _ name: String) -> [Located<String>] {
        guard let node = f.node(name) else { return [] }
        guard case let .sequence(items) = node.kind else {
            typeMismatch(name, expected: "a list", node)
            return []
        }
        guard case let .stringList(format) = f.schema.fields[f.schema.index(of: name)!].type else { return [] }
        return items.compactMap { text($0, field: name, format: format, what: "\(name) entry") }
    }

    private mutating func command(_ f: ObjectFields, _ name: String) -> Located<[String]>? {
        guard let node = f.node(name) else { return nil }
        var words: [String]
        switch node.kind {
        case let .scalar(s) where s.value != .null:
            guard let split = ShellWords.split(s.text) else {
                report(.typeMismatch, "'\(name)' has an unterminated quote", node.start)
                return nil
            }
            words = split
        case let .sequence(items):
            words = []
            for item in items {
                guard let t = text(item, field: name, format: nil, what: "\(name) word") else { return nil }
                words.append(t.value)
            }
        default:
            typeMismatch(name, expected: "a string or a list of strings", node)
            return nil
        }
        if words.isEmpty {
            report(.typeMismatch, "'\(name)' is empty; omit it to use the image's default command", node.start)
            return nil
        }
        return Located(words, at: loc(node.start))
    }

    // MARK: - Reporting

    private mutating func typeMismatch(_ field: String, expected: String, _ node: Node) {
        report(.typeMismatch, "'\(field)' expects \(expected), found \(node.typeDescription)", node.start)
    }

    private mutating func report(_ code: DiagnosticCode, _ message: String, _ mark: Mark) {
        diagnostics.append(.error(code, message, at: loc(mark)))
    }

    private mutating func report(_ code: DiagnosticCode, _ message: String, at location: SourceLocation) {
        diagnostics.append(.error(code, message, at: location))
    }

    private func loc(_ mark: Mark) -> SourceLocation {
        SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    /// The longest text any field takes (env values included): longer is hostile, not a manifest.
    public static let maxTextBytes = 65_536

    /// At most 64 characters of a value, for messages about hostile or huge input.
    static func excerpt(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(64) {
            out.unicodeScalars.append(contentsOf: scalar.value < 0x20 || scalar.value == 0x7F ? "?".unicodeScalars : String.UnicodeScalarView([scalar]))
        }
        return text.unicodeScalars.count > 64 ? out + "..." : out
    }

    /// The closest known key within two edits, for "did you mean" hints on typos.
    static func suggestion(for key: String, among names: [String]) -> String? {
        let k = Array(key.lowercased().utf8)
        guard k.count <= 64 else { return nil }
        var best: (String, Int)?
        for name in names {
            let d = editDistance(k, Array(name.utf8))
            if d <= 2, d < (best?.1 ?? Int.max) { best = (name, d) }
        }
        return best?.0
    }

    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
