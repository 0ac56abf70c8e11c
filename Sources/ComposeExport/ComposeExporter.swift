import Plan
import RangeDiagnostics

/// A VM's `host:` as the manifest writes it: on one engine (and so in Compose) it is not used.
public struct ComposePlacement: Hashable, Sendable {
    public var hostname: String
    public var host: String
    public var location: SourceLocation?

    public init(hostname: String, host: String, location: SourceLocation?) {
        self.hostname = hostname
        self.host = host
        self.location = location
    }
}

/// The export: the Compose file's text and a warning (`export-dropped`) for each thing of the
/// range the file cannot hold, which the text also carries as comments beside its service.
public struct ComposeDocument: Sendable {
    public var text: String
    public var diagnostics: [Diagnostic]
}

/// A validated, address-complete range as a Compose file. Pure: the same range and target give
/// the same bytes. The names are the engine's (`EngineNames`), the addresses the planner's, the
/// networks as rangectl creates them on a bridge (`DockerRequests`): the engine's gateway at
/// `bridge_ip` on a routed network, and a routed `internal` segment without NAT instead of the
/// engine's `internal` flag. Only the manifest's own labels are written: without rangectl's
/// `io.rangectl.*` labels the objects are Compose's, never taken for the range's own by `plan`
/// or removed by `destroy`.
public enum ComposeExporter {
    public static func export(_ desired: DesiredRange, target: ComposeTarget, placements: [ComposePlacement] = []) -> ComposeDocument {
        var diagnostics: [Diagnostic] = []
        var top: [YAMLBlock.Entry] = []
        if target.projectName { top.append(.init("name", value(desired.copyName))) }
        if !desired.networks.isEmpty {
            top.append(.init("networks", .mapping(desired.networks.map { network($0, desired, target: target) })))
        }
        let dropped = DroppedSettings(desired, target: target, placements: placements)
        var services: [YAMLBlock.Entry] = []
        for vm in desired.vms {
            let (notes, warnings) = dropped.of(vm)
            diagnostics += warnings
            services.append(.init(vm.hostname, service(vm, desired, target: target, comments: notes)))
        }
        top.append(.init("services", .mapping(services)))
        let header = [
            "The range \(desired.copyName) as a Compose file, written by `rangectl export compose --target \(target.rawValue)`.",
            "For \(target.readers):",
            "  " + target.upCommand(range: desired.copyName),
            "Names as rangectl gives them on the engine; addresses as `rangectl plan --offline` assigns them (with the lock file).",
            "What Compose cannot express is written as a comment beside its service.",
        ]
        return ComposeDocument(text: YAMLBlock.mapping(top).document(comments: header), diagnostics: diagnostics)
    }

    /// A network as rangectl creates it on a bridge.
    static func network(_ n: DesiredNetwork, _ desired: DesiredRange, target: ComposeTarget) -> YAMLBlock.Entry {
        var fields: [YAMLBlock.Entry] = [.init("name", value(n.dockerName)), .init("driver", value("bridge"))]
        if n.engineInternal { fields.append(.init("internal", .bool(true))) }
        var options: [YAMLBlock.Entry] = []
        if n.router != nil && n.internal {
            options.append(.init("com.docker.network.bridge.enable_ip_masquerade", value("false"),
                                 comments: ["internal: no NAT, so that its only way out is the router (the engine's own internal flag would drop what the router forwards)"]))
        }
        if n.router != nil && target.gatewayModeUnprotected {
            options.append(.init("com.docker.network.bridge.gateway_mode_ipv4", value("nat-unprotected"),
                                 comments: ["Docker 28's direct-access rules would drop what the router forwards to the VMs behind it"]))
        }
        if !options.isEmpty { fields.append(.init("driver_opts", .mapping(options))) }
        let config: [YAMLBlock.Entry] = [.init("subnet", value(n.subnet.description)), .init("gateway", value(n.engineGateway.description))]
        fields.append(.init("ipam", .mapping([.init("config", .sequence([.mapping(config)]))])))
        if !desired.labels.isEmpty { fields.append(.init("labels", map(desired.labels))) }
        var comments: [String] = []
        if let router = n.router {
            comments.append("Routed by \(router), which holds its gateway \(n.gateway); the engine's bridge is \(n.engineGateway).")
        }
        return .init(n.name, .mapping(fields), comments: comments)
    }

    /// A VM as one service with one container, every NIC with its address, in the manifest's order.
    static func service(_ vm: DesiredVM, _ desired: DesiredRange, target: ComposeTarget, comments: [String]) -> YAMLBlock {
        var fields: [YAMLBlock.Entry] = [
            .init("container_name", value(vm.dockerName), comments: comments),
            .init("hostname", value(vm.hostname)),
            .init("image", value(vm.image)),
        ]
        if let command = vm.command { fields.append(.init("command", .sequence(command.map(value)))) }
        if !vm.env.isEmpty { fields.append(.init("environment", map(vm.env))) }
        if !vm.capAdd.isEmpty { fields.append(.init("cap_add", .sequence(vm.capAdd.map(value)))) }
        if vm.privileged { fields.append(.init("privileged", .bool(true))) }
        if !vm.sysctls.isEmpty { fields.append(.init("sysctls", map(vm.sysctls))) }
        fields.append(.init("cpus", .int(vm.cpu)))
        fields.append(.init("mem_limit", value("\(vm.ramMB)m")))
        if !desired.labels.isEmpty { fields.append(.init("labels", map(desired.labels))) }
        let several = vm.interfaces.count > 1
        var nics: [YAMLBlock.Entry] = []
        for (k, i) in vm.interfaces.enumerated() {
            var nic: [YAMLBlock.Entry] = [.init("ipv4_address", value(i.ip.description))]
            // The highest first: the primary is the network the container is created with, the
            // others are connected after it in the manifest's order (Compose 1.29 and v2).
            if several { nic.append(.init("priority", .int(vm.interfaces.count - k))) }
            if target.interfaceOrder {
                nic.append(.init("interface_name", value(i.name)))
                if several && i.primary { nic.append(.init("gw_priority", .int(1))) }
            }
            nics.append(.init(i.network, .mapping(nic), comments: i.router ? ["the router of \(i.network): it holds the gateway"] : []))
        }
        fields.append(.init("networks", .mapping(nics)))
        return .mapping(fields)
    }

    /// A string value as Compose reads it back: `$` doubled, since Compose interpolates `$NAME`
    /// and `${NAME}` in every value (not in keys) and reads `$$` as one `$`.
    static func value(_ s: String) -> YAMLBlock {
        .string(s.replacingOccurrences(of: "$", with: "$$"))
    }

    /// A label, env or sysctl map in its (sorted) order.
    static func map(_ pairs: [KeyValue]) -> YAMLBlock {
        .mapping(pairs.map { .init($0.key, value($0.value)) })
    }
}
