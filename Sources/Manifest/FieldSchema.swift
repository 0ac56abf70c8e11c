import Glibc
import RangeDiagnostics

/// The type of a manifest field, as the decoder checks it and as the JSON Schema publishes it.
public indirect enum FieldType: Sendable {
    /// Any non-null scalar, taken as its text as written; optionally constrained by a format.
    case string(TextFormat?)
    /// An integer (not a float, not a quoted number), optionally within bounds.
    case integer(ClosedRange<Int>?)
    case boolean
    /// A mapping of keys (with a format) to scalars taken as text.
    case stringMap(key: TextFormat?)
    /// A list of strings with a format.
    case stringList(TextFormat?)
    /// A string (split like a shell would, as Compose does) or a list of strings.
    case command
    /// A list of objects.
    case objectList(ObjectSchema)
    /// One object.
    case object(ObjectSchema)
    /// A VM's interfaces: each item a network name or an interface object.
    case interfaceList(ObjectSchema)
}

/// One key of an object: its name, type, whether it must be present, and documentation.
public struct FieldSpec: Sendable {
    public var name: String
    public var type: FieldType
    public var required: Bool
    public var summary: String
    /// The default, for the schema's `default` (nil: no default).
    public var defaultJSON: JSONValue?

    public init(_ name: String, _ type: FieldType, required: Bool = false, default defaultJSON: JSONValue? = nil, _ summary: String) {
        self.name = name
        self.type = type
        self.required = required
        self.summary = summary
        self.defaultJSON = defaultJSON
    }
}

/// The keys an object may have. The decoder rejects every other key; the schema sets
/// `additionalProperties: false` from the same list.
/// A class: the decoder hands it around for every object of a manifest, and a reference is one
/// word to copy where a struct of arrays would be several reference counts.
public final class ObjectSchema: Sendable {
    public let name: String
    public let summary: String
    public let fields: [FieldSpec]
    /// Groups of keys of which exactly one must be present (none present is reported by the decoder).
    public let exactlyOneOf: [[String]]

    /// The fields' names as bytes: the decoder matches every key of every object against them.
    private let nameBytes: [[UInt8]]
    /// Each field's text format (string fields) and bounds (integer fields), read per value.
    let formats: [TextFormat?]
    let bounds: [ClosedRange<Int>?]

    /// At most 16 fields: the decoder keeps an object's fields inline.
    public static let maxFields = 16

    public init(name: String, summary: String, fields: [FieldSpec], exactlyOneOf: [[String]] = []) {
        precondition(fields.count <= Self.maxFields, "schema \(name) has more than \(Self.maxFields) fields")
        self.name = name
        self.summary = summary
        self.fields = fields
        self.exactlyOneOf = exactlyOneOf
        self.nameBytes = fields.map { Array($0.name.utf8) }
        self.formats = fields.map {
            switch $0.type {
            case let .string(format), let .stringMap(key: format), let .stringList(format): return format
            default: return nil
            }
        }
        self.bounds = fields.map {
            if case let .integer(bounds) = $0.type { return bounds }
            return nil
        }
    }

    /// The index of a field by name. The decoder looks each position up once (not per value).
    public func index(of name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }

    /// The index of the field whose name is these bytes.
    public func index(ofKey key: UnsafeBufferPointer<UInt8>) -> Int? {
        nameBytes.firstIndex { name in
            name.count == key.count && name.withUnsafeBufferPointer { memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }
        }
    }
}

/// The field definitions of manifest format version 1 (MANIFEST.md).
public enum ManifestSchema {
    public static let defaultCPU = 2
    public static let defaultRAM = 4096
    public static let defaultDisk = 40
    public static let defaultReserved = 9
    public static let defaultHelperImage = "busybox:latest"

    public static let route = ObjectSchema(
        name: "route", summary: "A route inside the VM: `to` a CIDR or `default`, `via` an address on one of its networks.",
        fields: [
            FieldSpec("to", .string(nil), required: true, "Destination: an IPv4 CIDR or `default`."),
            FieldSpec("via", .string(nil), required: true, "Next hop: an address in a subnet the VM is attached to."),
        ])

    public static let interface = ObjectSchema(
        name: "interface", summary: "A network interface; the first of a VM is its primary NIC (eth0, default route).",
        fields: [
            FieldSpec("network", .string(.resourceName), required: true, "Name of a network of this range."),
            FieldSpec("ip", .string(nil), "Static IPv4 address inside the network's subnet; omitted = assigned automatically."),
        ])

    public static let network = ObjectSchema(
        name: "network", summary: "A named network (an engine bridge network).",
        fields: [
            FieldSpec("name", .string(.resourceName), required: true, "Network name, unique in the range."),
            FieldSpec("subnet", .string(nil), required: true, "IPv4 CIDR with zero host bits, prefix length 8..30."),
            FieldSpec("gateway", .string(nil), "Gateway address inside the subnet; default: the first host address."),
            FieldSpec("reserved", .integer(0...16_777_213), default: .int(defaultReserved), "Host offsets 1..reserved are never assigned automatically."),
            FieldSpec("internal", .boolean, default: .bool(false), "True: isolated, no route off the range (behind a router: no NAT)."),
            FieldSpec("router", .string(.hostname), "A VM of this range that holds the gateway address and routes this segment."),
            FieldSpec("bridge_ip", .string(nil), "The engine's own address on a routed network; default: the last usable host."),
        ])

    public static let vm = ObjectSchema(
        name: "vm", summary: "A VM (a container) with one or more network interfaces.",
        fields: [
            FieldSpec("hostname", .string(.hostname), required: true, "RFC 1123 label, unique in the range (case-insensitive)."),
            FieldSpec("image", .string(.imageReference), required: true, "Container image reference."),
            FieldSpec("cpu", .integer(1...32), default: .int(defaultCPU), "CPUs."),
            FieldSpec("ram_mb", .integer(512...131_072), default: .int(defaultRAM), "Memory in MiB."),
            FieldSpec("disk_gb", .integer(10...1000), default: .int(defaultDisk), "Disk in GB (recorded; enforced only where the engine can)."),
            FieldSpec("networks", .interfaceList(interface), "Interfaces in order: network names, or {network, ip} objects."),
            FieldSpec("network", .string(.resourceName), "Legacy single-NIC form: the network name (exclusive with networks)."),
            FieldSpec("ip", .string(nil), "Legacy single-NIC form: static address on `network`."),
            FieldSpec("cap_add", .stringList(.capability), "Linux capabilities to add, e.g. NET_ADMIN."),
            FieldSpec("privileged", .boolean, default: .bool(false), "Run the VM privileged."),
            FieldSpec("sysctls", .stringMap(key: .sysctlName), "Namespaced sysctls, e.g. net.ipv4.ip_forward: \"1\"."),
            FieldSpec("env", .stringMap(key: .envName), "Environment variables."),
            FieldSpec("command", .command, "Command: a list, or a string split like a shell would."),
            FieldSpec("routes", .objectList(route), "Routes set inside the VM after it starts (no tool needed in its image)."),
            FieldSpec("host", .string(.resourceName), "The swarm node it runs on: a NAME of --engine NAME=URL (else placed by hashing; ignored with one engine)."),
        ],
        exactlyOneOf: [["networks", "network"]])

    /// Instance names become part of every engine name (`<range>-<instance>-<object>`).
    public static let maxInstances = 4096

    public static let instances = ObjectSchema(
        name: "instances", summary: "Copies of the range, each re-based into its own block of `address_space` (one per student or team).",
        fields: [
            FieldSpec("names", .stringList(.resourceName), "Instance names, in order; each gets the next free block."),
            FieldSpec("count", .integer(1...maxInstances), "Instead of names: this many instances, named \"01\" .. \"N\" (as many digits as N has, at least two)."),
            FieldSpec("address_space", .string(nil), required: true, "IPv4 CIDR the instances' blocks are taken from; must not overlap the range's own subnets."),
        ],
        exactlyOneOf: [["names", "count"]])

    /// Segmentation as code (issue 11): what may cross the router VMs, and what they publish.
    public static let defaultPolicy = "deny"

    public static let policyRule = ObjectSchema(
        name: "policy_rule", summary: "Traffic allowed through the routers: from a VM, network or CIDR to another, on some ports (replies included).",
        fields: [
            FieldSpec("from", .string(nil), required: true, "Source: a VM hostname (all its addresses), a network name (its subnet) or an IPv4 CIDR."),
            FieldSpec("to", .string(nil), required: true, "Destination: a VM hostname, a network name or an IPv4 CIDR."),
            FieldSpec("ports", .stringList(nil), required: true, "`tcp/N`, `udp/N`, `tcp/N-M`, `udp/N-M`, `icmp` or `any`."),
        ])

    public static let natRule = ObjectSchema(
        name: "nat_rule", summary: "An address and port published by the router of network `on`, forwarded to a VM behind it.",
        fields: [
            FieldSpec("on", .string(.resourceName), required: true, "The network the address is published on; its router holds it."),
            FieldSpec("address", .string(nil), required: true, "The published IPv4 address: in `on`'s subnet, held by no interface, gateway or bridge."),
            FieldSpec("port", .string(nil), required: true, "The published port: `tcp/N` or `udp/N`."),
            FieldSpec("to", .string(.hostname), required: true, "The VM the traffic is forwarded to, on another segment of the same router."),
            FieldSpec("to_port", .integer(1...65535), "The VM's port; default: the number of `port`."),
        ])

    public static let policy = ObjectSchema(
        name: "policy", summary: "Segmentation as code: traffic between segments that the router VMs let through, and addresses they publish.",
        fields: [
            FieldSpec("default", .string(nil), default: .string(defaultPolicy), "`deny` or `allow`: traffic between a router's segments that no rule names."),
            FieldSpec("allow", .objectList(policyRule), "Traffic let through the routers, whatever `default` says."),
            FieldSpec("nat", .objectList(natRule), "Destination NAT: an address and port on one segment forwarded to a VM on another."),
        ])

    public static let root = ObjectSchema(
        name: "range", summary: "A rangectl range manifest, format version 1.",
        fields: [
            FieldSpec("version", .integer(nil), required: true, "Manifest format version; must be 1."),
            FieldSpec("name", .string(.resourceName), required: true, "Range name; prefixes every engine object."),
            FieldSpec("labels", .stringMap(key: .labelKey), "Labels copied onto every engine object."),
            FieldSpec("helper_image", .string(.imageReference), default: .string(defaultHelperImage), "Image of the short-lived helper that sets VM routes (needs sh and ip)."),
            FieldSpec("networks", .objectList(network), required: true, "The range's networks."),
            FieldSpec("vms", .objectList(vm), required: true, "The range's VMs."),
            FieldSpec("instances", .object(instances), "Several copies of the range on the same engines, each in its own address block."),
            FieldSpec("policy", .object(policy), "What traffic may cross the router VMs, and what they publish (segmentation as code)."),
        ])
}
