import RangeDiagnostics

/// The plan as the JSON document of CLI.md (also the saved plan file); keys in a fixed order.
/// A saved plan carries everything `apply PLAN.json` needs, and `SavedPlan` reads it back.
public enum PlanJSON {
    /// The document. Env values whose name looks secret are `(sensitive)` unless `revealSensitive`,
    /// which only the saved plan file uses (it is the input of `apply PLAN.json`).
    public static func document(_ plan: Plan, revealSensitive: Bool = false) -> JSONValue {
        let valid = plan.valid
        let s = plan.summary
        var fields: [(String, JSONValue)] = [
            ("format_version", .string(Plan.formatVersion)),
            ("range", .string(plan.range)),
            ("valid", .bool(valid)),
            ("diagnostics", .array(plan.diagnostics.map(\.json))),
        ]
        if let engine = plan.engine {
            fields.append(("engine", .object([("host", .string(engine.host)), ("api_version", .string(engine.apiVersion))])))
        }
        if let fingerprint = plan.fingerprint { fields.append(("fingerprint", .string(fingerprint))) }
        fields += [
            ("labels", valid ? map(plan.desired!.labels) : .object([])),
            ("helper_image", valid ? .string(plan.desired!.helperImage) : .null),
            ("networks", .array(valid ? plan.desired!.networks.map(network) : [])),
            ("vms", .array(valid ? plan.desired!.vms.map { vm($0, revealSensitive: revealSensitive) } : [])),
            ("changes", .array(valid ? plan.changes.map(change) : [])),
            ("summary", .object([("add", .int(s.add)), ("change", .int(s.change)), ("replace", .int(s.replace)), ("destroy", .int(s.destroy))])),
        ]
        return .object(fields)
    }

    static func network(_ n: DesiredNetwork) -> JSONValue {
        .object([
            ("name", .string(n.name)),
            ("docker_name", .string(n.dockerName)),
            ("subnet", .string(n.subnet.description)),
            ("gateway", .string(n.gateway.description)),
            ("internal", .bool(n.internal)),
            ("reserved", .int(n.reserved)),
            ("router", n.router.map { .string($0) } ?? .null),
            ("bridge_ip", n.bridgeIP.map { .string($0.description) } ?? .null),
        ])
    }

    static func vm(_ v: DesiredVM, revealSensitive: Bool) -> JSONValue {
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
            ("env", .object(v.env.map { kv in
                (kv.key, .string(revealSensitive || !Sensitive.isSensitive(kv.key) ? kv.value : Sensitive.placeholder))
            })),
            ("command", v.command.map { .array($0.map { .string($0) }) } ?? .null),
            ("interfaces", .array(v.interfaces.map { i in
                .object([
                    ("name", .string(i.name)),
                    ("network", .string(i.network)),
                    ("ip", .string(i.ip.description)),
                    ("primary", .bool(i.primary)),
                    ("auto", .bool(i.auto)),
                    ("router", .bool(i.router)),
                ])
            })),
            ("routes", .array(v.routes.map { r in
                .object([("to", .string(r.to)), ("via", .string(r.via.description)), ("implicit", .bool(r.implicit))])
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

/// Why a file is not a usable saved plan.
public struct SavedPlanError: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// A plan read back from its JSON file, for `apply PLAN.json`.
public struct SavedPlan: Sendable {
    public var desired: DesiredRange
    public var changes: [Change]
    public var fingerprint: String

    /// True when the text is a plan document (a manifest has `version`, a plan `format_version`).
    public static func looksLikePlan(_ document: JSONValue) -> Bool {
        document["format_version"] != nil && document["changes"] != nil
    }

    /// Reads a saved plan; nil with a reason when it is not a complete, valid, live plan.
    public static func read(_ document: JSONValue) -> Result<SavedPlan, SavedPlanError> {
        guard case .string(Plan.formatVersion)? = document["format_version"] else { return .failure(SavedPlanError("format_version is not \"1\"")) }
        guard case .bool(true)? = document["valid"] else { return .failure(SavedPlanError("the saved plan is not valid")) }
        if text(document).contains("\"\(Sensitive.placeholder)\"") {
            return .failure(SavedPlanError("it holds (sensitive) placeholders: save plans with --out, not from --json output"))
        }
        guard case let .string(fingerprint)? = document["fingerprint"] else {
            return .failure(SavedPlanError("the saved plan has no fingerprint: it was made with --offline; plan against the engine to apply"))
        }
        guard case let .string(range)? = document["range"], case let .array(nets)? = document["networks"],
              case let .array(vmItems)? = document["vms"], case let .array(changeItems)? = document["changes"] else {
            return .failure(SavedPlanError("the saved plan lacks range, networks, vms or changes"))
        }
        var networks: [DesiredNetwork] = []
        for n in nets {
            guard case let .string(name)? = n["name"], case let .string(docker)? = n["docker_name"],
                  case let .string(subnetText)? = n["subnet"], case let .success(subnet) = IPv4Subnet.parse(subnetText),
                  case let .string(gw)? = n["gateway"], let gateway = IPv4Address(gw),
                  case let .bool(isInternal)? = n["internal"], case let .int(reserved)? = n["reserved"] else {
                return .failure(SavedPlanError("a network of the saved plan is incomplete"))
            }
            var router: String?
            if case let .string(r)? = n["router"] { router = r }
            var bridge: IPv4Address?
            if case let .string(b)? = n["bridge_ip"] { bridge = IPv4Address(b) }
            networks.append(DesiredNetwork(name: name, dockerName: docker, subnet: subnet, gateway: gateway, reserved: reserved,
                                           internal: isInternal, router: router, bridgeIP: bridge))
        }
        var vms: [DesiredVM] = []
        for v in vmItems {
            guard case let .string(hostname)? = v["hostname"], case let .string(docker)? = v["docker_name"],
                  case let .string(image)? = v["image"], case let .int(cpu)? = v["cpu"], case let .int(ram)? = v["ram_mb"],
                  case let .int(disk)? = v["disk_gb"], case let .bool(privileged)? = v["privileged"],
                  case let .array(caps)? = v["cap_add"], let sysctls = pairs(v["sysctls"]), let env = pairs(v["env"]),
                  case let .array(ifaces)? = v["interfaces"] else {
                return .failure(SavedPlanError("VM entry of the saved plan is incomplete"))
            }
            var command: [String]?
            if case let .array(words)? = v["command"] { command = strings(words) }
            var interfaces: [DesiredInterface] = []
            for i in ifaces {
                guard case let .string(name)? = i["name"], case let .string(net)? = i["network"], case let .string(ipText)? = i["ip"],
                      let ip = IPv4Address(ipText), case let .bool(primary)? = i["primary"], case let .bool(auto)? = i["auto"] else {
                    return .failure(SavedPlanError("an interface of VM \(hostname) in the saved plan is incomplete"))
                }
                var router = false
                if case let .bool(r)? = i["router"] { router = r }
                interfaces.append(DesiredInterface(name: name, network: net, ip: ip, primary: primary, auto: auto, router: router))
            }
            var routes: [DesiredRoute] = []
            if case let .array(items)? = v["routes"] {
                for r in items {
                    guard case let .string(to)? = r["to"], case let .string(viaText)? = r["via"], let via = IPv4Address(viaText) else {
                        return .failure(SavedPlanError("a route of VM \(hostname) in the saved plan is incomplete"))
                    }
                    var implicit = false
                    if case let .bool(b)? = r["implicit"] { implicit = b }
                    routes.append(DesiredRoute(to: to, via: via, implicit: implicit))
                }
            }
            vms.append(DesiredVM(hostname: hostname, dockerName: docker, image: image, cpu: cpu, ramMB: ram, diskGB: disk,
                                 privileged: privileged, capAdd: strings(caps) ?? [], sysctls: sysctls, env: env,
                                 command: command, interfaces: interfaces, routes: routes))
        }
        var changes: [Change] = []
        for c in changeItems {
            guard case let .string(a)? = c["action"], let action = ChangeAction(rawValue: a),
                  case let .string(k)? = c["kind"], let kind = ResourceKind(rawValue: k), case let .string(name)? = c["name"] else {
                return .failure(SavedPlanError("a change of the saved plan is incomplete"))
            }
            var detail: [String] = []
            if case let .array(d)? = c["detail"] { detail = strings(d) ?? [] }
            changes.append(Change(action, kind, name, detail: detail))
        }
        var helper = "busybox:latest"
        if case let .string(h)? = document["helper_image"] { helper = h }
        let desired = DesiredRange(name: range, labels: pairs(document["labels"]) ?? [], networks: networks, vms: vms, helperImage: helper)
        return .success(SavedPlan(desired: desired, changes: changes, fingerprint: fingerprint))
    }

    private static func text(_ document: JSONValue) -> String { document["vms"]?.serialized() ?? "" }

    static func strings(_ items: [JSONValue]) -> [String]? {
        var out: [String] = []
        for item in items {
            guard case let .string(s) = item else { return nil }
            out.append(s)
        }
        return out
    }

    /// An object of strings as key/value pairs, sorted by key as the planner sorts them.
    static func pairs(_ value: JSONValue?) -> [KeyValue]? {
        guard case let .object(fields)? = value else { return nil }
        var out: [KeyValue] = []
        for (k, v) in fields {
            guard case let .string(s) = v else { return nil }
            out.append(KeyValue(k, s))
        }
        return out.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }
}
