import RangeDiagnostics

/// The plan as the JSON document of CLI.md (also the saved plan file); keys in a fixed order.
public enum PlanJSON {
    public static func document(_ plan: Plan) -> JSONValue {
        let valid = plan.valid
        let s = plan.summary
        return .object([
            ("format_version", .string(Plan.formatVersion)),
            ("range", .string(plan.range)),
            ("valid", .bool(valid)),
            ("diagnostics", .array(plan.diagnostics.map(\.json))),
            ("networks", .array(valid ? plan.desired!.networks.map { network($0, range: plan.range) } : [])),
            ("vms", .array(valid ? plan.desired!.vms.map(vm) : [])),
            ("changes", .array(valid ? plan.changes.map(change) : [])),
            ("summary", .object([("add", .int(s.add)), ("change", .int(s.change)), ("replace", .int(s.replace)), ("destroy", .int(s.destroy))])),
        ])
    }

    static func network(_ n: DesiredNetwork, range: String) -> JSONValue {
        .object([
            ("name", .string(n.name)),
            ("docker_name", .string(n.dockerName)),
            ("subnet", .string(n.subnet.description)),
            ("gateway", .string(n.gateway.description)),
            ("internal", .bool(n.internal)),
            ("reserved", .int(n.reserved)),
        ])
    }

    static func vm(_ v: DesiredVM) -> JSONValue {
        .object([
            ("hostname", .string(v.hostname)),
            ("docker_name", .string(v.dockerName)),
            ("image", .string(v.image)),
            ("cpu", .int(v.cpu)),
            ("ram_mb", .int(v.ramMB)),
            ("disk_gb", .int(v.diskGB)),
            ("privileged", .bool(v.privileged)),
            ("cap_add", .array(v.capAdd.map { .string($0) })),
            ("sysctls", map(v.sysctls)),
            ("env", map(v.env)),
            ("command", v.command.map { .array($0.map { .string($0) }) } ?? .null),
            ("interfaces", .array(v.interfaces.map { i in
                .object([
                    ("name", .string(i.name)),
                    ("network", .string(i.network)),
                    ("ip", .string(i.ip.description)),
                    ("primary", .bool(i.primary)),
                    ("auto", .bool(i.auto)),
                ])
            })),
        ])
    }

    static func change(_ c: Change) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("action", .string(c.action.rawValue)),
            ("kind", .string(c.kind.rawValue)),
            ("name", .string(c.name)),
        ]
        if !c.detail.isEmpty { fields.append(("detail", .array(c.detail.map { .string($0) }))) }
        return .object(fields)
    }

    static func map(_ pairs: [KeyValue]) -> JSONValue {
        .object(pairs.map { ($0.key, .string($0.value)) })
    }
}
