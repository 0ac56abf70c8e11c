import RangeDiagnostics

/// The decoder's objects and typed fields: an object's known keys found once, each field read
/// as its type (text formats, bounds, maps, lists, commands), every mismatch reported.
extension ManifestDecoder {
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

    mutating func readObject(_ node: NodeID, _ schema: ObjectSchema, what: String) -> ObjectFields? {
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

    mutating func string(_ f: ObjectFields, _ i: Int) -> Located<String>? {
        guard let node = f.node(i) else { return nil }
        let name = f.schema.fields[i].name
        return text(node, field: name, format: f.schema.formats[i], what: name)
    }

    /// A scalar as text (any non-null scalar), checked against a format when one is given.
    mutating func text(_ node: NodeID, field: String, format: TextFormat?, what: String) -> Located<String>? {
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

    mutating func integer(_ f: ObjectFields, _ i: Int) -> Located<Int>? {
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

    mutating func boolean(_ f: ObjectFields, _ i: Int) -> Located<Bool>? {
        guard let node = f.node(i) else { return nil }
        let name = f.schema.fields[i].name
        guard case let .bool(v)? = doc.scalarValue(node) else {
            typeMismatch(name, expected: "true or false", node)
            return nil
        }
        return Located(v, at: loc(node))
    }

    /// A list field's node; nil when absent or (reported) not a list.
    mutating func list(_ f: ObjectFields, _ i: Int) -> NodeID? {
        guard let node = f.node(i) else { return nil }
        let name = f.schema.fields[i].name
        guard doc.shape(node) == .sequence else {
            typeMismatch(name, expected: "a list", node)
            return nil
        }
        return node
    }

    mutating func stringMap(_ f: ObjectFields, _ i: Int) -> [RawPair] {
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

    mutating func stringList(_ f: ObjectFields, _ i: Int) -> [Located<String>] {
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

    mutating func command(_ f: ObjectFields, _ i: Int) -> Located<[String]>? {
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
}
