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
        if let engine = plan.engine { self.engine(engine, into: &w) }
        if let fingerprint = plan.fingerprint {
            w.field("fingerprint")
            w.string(fingerprint)
        }
        let desired = valid ? plan.desired : nil
        w.field("labels")
        map(desired?.labels ?? [], into: &w)
        w.field("helper_image")
        if let desired { w.string(desired.helperImage) } else { w.null() }
        if let desired, !desired.instances.isEmpty { instances(desired.instances, into: &w) }
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
        summary(plan.summary, into: &w)
    }

    static func engine(_ engine: EngineInfo, into w: inout JSONWriter) {
        w.field("engine")
        w.beginObject()
        w.field("host")
        w.string(engine.host)
        w.field("api_version")
        w.string(engine.apiVersion)
        w.endObject()
    }

    static func instances(_ blocks: [InstanceBlock], into w: inout JSONWriter) {
        w.field("instances")
        w.beginArray()
        for i in blocks {
            w.beginObject()
            w.field("name")
            w.string(i.name)
            w.field("block")
            w.rawString { i.block.write(into: &$0) }
            w.endObject()
        }
        w.endArray()
    }

    static func summary(_ s: (add: Int, change: Int, replace: Int, destroy: Int), into w: inout JSONWriter) {
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
