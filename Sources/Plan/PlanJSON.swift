import RangeDiagnostics

/// The plan as the JSON document of CLI.md (also the saved plan file); keys in a fixed order.
/// A saved plan carries everything `apply PLAN.json` needs, and `SavedPlan` reads it back.
/// Written as it goes, never built as a value first: a large range's plan is tens of megabytes.
/// Env values whose name looks secret are `(sensitive)` unless `revealSensitive`, which only the
/// saved plan file uses (it is the input of `apply PLAN.json`).
public enum PlanJSON {
    /// The whole document as text (compact, or indented for the saved plan file).
    public static func text(_ plan: Plan, revealSensitive: Bool = false, pretty: Bool = false) -> String {
        var w = JSONWriter(pretty: pretty)
        w.beginObject()
        writeFields(plan, revealSensitive: revealSensitive, into: &w)
        w.endObject()
        return String(decoding: w.out.bytes, as: UTF8.self)
    }

    /// Writes the document's fields into an object the caller has begun (and may add to).
    public static func writeFields(_ plan: Plan, revealSensitive: Bool = false, into w: inout JSONWriter) {
        let valid = plan.valid
        let s = plan.summary
        w.field("format_version")
        w.string(Plan.formatVersion)
        w.field("range")
        w.string(plan.range)
        w.field("valid")
        w.bool(valid)
        w.field("diagnostics")
        w.beginArray()
        for d in plan.diagnostics { w.value(d.json) }
        w.endArray()
        if let engine = plan.engine {
            w.field("engine")
            w.beginObject()
            w.field("host")
            w.string(engine.host)
            w.field("api_version")
            w.string(engine.apiVersion)
            w.endObject()
        }
        if let fingerprint = plan.fingerprint {
            w.field("fingerprint")
            w.string(fingerprint)
        }
        let desired = valid ? plan.desired : nil
        w.field("labels")
        map(desired?.labels ?? [], into: &w)
        w.field("helper_image")
        if let desired { w.string(desired.helperImage) } else { w.null() }
        if let desired, !desired.instances.isEmpty {
            w.field("instances")
            w.beginArray()
            for i in desired.instances {
                w.beginObject()
                w.field("name")
                w.string(i.name)
                w.field("block")
                w.rawString { i.block.write(into: &$0) }
                w.endObject()
            }
            w.endArray()
        }
        if let scope = desired?.instanceScope {
            w.field("instance_scope")
            w.beginArray()
            for name in scope { w.string(name) }
            w.endArray()
        }
        w.field("networks")
        w.beginArray()
        for n in desired?.networks ?? [] { network(n, into: &w) }
        w.endArray()
        w.field("vms")
        w.beginArray()
        if let vms = desired?.vms {
            for i in vms.indices { vm(vms[i], revealSensitive: revealSensitive, into: &w) }
        }
        w.endArray()
        w.field("changes")
        w.beginArray()
        if valid { for i in plan.changes.indices { change(plan.changes[i], into: &w) } }
        w.endArray()
        if valid, let graph = plan.operations {
            w.field("operations")
            w.beginArray()
            for node in graph.nodes { operation(node, into: &w) }
            w.endArray()
        }
        w.field("summary")
        w.beginObject()
        w.field("add")
        w.int(s.add)
        w.field("change")
        w.int(s.change)
        w.field("replace")
        w.int(s.replace)
        w.field("destroy")
        w.int(s.destroy)
        w.endObject()
    }

    static func network(_ n: DesiredNetwork, into w: inout JSONWriter) {
        w.beginObject()
        w.field("name")
        w.string(n.name)
        instance(n.instance, into: &w)
        w.field("docker_name")
        w.string(n.dockerName)
        w.field("subnet")
        w.rawString { n.subnet.write(into: &$0) }
        w.field("gateway")
        w.rawString { n.gateway.write(into: &$0) }
        w.field("internal")
        w.bool(n.internal)
        w.field("reserved")
        w.int(n.reserved)
        w.field("router")
        if let r = n.router { w.string(r) } else { w.null() }
        w.field("bridge_ip")
        if let b = n.bridgeIP { w.rawString { b.write(into: &$0) } } else { w.null() }
        if let block = n.swarmRange {
            w.field("swarm_range")
            w.string(block.description)
        }
        w.endObject()
    }

    static func vm(_ v: borrowing DesiredVM, revealSensitive: Bool, into w: inout JSONWriter) {
        w.beginObject()
        w.field("hostname")
        w.string(v.hostname)
        instance(v.instance, into: &w)
        w.field("docker_name")
        w.string(v.dockerName)
        if let host = v.host {
            w.field("host")
            w.string(host)
        }
        w.field("image")
        w.string(v.image)
        w.field("cpu")
        w.int(v.cpu)
        w.field("ram_mb")
        w.int(v.ramMB)
        w.field("disk_gb")
        w.int(v.diskGB)
        w.field("privileged")
        w.bool(v.privileged)
        w.field("cap_add")
        w.beginArray()
        for c in v.capAdd { w.string(c) }
        w.endArray()
        w.field("sysctls")
        map(v.sysctls, into: &w)
        w.field("env")
        w.beginObject()
        for kv in v.env {
            w.key(kv.key)
            w.string(revealSensitive || !Sensitive.isSensitive(kv.key) ? kv.value : Sensitive.placeholder)
        }
        w.endObject()
        w.field("command")
        if let command = v.command {
            w.beginArray()
            for word in command { w.string(word) }
            w.endArray()
        } else {
            w.null()
        }
        w.field("interfaces")
        w.beginArray()
        for i in v.interfaces {
            w.beginObject()
            w.field("name")
            w.string(i.name)
            w.field("network")
            w.string(i.network)
            w.field("ip")
            w.rawString { i.ip.write(into: &$0) }
            w.field("primary")
            w.bool(i.primary)
            w.field("auto")
            w.bool(i.auto)
            w.field("router")
            w.bool(i.router)
            w.endObject()
        }
        w.endArray()
        w.field("routes")
        w.beginArray()
        for r in v.routes {
            w.beginObject()
            w.field("to")
            w.string(r.to)
            w.field("via")
            w.rawString { r.via.write(into: &$0) }
            w.field("implicit")
            w.bool(r.implicit)
            w.endObject()
        }
        w.endArray()
        if let p = v.policy {
            w.field("policy")
            policy(p, into: &w)
        }
        w.endObject()
    }

    static func change(_ c: borrowing Change, into w: inout JSONWriter) {
        w.beginObject()
        w.field("action")
        w.string(c.action.rawValue)
        w.field("kind")
        w.string(c.kind.rawValue)
        w.field("name")
        w.string(c.name)
        instance(c.instance, into: &w)
        if !c.detail.isEmpty {
            w.field("detail")
            w.beginArray()
            for d in c.detail { w.string(d) }
            w.endArray()
        }
        w.endObject()
    }

    /// One node of the operation graph: `id`, what it does to which engine object, why, and the
    /// ids it waits for.
    static func operation(_ node: PlannedOperation, into w: inout JSONWriter) {
        w.beginObject()
        w.field("id")
        w.string(node.id)
        w.field("operation")
        w.string(node.operation.intent)
        w.field("name")
        w.string(node.operation.objectName)
        w.field("cause")
        w.string(node.cause)
        w.field("depends_on")
        w.beginArray()
        for d in node.dependsOn { w.string(d) }
        w.endArray()
        w.endObject()
    }

    /// `"instance"` on a network, VM or change of an instance (absent without `instances:`).
    static func instance(_ name: String?, into w: inout JSONWriter) {
        guard let name else { return }
        w.field("instance")
        w.string(name)
    }

    static func map(_ pairs: [KeyValue], into w: inout JSONWriter) {
        w.beginObject()
        for kv in pairs {
            w.key(kv.key)
            w.string(kv.value)
        }
        w.endObject()
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
            var network = DesiredNetwork(name: name, dockerName: docker, subnet: subnet, gateway: gateway, reserved: reserved,
                                         internal: isInternal, router: router, bridgeIP: bridge, instance: string(n["instance"]))
            if case let .string(block)? = n["swarm_range"] { network.swarmRange = try? IPv4Subnet.parse(block, allowedPrefixes: 0...32).get() }
            networks.append(network)
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
            var vm = DesiredVM(hostname: hostname, dockerName: docker, image: image, cpu: cpu, ramMB: ram, diskGB: disk,
                               privileged: privileged, capAdd: strings(caps) ?? [], sysctls: sysctls, env: env,
                               command: command, interfaces: interfaces, routes: routes, host: hostOf(v), instance: string(v["instance"]))
            switch readPolicy(v) {
            case let .success(p): vm.policy = p
            case let .failure(e): return .failure(e)
            }
            vms.append(vm)
        }
        var changes: [Change] = []
        for c in changeItems {
            guard case let .string(a)? = c["action"], let action = ChangeAction(rawValue: a),
                  case let .string(k)? = c["kind"], let kind = ResourceKind(rawValue: k), case let .string(name)? = c["name"] else {
                return .failure(SavedPlanError("a change of the saved plan is incomplete"))
            }
            var detail: [String] = []
            if case let .array(d)? = c["detail"] { detail = strings(d) ?? [] }
            changes.append(Change(action, kind, name, detail: detail, instance: string(c["instance"])))
        }
        var helper = "busybox:latest"
        if case let .string(h)? = document["helper_image"] { helper = h }
        var instances: [InstanceBlock] = []
        if case let .array(items)? = document["instances"] {
            for i in items {
                guard let name = string(i["name"]), let text = string(i["block"]),
                      case let .success(block) = IPv4Subnet.parse(text, allowedPrefixes: 0...32) else {
                    return .failure(SavedPlanError("an instance of the saved plan is incomplete"))
                }
                instances.append(InstanceBlock(name: name, block: block))
            }
        }
        var desired = DesiredRange(name: range, labels: pairs(document["labels"]) ?? [], networks: networks, vms: vms, helperImage: helper,
                                   instances: instances)
        if case let .array(scope)? = document["instance_scope"] { desired.instanceScope = strings(scope) }
        return .success(SavedPlan(desired: desired, changes: changes, fingerprint: fingerprint))
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
