import RangeDiagnostics

/// A router VM's compiled policy in the plan document: what `apply PLAN.json` applies, as the
/// reviewer saw it (CLI.md, `"policy"` on a router VM).
extension PlanJSON {
    static func policy(_ p: RouterPolicy, into w: inout JSONWriter) {
        w.beginObject()
        w.field("declared")
        w.bool(p.declared)
        w.field("hash")
        w.string(p.hash)
        w.field("rules")
        w.beginArray()
        for r in p.rules { w.string(r) }
        w.endArray()
        w.field("addresses")
        w.beginArray()
        for a in p.addresses {
            w.beginObject()
            w.field("interface")
            w.string(a.interface)
            w.field("ip")
            w.rawString { a.ip.write(into: &$0) }
            w.endObject()
        }
        w.endArray()
        w.field("hooks")
        w.beginArray()
        for (command, rule) in zip(p.hookCommands, p.hookRules) {
            w.beginObject()
            w.field("rule")
            w.string(rule)
            w.field("command")
            w.string(command)
            w.endObject()
        }
        w.endArray()
        w.field("restore")
        w.string(p.restore)
        w.endObject()
    }
}

extension SavedPlan {
    /// The policy of a saved plan's VM: nil when it has none, `.failure` when it is incomplete
    /// or its hash does not match its rules (edited by hand).
    static func readPolicy(_ vm: JSONValue) -> Result<RouterPolicy?, SavedPlanError> {
        guard let value = vm["policy"], value != .null else { return .success(nil) }
        let broken = SavedPlanError("the policy of a VM in the saved plan is incomplete or was edited")
        guard case let .bool(declared)? = value["declared"], let hash = string(value["hash"]), let restore = string(value["restore"]),
              case let .array(ruleItems)? = value["rules"], let rules = strings(ruleItems),
              case let .array(addressItems)? = value["addresses"], case let .array(hookItems)? = value["hooks"] else { return .failure(broken) }
        var addresses: [PolicyAddress] = []
        for a in addressItems {
            guard let interface = string(a["interface"]), let ip = string(a["ip"]).flatMap(IPv4Address.init) else { return .failure(broken) }
            addresses.append(PolicyAddress(interface: interface, ip: ip))
        }
        var commands: [String] = [], hookRules: [String] = []
        for h in hookItems {
            guard let rule = string(h["rule"]), let command = string(h["command"]) else { return .failure(broken) }
            hookRules.append(rule)
            commands.append(command)
        }
        let policy = RouterPolicy(declared: declared, restore: restore, hookCommands: commands, hookRules: hookRules, rules: rules, addresses: addresses)
        return policy.hash == hash ? .success(policy) : .failure(broken)
    }
}
