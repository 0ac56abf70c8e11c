import RangeDiagnostics

/// The spec of engine objects as rangectl records it in labels, and the stable hash of it.
/// Pure and process-independent (no `Hasher`): the same spec gives the same label everywhere.
public enum SpecEncoding {
    /// FNV-1a, 64 bits, as 16 hex digits: a change detector, not a security boundary.
    public static func hash(_ text: String) -> String {
        let hex = String(fnv1a(text.utf8), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// FNV-1a, 64 bits, of bytes (also what placement scores nodes with).
    public static func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// Keys sorted bytewise, `k=v` joined by newlines (for hashing maps).
    public static func canonical(_ map: [String: String]) -> String {
        map.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
    }

    static func canonical(_ pairs: [KeyValue]) -> String {
        pairs.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
    }

    /// The fields of a VM that need a re-create to change, in a fixed order. Env values are hashed
    /// so that a label never shows a secret.
    public static func vmSpec(_ vm: DesiredVM, labels: [KeyValue]) -> [(String, JSONValue)] {
        [
            ("hostname", .string(vm.hostname)),
            ("image", .string(vm.image)),
            ("command", vm.command.map { .array($0.map { .string($0) }) } ?? .null),
            ("env", .object(vm.env.map { ($0.key, .string(hash($0.value))) })),
            ("cpu", .int(vm.cpu)),
            ("ram_mb", .int(vm.ramMB)),
            ("disk_gb", .int(vm.diskGB)),
            ("cap_add", .array(vm.capAdd.map { .string($0) })),
            ("sysctls", .object(vm.sysctls.map { ($0.key, .string($0.value)) })),
            ("privileged", .bool(vm.privileged)),
            ("labels", .string(hash(canonical(labels)))),
        ]
    }

    /// Optional fields are recorded only when set, so that a field added to rangectl later does
    /// not change the hash of objects that do not use it.
    public static func networkSpec(_ n: DesiredNetwork, labels: [KeyValue]) -> [(String, JSONValue)] {
        var spec: [(String, JSONValue)] = [
            ("subnet", .string(n.subnet.description)),
            ("gateway", .string(n.gateway.description)),
            ("internal", .bool(n.internal)),
            ("labels", .string(hash(canonical(labels)))),
        ]
        if let router = n.router { spec.append(("router", .string(router))) }
        if let bridge = n.bridgeIP { spec.append(("bridge_ip", .string(bridge.description))) }
        return spec
    }

    /// A VM's routes as the routes marker records them: `to via ip` joined by commas.
    public static func routes(_ vm: DesiredVM) -> String {
        vm.routes.map(\.description).joined(separator: ",")
    }

    /// `net=ip,net=ip` in interface order: what the interfaces label holds.
    public static func interfaces(_ vm: DesiredVM) -> String {
        vm.interfaces.map { "\($0.network)=\($0.ip)" }.joined(separator: ",")
    }

    /// The interfaces label read back: (network, address) in order; malformed items are skipped.
    public static func interfaces(label text: String) -> [(network: String, ip: String)] {
        text.split(separator: ",").compactMap { item in
            let parts = item.split(separator: "=", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }
    }

    /// The hash of a spec, as its spec-hash label holds it: what the reconciler compares.
    public static func hash(of spec: [(String, JSONValue)]) -> String {
        hash(JSONValue.object(spec).serialized())
    }

    /// The spec-hash and spec labels of a spec, from one serialisation.
    static func specLabels(_ spec: [(String, JSONValue)]) -> [KeyValue] {
        let text = JSONValue.object(spec).serialized()
        return [KeyValue(RangeLabels.specHash, hash(text)), KeyValue(RangeLabels.spec, text)]
    }

    /// Every label a VM's container carries.
    public static func vmLabels(_ vm: DesiredVM, range: DesiredRange) -> [KeyValue] {
        RangeLabels.common(range: range.name, instance: vm.instance, manifestLabels: range.labels)
            + [KeyValue(RangeLabels.vm, vm.hostname)]
            + specLabels(vmSpec(vm, labels: range.labels))
            + [KeyValue(RangeLabels.interfaces, interfaces(vm))]
    }

    /// Every label a network carries.
    public static func networkLabels(_ n: DesiredNetwork, range: DesiredRange) -> [KeyValue] {
        RangeLabels.common(range: range.name, instance: n.instance, manifestLabels: range.labels)
            + [KeyValue(RangeLabels.network, n.name)]
            + specLabels(networkSpec(n, labels: range.labels))
    }
}
