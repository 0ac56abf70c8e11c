import RangeDiagnostics

/// Turns a composed document into a `RawManifest`, checking every key, type, bound and name
/// format against `ManifestSchema` and recording every problem found (it never stops early).
/// It walks the document's nodes in place; keys are matched by their bytes.
public struct ManifestDecoder {
    public let file: String
    public private(set) var diagnostics: [Diagnostic] = []
    /// The document being decoded (lent by the composer while it streams VMs).
    var doc = YAMLDocument()

    let fileID: FileID
    /// The last image reference found valid.
    var lastImage: String?

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

    mutating func policy(_ node: NodeID) -> RawPolicy? {
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

    mutating func instances(_ node: NodeID) -> RawInstances? {
        guard let f = readObject(node, ManifestSchema.instances, what: "'instances'") else { return nil }
        let names: [Located<String>]? = f.node(F.Inst.names) == nil ? nil : stringList(f, F.Inst.names)
        if f.node(F.Inst.names) != nil && f.node(F.Inst.count) != nil {
            conflicting(F.Inst.count, with: F.Inst.names, f)
        } else if f.node(F.Inst.names) == nil && f.node(F.Inst.count) == nil {
            report(.missingField, "'instances' needs 'names' (a list) or 'count'", node)
        }
        return RawInstances(location: loc(node), names: names, count: integer(f, F.Inst.count), addressSpace: string(f, F.Inst.addressSpace))
    }

    mutating func network(_ node: NodeID) -> RawNetwork? {
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
    mutating func conflicting(_ ai: Int, with bi: Int, _ f: ObjectFields) {
        let a = f.schema.fields[ai].name, b = f.schema.fields[bi].name
        let aKey = loc(f.key(ai)!), bKey = loc(f.key(bi)!)
        let (later, earlierName, earlier, laterName) = bKey.starts(before: aKey) ? (aKey, b, bKey, a) : (bKey, a, aKey, b)
        report(.conflictingFields, "'\(laterName)' cannot be used together with '\(earlierName)' (\(earlier.reference(from: later)))", at: later,
               notes: [DiagnosticNote("'\(earlierName)' is given here", at: earlier)])
    }

    mutating func interfaceList(_ node: NodeID) -> [RawInterface] {
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

    // MARK: - Reporting

    mutating func typeMismatch(_ field: String, expected: String, _ node: NodeID) {
        report(.typeMismatch, "'\(field)' expects \(expected), found \(doc.typeDescription(node))", node)
    }

    /// Reported at the span of `node`.
    mutating func report(_ code: DiagnosticCode, _ message: String, _ node: NodeID) {
        diagnostics.append(.error(code, message, at: loc(node)))
    }

    mutating func report(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, notes: [DiagnosticNote] = []) {
        diagnostics.append(.error(code, message, at: location, notes: notes))
    }

    func loc(_ mark: Mark) -> SourceLocation {
        SourceLocation(fileID, line: mark.line, column: mark.column)
    }

    /// The span a node was written on (for a collection, from its first character to after its last).
    func loc(_ node: NodeID) -> SourceLocation {
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
