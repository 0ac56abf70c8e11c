import RangeDiagnostics

/// Why a file is not a usable saved plan.
public struct SavedPlanError: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// A plan read back from its JSON file (as `PlanJSON` writes it), for `apply PLAN.json`. Every
/// field the writer writes is read back (`SavedPlanRoundTripTests` fails on any it forgets).
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
        Result { try readDocument(document) }.mapError { $0 as? SavedPlanError ?? SavedPlanError("\($0)") }
    }

    private static func readDocument(_ document: JSONValue) throws -> SavedPlan {
        guard case .string(Plan.formatVersion)? = document["format_version"] else { throw SavedPlanError("format_version is not \"1\"") }
        guard case .bool(true)? = document["valid"] else { throw SavedPlanError("the saved plan is not valid") }
        if text(document).contains("\"\(Sensitive.placeholder)\"") {
            throw SavedPlanError("it holds (sensitive) placeholders: save plans with --out, not from --json output")
        }
        guard case let .string(fingerprint)? = document["fingerprint"] else {
            throw SavedPlanError("the saved plan has no fingerprint: it was made with --offline; plan against the engine to apply")
        }
        guard case let .string(range)? = document["range"], case let .array(nets)? = document["networks"],
              case let .array(vmItems)? = document["vms"], case let .array(changeItems)? = document["changes"] else {
            throw SavedPlanError("the saved plan lacks range, networks, vms or changes")
        }
        var instances: [InstanceBlock] = []
        if case let .array(items)? = document["instances"] { instances = try items.map(readInstance) }
        var desired = DesiredRange(name: range, labels: pairs(document["labels"]) ?? [], networks: try nets.map(readNetwork),
                                   vms: try vmItems.map(readVM), helperImage: string(document["helper_image"]) ?? "busybox:latest",
                                   instances: instances)
        if case let .array(scope)? = document["instance_scope"] { desired.instanceScope = strings(scope) }
        return SavedPlan(desired: desired, changes: try changeItems.map(readChange), fingerprint: fingerprint)
    }

    private static func readNetwork(_ n: JSONValue) throws -> DesiredNetwork {
        guard case let .string(name)? = n["name"], case let .string(docker)? = n["docker_name"],
              case let .string(subnetText)? = n["subnet"], case let .success(subnet) = IPv4Subnet.parse(subnetText),
              case let .string(gw)? = n["gateway"], let gateway = IPv4Address(gw),
              case let .bool(isInternal)? = n["internal"], case let .int(reserved)? = n["reserved"] else {
            throw SavedPlanError("a network of the saved plan is incomplete")
        }
        var network = DesiredNetwork(name: name, dockerName: docker, subnet: subnet, gateway: gateway, reserved: reserved,
                                     internal: isInternal, router: string(n["router"]), bridgeIP: string(n["bridge_ip"]).flatMap(IPv4Address.init),
                                     instance: string(n["instance"]))
        if let block = string(n["swarm_range"]) { network.swarmRange = try? IPv4Subnet.parse(block, allowedPrefixes: 0...32).get() }
        return network
    }

    private static func readVM(_ v: JSONValue) throws -> DesiredVM {
        guard case let .string(hostname)? = v["hostname"], case let .string(docker)? = v["docker_name"],
              case let .string(image)? = v["image"], case let .int(cpu)? = v["cpu"], case let .int(ram)? = v["ram_mb"],
              case let .int(disk)? = v["disk_gb"], case let .bool(privileged)? = v["privileged"],
              case let .array(caps)? = v["cap_add"], let sysctls = pairs(v["sysctls"]), let env = pairs(v["env"]),
              case let .array(ifaces)? = v["interfaces"] else {
            throw SavedPlanError("VM entry of the saved plan is incomplete")
        }
        var command: [String]?
        if case let .array(words)? = v["command"] { command = strings(words) }
        var routes: [DesiredRoute] = []
        if case let .array(items)? = v["routes"] { routes = try items.map { try readRoute($0, of: hostname) } }
        var vm = DesiredVM(hostname: hostname, dockerName: docker, image: image, cpu: cpu, ramMB: ram, diskGB: disk,
                           privileged: privileged, capAdd: strings(caps) ?? [], sysctls: sysctls, env: env, command: command,
                           interfaces: try ifaces.map { try readInterface($0, of: hostname) }, routes: routes,
                           host: hostOf(v), instance: string(v["instance"]))
        vm.policy = try readPolicy(v).get()
        return vm
    }

    private static func readInterface(_ i: JSONValue, of hostname: String) throws -> DesiredInterface {
        guard case let .string(name)? = i["name"], case let .string(net)? = i["network"], case let .string(ipText)? = i["ip"],
              let ip = IPv4Address(ipText), case let .bool(primary)? = i["primary"], case let .bool(auto)? = i["auto"] else {
            throw SavedPlanError("an interface of VM \(hostname) in the saved plan is incomplete")
        }
        var router = false
        if case let .bool(r)? = i["router"] { router = r }
        return DesiredInterface(name: name, network: net, ip: ip, primary: primary, auto: auto, router: router)
    }

    private static func readRoute(_ r: JSONValue, of hostname: String) throws -> DesiredRoute {
        guard case let .string(to)? = r["to"], case let .string(viaText)? = r["via"], let via = IPv4Address(viaText) else {
            throw SavedPlanError("a route of VM \(hostname) in the saved plan is incomplete")
        }
        var implicit = false
        if case let .bool(b)? = r["implicit"] { implicit = b }
        return DesiredRoute(to: to, via: via, implicit: implicit)
    }

    private static func readChange(_ c: JSONValue) throws -> Change {
        guard case let .string(a)? = c["action"], let action = ChangeAction(rawValue: a),
              case let .string(k)? = c["kind"], let kind = ResourceKind(rawValue: k), case let .string(name)? = c["name"] else {
            throw SavedPlanError("a change of the saved plan is incomplete")
        }
        var detail: [String] = []
        if case let .array(d)? = c["detail"] { detail = strings(d) ?? [] }
        return Change(action, kind, name, detail: detail, instance: string(c["instance"]))
    }

    private static func readInstance(_ i: JSONValue) throws -> InstanceBlock {
        guard let name = string(i["name"]), let text = string(i["block"]),
              case let .success(block) = IPv4Subnet.parse(text, allowedPrefixes: 0...32) else {
            throw SavedPlanError("an instance of the saved plan is incomplete")
        }
        return InstanceBlock(name: name, block: block)
    }

    private static func text(_ document: JSONValue) -> String { document["vms"]?.serialized() ?? "" }

    /// A VM's swarm node, when the plan spans several engines.
    static func hostOf(_ vm: JSONValue) -> String? {
        if case let .string(host)? = vm["host"] { return host }
        return nil
    }

    static func string(_ value: JSONValue?) -> String? {
        if case let .string(s)? = value { return s }
        return nil
    }

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
