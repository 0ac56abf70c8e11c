import RangeDiagnostics

/// Turns a composed document into a `RawManifest`, checking every key, type, bound and name
/// format against `ManifestSchema` and recording every problem found (it never stops early).
/// It walks the document's nodes in place; keys are matched by their bytes.
public struct ManifestDecoder {
    public let file: String
    public private(set) var diagnostics: [Diagnostic] = []
    /// The document being decoded (lent by the composer while it streams VMs).
    var doc = YAMLDocument()

    private let fileID: FileID
    /// The last image reference found valid.
    private var lastImage: String?

    public init(file: String) {
        self.file = file
        fileID = FileID(file)
    }

    /// The decoded manifest, or nil when the root is missing or not a mapping.
    public mutating func decode(_ composed: ComposedDocument) -> RawManifest? {
        doc = composed.document
        defer { doc = YAMLDocument() }
        guard let root = composed.rootID else {
            report(.typeMismatch, "the manifest is empty; expected a mapping with version, name, networks and vms", at: loc(Mark(line: 1, column: 1)))
            return nil
        }
        guard let fields = readObject(root, ManifestSchema.root, what: "the manifest") else { return nil }
        let version: Located<Int>? = integer(fields, F.Root.version)
        if let version, version.value != 1 {
            report(.unsupportedVersion, "manifest format version \(version.value) is not supported; this rangectl reads version 1", at: version.location)
        }
        let name = string(fields, F.Root.name)
        let labels = stringMap(fields, F.Root.labels)
        var networks: [RawNetwork] = []
        if let list = list(fields, F.Root.networks) {
            for i in 0..<doc.count(list) {
                if let n = network(doc.item(list, i)) { networks.append(n) }
            }
        }
        var vms: [RawVM] = []
        if let list = list(fields, F.Root.vms) {
            if let streamed = composed.streamed, streamed.list == list {
                vms = streamed.vms
                diagnostics += streamed.diagnostics
            } else {
                vms.reserveCapacity(doc.count(list))
                for i in 0..<doc.count(list) {
                    if let v = vm(doc.item(list, i)) { vms.append(v) }
                }
            }
        }
        return RawManifest(location: loc(root), version: version, name: name, labels: labels,
                           helperImage: string(fields, F.Root.helperImage), networks: networks, vms: vms,
                           instances: fields.node(F.Root.instances).flatMap { instances($0) },
                           policy: fields.node(F.Root.policy).flatMap { policy($0) })
    }

    private mutating func policy(_ node: NodeID) -> RawPolicy? {
        guard let f = readObject(node, ManifestSchema.policy, what: "'policy'") else { return nil }
        var allow: [RawPolicyRule] = []
        if let list = list(f, F.Pol.allow) {
            for i in 0..<doc.count(list) {
                let item = doc.item(list, i)
                guard let r = readObject(item, ManifestSchema.policyRule, what: "an 'allow' rule") else { continue }
                // A value that is not a list is reported by stringList and left absent.
                var ports: Located<[Located<String>]>?
                if let p = r.node(F.PolRule.ports) {
                    let entries = stringList(r, F.PolRule.ports)
                    if doc.shape(p) == .sequence { ports = Located(entries, at: loc(p)) }
                }
                allow.append(RawPolicyRule(location: loc(item), from: string(r, F.PolRule.from), to: string(r, F.PolRule.to), ports: ports))
            }
        }
        var nat: [RawNATRule] = []
        if let list = list(f, F.Pol.nat) {
            for i in 0..<doc.count(list) {
                let item = doc.item(list, i)
                guard let r = readObject(item, ManifestSchema.natRule, what: "a 'nat' entry") else { continue }
                nat.append(RawNATRule(location: loc(item), on: string(r, F.NAT.on), address: string(r, F.NAT.address), port: string(r, F.NAT.port),
                                      to: string(r, F.NAT.to), toPort: integer(r, F.NAT.toPort)))
            }
        }
        return RawPolicy(location: loc(node), defaultAction: string(f, F.Pol.defaultAction), allow: allow, nat: nat)
    }

    private mutating func instances(_ node: NodeID) -> RawInstances? {
        guard let f = readObject(node, ManifestSchema.instances, what: "'instances'") else { return nil }
        let names: [Located<String>]? = f.node(F.Inst.names) == nil ? nil : stringList(f, F.Inst.names)
        if f.node(F.Inst.names) != nil && f.node(F.Inst.count) != nil {
            conflicting(F.Inst.count, with: F.Inst.names, f)
        } else if f.node(F.Inst.names) == nil && f.node(F.Inst.count) == nil {
            report(.missingField, "'instances' needs 'names' (a list) or 'count'", node)
        }
        return RawInstances(location: loc(node), names: names, count: integer(f, F.Inst.count), addressSpace: string(f, F.Inst.addressSpace))
    }

    private mutating func network(_ node: NodeID) -> RawNetwork? {
        guard let f = readObject(node, ManifestSchema.network, what: "a network") else { return nil }
        return RawNetwork(
            location: loc(node), name: string(f, F.Net.name), subnet: string(f, F.Net.subnet), gateway: string(f, F.Net.gateway),
            reserved: integer(f, F.Net.reserved), internal: boolean(f, F.Net.internal), router: string(f, F.Net.router),
            bridgeIP: string(f, F.Net.bridgeIP))
    }

    mutating func vm(_ node: NodeID) -> RawVM? {
        guard let f = readObject(node, ManifestSchema.vm, what: "a VM") else { return nil }
        var interfaces: [RawInterface] = []
        let listNode = f.node(F.VM.networks)
        let legacyNode = f.node(F.VM.network)
        let ipNode = f.node(F.VM.ip)
        if let listNode {
            interfaces = interfaceList(listNode)
            if legacyNode != nil { conflicting(F.VM.network, with: F.VM.networks, f) }
            if ipNode != nil { conflicting(F.VM.ip, with: F.VM.networks, f) }
        } else if legacyNode != nil {
            interfaces = [RawInterface(location: loc(f.key(F.VM.network)!), network: string(f, F.VM.network), ip: string(f, F.VM.ip))]
        } else if ipNode != nil {
            _ = string(f, F.VM.ip)
            report(.missingField, "a VM with 'ip' needs 'network' (or use 'networks')", node)
        } else {
            report(.noInterfaces, "a VM needs at least one interface: add 'networks'", node)
        }
        var routes: [RawRoute] = []
        if let list = list(f, F.VM.routes) {
            for i in 0..<doc.count(list) {
                let node = doc.item(list, i)
                if let r = readObject(node, ManifestSchema.route, what: "a route") {
                    routes.append(RawRoute(location: loc(node), to: string(r, F.Route.to), via: string(r, F.Route.via)))
                }
            }
        }
        return RawVM(
            location: loc(node), hostname: string(f, F.VM.hostname), image: string(f, F.VM.image),
            cpu: integer(f, F.VM.cpu), ramMB: integer(f, F.VM.ramMB), diskGB: integer(f, F.VM.diskGB),
            interfaces: interfaces, capAdd: stringList(f, F.VM.capAdd), privileged: boolean(f, F.VM.privileged),
            sysctls: stringMap(f, F.VM.sysctls), env: stringMap(f, F.VM.env), command: command(f, F.VM.command), routes: routes,
            host: string(f, F.VM.host))
    }

    /// `networks` and `network`/`ip` together: reported at whichever key comes later, with a
    /// note at the other.
    private mutating func conflicting(_ ai: Int, with bi: Int, _ f: ObjectFields) {
        let a = f.schema.fields[ai].name, b = f.schema.fields[bi].name
        let aKey = loc(f.key(ai)!), bKey = loc(f.key(bi)!)
        let (later, earlierName, earlier, laterName) = bKey.starts(before: aKey) ? (aKey, b, bKey, a) : (bKey, a, aKey, b)
        report(.conflictingFields, "'\(laterName)' cannot be used together with '\(earlierName)' (\(earlier.reference(from: later)))", at: later,
               notes: [DiagnosticNote("'\(earlierName)' is given here", at: earlier)])
    }

    private mutating func interfaceList(_ node: NodeID) -> [RawInterface] {
        guard doc.shape(node) == .sequence else {
            typeMismatch("networks", expected: "a list of network names or {network, ip} mappings", node)
            return []
        }
        let count = doc.count(node)
        if count == 0 {
            report(.noInterfaces, "a VM needs at least one interface; 'networks' is empty", node)
        }
        var result: [RawInterface] = []
        result.reserveCapacity(count)
        for i in 0..<count {
            let item = doc.item(node, i)
            switch doc.shape(item) {
            case .scalar:
                if let name = text(item, field: "networks", format: .resourceName, what: "network name") {
                    result.append(RawInterface(location: name.location, network: name, ip: nil))
                }
            case .mapping:
                if let f = readObject(item, ManifestSchema.interface, what: "an interface") {
                    result.append(RawInterface(location: loc(item), network: string(f, F.Iface.network), ip: string(f, F.Iface.ip)))
                }
            case .sequence:
                typeMismatch("networks", expected: "a network name or a {network, ip} mapping", item)
            }
        }
        return result
    }

    // MARK: - Objects and typed fields

    /// The nodes of an object's known keys (and of the keys themselves), by the index of their
    /// field in the schema; -1 where absent. Inline: no allocation per object.
    struct ObjectFields {
        var schema: ObjectSchema
        var values = InlineArray<16, Int32>(repeating: -1)
        var keys = InlineArray<16, Int32>(repeating: -1)

        /// The value of the field at `i` (an `F` constant), when given.
        func node(_ i: Int) -> NodeID? {
            let v = values[i]
            return v < 0 ? nil : NodeID(index: v)
        }

        /// The key of the field at `i`, when given.
        func key(_ i: Int) -> NodeID? {
            let k = keys[i]
            return k < 0 ? nil : NodeID(index: k)
        }
    }

    private mutating func readObject(_ node: NodeID, _ schema: ObjectSchema, what: String) -> ObjectFields? {
        guard doc.shape(node) == .mapping else {
            report(.typeMismatch, "expected \(what) as a mapping, found \(doc.typeDescription(node))", node)
            return nil
        }
        var fields = ObjectFields(schema: schema)
        for e in 0..<doc.count(node) {
            let key = doc.key(node, e)
            guard let i = doc.withText(key, { schema.index(ofKey: $0) }) else {
                let name = doc.text(key)
                var message = "unknown field '\(name)' in \(what)"
                if let guess = Self.suggestion(for: name, among: schema.fields.map(\.name)) {
                    message += "; did you mean '\(guess)'?"
                }
                report(.unknownField, message, key)
                continue
            }
            fields.values[i] = doc.value(node, e).index
            fields.keys[i] = key.index
        }
        for (i, spec) in schema.fields.enumerated() where spec.required && fields.values[i] < 0 {
            report(.missingField, "\(what) is missing the required field '\(spec.name)'", node)
        }
        return fields
    }

    private mutating func string(_ f: ObjectFields, _ i: Int) -> Located<String>? {
        guard let node = f.node(i) else { return nil }
        let name = f.schema.fields[i].name
        return text(node, field: name, format: f.schema.formats[i], what: name)
    }

    /// A scalar as text (any non-null scalar), checked against a format when one is given.
    private mutating func text(_ node: NodeID, field: String, format: TextFormat?, what: String) -> Located<String>? {
        guard let value = doc.scalarValue(node), value != .null else {
            typeMismatch(field, expected: "a string", node)
            return nil
        }
        let length = doc.textLength(node)
        if length > Self.maxTextBytes {
            report(.outOfRange, "'\(field)' is \(length) bytes long; a value may have at most \(Self.maxTextBytes)", node)
            return nil
        }
        let text = doc.text(node)
        if format == .imageReference && text == lastImage {
            // Most VMs of a range share a few images: the last one checked needs no new check.
        } else if let format, !format.matches(text) {
            report(.invalidName, "invalid \(what) '\(Diagnostic.excerpt(text))': expected \(format.explanation)", node)
            return nil
        } else if format == .imageReference {
            lastImage = text
        }
        return Located(text, at: loc(node))
    }

    private mutating func integer(_ f: ObjectFields, _ i: Int) -> Located<Int>? {
        guard let node = f.node(i) else { return nil }
        let name = f.schema.fields[i].name
        guard case let .int(v)? = doc.scalarValue(node) else {
            typeMismatch(name, expected: "an integer", node)
            return nil
        }
        if let bounds = f.schema.bounds[i], !bounds.contains(v) {
            report(.outOfRange, "'\(name)' must be between \(bounds.lowerBound) and \(bounds.upperBound), found \(v)", node)
            return nil
        }
        return Located(v, at: loc(node))
    }

    private mutating func boolean(_ f: ObjectFields, _ i: Int) -> Located<Bool>? {
        guard let node = f.node(i) else { return nil }
        let name = f.schema.fields[i].name
        guard case let .bool(v)? = doc.scalarValue(node) else {
            typeMismatch(name, expected: "true or false", node)
            return nil
        }
        return Located(v, at: loc(node))
    }

    /// A list field's node; nil when absent or (reported) not a list.
    private mutating func list(_ f: ObjectFields, _ i: Int) -> NodeID? {
        guard let node = f.node(i) else { return nil }
        let name = f.schema.fields[i].name
        guard doc.shape(node) == .sequence else {
            typeMismatch(name, expected: "a list", node)
            return nil
        }
        return node
    }

    private mutating func stringMap(_ f: ObjectFields, _ i: Int) -> [RawPair] {
        guard let node = f.node(i) else { return [] }
        let name = f.schema.fields[i].name
        guard doc.shape(node) == .mapping else {
            typeMismatch(name, expected: "a mapping", node)
            return []
        }
        let keyFormat = f.schema.formats[i]
        var pairs: [RawPair] = []
        for e in 0..<doc.count(node) {
            let keyNode = doc.key(node, e)
            guard let key = text(keyNode, field: name, format: keyFormat, what: "\(name) key"),
                  let value = text(doc.value(node, e), field: "\(name).\(doc.text(keyNode))", format: nil, what: "value") else { continue }
            pairs.append(RawPair(key: key, value: value))
        }
        return pairs
    }

    private mutating func stringList(_ f: ObjectFields, _ i: Int) -> [Located<String>] {
        guard let node = f.node(i) else { return [] }
        let name = f.schema.fields[i].name
        guard doc.shape(node) == .sequence else {
            typeMismatch(name, expected: "a list", node)
            return []
        }
        let format = f.schema.formats[i]
        var out: [Located<String>] = []
        for i in 0..<doc.count(node) {
            if let t = text(doc.item(node, i), field: name, format: format, what: "\(name) entry") { out.append(t) }
        }
        return out
    }

    private mutating func command(_ f: ObjectFields, _ i: Int) -> Located<[String]>? {
        guard let node = f.node(i) else { return nil }
        let name = f.schema.fields[i].name
        var words: [String]
        switch doc.shape(node) {
        case .scalar where doc.scalarValue(node) != .null:
            guard let split = ShellWords.split(doc.text(node)) else {
                report(.typeMismatch, "'\(name)' has an unterminated quote", node)
                return nil
            }
            words = split
        case .sequence:
            words = []
            for i in 0..<doc.count(node) {
                guard let t = text(doc.item(node, i), field: name, format: nil, what: "\(name) word") else { return nil }
                words.append(t.value)
            }
        default:
            typeMismatch(name, expected: "a string or a list of strings", node)
            return nil
        }
        if words.isEmpty {
            report(.typeMismatch, "'\(name)' is empty; omit it to use the image's default command", node)
            return nil
        }
        return Located(words, at: loc(node))
    }

    /// Each field's position in its schema, looked up once by name.
    enum F {
        enum Root {
            static let version = at(ManifestSchema.root, "version"), name = at(ManifestSchema.root, "name")
            static let labels = at(ManifestSchema.root, "labels"), helperImage = at(ManifestSchema.root, "helper_image")
            static let networks = at(ManifestSchema.root, "networks"), vms = at(ManifestSchema.root, "vms")
            static let instances = at(ManifestSchema.root, "instances")
            static let policy = at(ManifestSchema.root, "policy")
        }
        enum Pol {
            static let defaultAction = at(ManifestSchema.policy, "default"), allow = at(ManifestSchema.policy, "allow")
            static let nat = at(ManifestSchema.policy, "nat")
        }
        enum PolRule {
            static let from = at(ManifestSchema.policyRule, "from"), to = at(ManifestSchema.policyRule, "to")
            static let ports = at(ManifestSchema.policyRule, "ports")
        }
        enum NAT {
            static let on = at(ManifestSchema.natRule, "on"), address = at(ManifestSchema.natRule, "address")
            static let port = at(ManifestSchema.natRule, "port"), to = at(ManifestSchema.natRule, "to")
            static let toPort = at(ManifestSchema.natRule, "to_port")
        }
        enum Inst {
            static let names = at(ManifestSchema.instances, "names"), count = at(ManifestSchema.instances, "count")
            static let addressSpace = at(ManifestSchema.instances, "address_space")
        }
        enum Net {
            static let name = at(ManifestSchema.network, "name"), subnet = at(ManifestSchema.network, "subnet")
            static let gateway = at(ManifestSchema.network, "gateway"), reserved = at(ManifestSchema.network, "reserved")
            static let `internal` = at(ManifestSchema.network, "internal"), router = at(ManifestSchema.network, "router")
            static let bridgeIP = at(ManifestSchema.network, "bridge_ip")
        }
        enum VM {
            static let hostname = at(ManifestSchema.vm, "hostname"), image = at(ManifestSchema.vm, "image")
            static let cpu = at(ManifestSchema.vm, "cpu"), ramMB = at(ManifestSchema.vm, "ram_mb"), diskGB = at(ManifestSchema.vm, "disk_gb")
            static let networks = at(ManifestSchema.vm, "networks"), network = at(ManifestSchema.vm, "network"), ip = at(ManifestSchema.vm, "ip")
            static let capAdd = at(ManifestSchema.vm, "cap_add"), privileged = at(ManifestSchema.vm, "privileged")
            static let sysctls = at(ManifestSchema.vm, "sysctls"), env = at(ManifestSchema.vm, "env")
            static let command = at(ManifestSchema.vm, "command"), routes = at(ManifestSchema.vm, "routes")
            static let host = at(ManifestSchema.vm, "host")
        }
        enum Iface {
            static let network = at(ManifestSchema.interface, "network"), ip = at(ManifestSchema.interface, "ip")
        }
        enum Route {
            static let to = at(ManifestSchema.route, "to"), via = at(ManifestSchema.route, "via")
        }

        static func at(_ schema: ObjectSchema, _ name: String) -> Int {
            guard let i = schema.index(of: name) else { preconditionFailure("schema \(schema.name) has no field \(name)") }
            return i
        }
    }

    // MARK: - Reporting

    private mutating func typeMismatch(_ field: String, expected: String, _ node: NodeID) {
        report(.typeMismatch, "'\(field)' expects \(expected), found \(doc.typeDescription(node))", node)
    }

    /// Reported at the span of `node`.
    private mutating func report(_ code: DiagnosticCode, _ message: String, _ node: NodeID) {
        diagnostics.append(.error(code, message, at: loc(node)))
    }

    private mutating func report(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, notes: [DiagnosticNote] = []) {
        diagnostics.append(.error(code, message, at: location, notes: notes))
    }

    private func loc(_ mark: Mark) -> SourceLocation {
        SourceLocation(fileID, line: mark.line, column: mark.column)
    }

    /// The span a node was written on (for a collection, from its first character to after its last).
    private func loc(_ node: NodeID) -> SourceLocation {
        doc.location(node, in: fileID)
    }

    /// The longest text any field takes (env values included): longer is hostile, not a manifest.
    public static let maxTextBytes = 65_536

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
