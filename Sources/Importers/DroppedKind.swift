/// Why a blueprint key is not imported. The keys of one object that share a kind are kept as
/// one comment and reported as one warning (a VM's `position_x` and `position_y`, say).
enum DroppedKind: Equatable {
    case displayName, description, blueprintVersion, baseSubnetPrefix
    case cyroidRouter(String)
    case firewallRules, firewallRulesWithoutRouter, events, walkthrough, baseImages
    case internet(String)
    case dhcp, trafficMirror
    case position, vmSettings(String), dns, sensor, monitorMode
    case environment(String)
    case unknown

    /// One clause, for the comment's first line and the warning.
    var reason: String {
        switch self {
        case .displayName: return "CYROID's display name; the range is named after seed_id"
        case .description: return "free text; a manifest keeps no description"
        case .blueprintVersion: return "the blueprint's own version, not a format version"
        case .baseSubnetPrefix: return "rangectl has no per-copy address prefix; `instances:` with an address_space runs many copies of a range instead"
        case let .cyroidRouter(why): return why
        case .firewallRules: return "not the {nat, allowed_flows} mapping this importer knows"
        case .firewallRulesWithoutRouter: return "no VM holds a network's gateway, so there is no router VM to set these rules on"
        case .events: return "the exercise's MSEL; rangectl schedules nothing"
        case .walkthrough: return "instructor material"
        case .baseImages: return "base images CYROID needs on its hosts; rangectl needs each VM's image on the engine"
        case let .internet(why): return why
        case .dhcp: return "rangectl runs no DHCP server: it gives every interface its address when the VM is created"
        case .trafficMirror: return "rangectl mirrors no traffic"
        case .position: return "CYROID's canvas position; a manifest has no layout"
        case let .vmSettings(why): return why
        case .dns: return "rangectl sets no DNS servers: a VM uses the engine's"
        case .sensor: return "rangectl has no sensors and mirrors no traffic"
        case .monitorMode: return "rangectl has no monitor mode on an interface"
        case let .environment(why): return why
        case .unknown: return "not a field of the CYROID blueprint format as this importer knows it"
        }
    }

    /// More comment lines after the first, indented under it.
    var note: [String] {
        guard self == .baseSubnetPrefix else { return [] }
        return [
            "base_subnet_prefix names the first two octets that every subnet of this range shares.",
            "To run many copies of this range side by side on one engine (one per student or team),",
            "add `instances:` to this manifest: each copy gets its own block of address_space, every",
            "subnet, gateway and address re-based into it at the same offset, and its objects are",
            "named <range>-<instance>-<object>. For example (the space must not overlap the subnets):",
            "  instances:",
            "    names: [alice, bob]           # or count: 30 (named 01 .. 30)",
            "    address_space: 10.128.0.0/12",
        ]
    }
}
