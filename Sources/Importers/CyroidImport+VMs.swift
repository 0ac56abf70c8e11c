import Manifest
import Plan
import RangeDiagnostics

extension CyroidConverter {
    mutating func hostname(_ raw: Located<String>) -> String? {
        guard let name = ImportNames.hostname(raw.value) else {
            error(.invalidName, "cannot make a hostname from '\(Diagnostic.excerpt(raw.value))': it has no ASCII letter or digit", at: raw.location)
            return nil
        }
        if name != raw.value {
            adjusted("VM hostname '\(Diagnostic.excerpt(raw.value))' becomes '\(name)' (\(TextFormat.hostname.explanation))", at: raw.location)
        }
        return name
    }

    /// A VM's interfaces on networks that can be imported, the primary (the first with
    /// `is_primary: true`, else the first) moved to the front, the others in blueprint order.
    mutating func resolveInterfaces(_ v: Int) -> [ResolvedInterface] {
        let vm = b.vms[v]
        let subject = "VM '\(hostnames[v] ?? vm.hostname?.value ?? "")'"
        var out: [ResolvedInterface] = []
        var primary: (index: Int, location: SourceLocation)?
        for i in vm.interfaces {
            guard let raw = i.network else { continue }
            guard let k = networkIndex[raw.value] else {
                error(.unknownNetwork, "network '\(Diagnostic.excerpt(raw.value))' is not one of the blueprint's networks", at: raw.location)
                continue
            }
            guard let name = nets[k].name else { continue }
            var items: [Placed<KeptComment>] = []
            for e in i.entries {
                switch e.key {
                case "network_name", "ip_address", "is_primary": break
                case "monitor_mode": if i.monitorMode?.value == true { items.append(.dropped(.monitorMode, e)) }
                default: items.append(.dropped(.unknown, e))
                }
            }
            let comments = place(items, subject: "\(subject), interface on '\(name)': ") { $0 }
            if let p = i.isPrimary, p.value {
                if let first = primary {
                    adjusted("\(subject) has a second primary interface; the first (\(first.location.reference(from: p.location))) is the primary, this one keeps its place after it", at: p.location)
                } else {
                    primary = (out.count, p.location)
                }
            }
            out.append(ResolvedInterface(
                model: ManifestModel.Interface(location: i.location, network: Located(name, at: raw.location), ip: i.ip, comments: comments),
                network: k, address: i.ip.flatMap { IPv4Address($0.value) }))
        }
        if let p = primary?.index, p > 0 {
            out.insert(out.remove(at: p), at: 0)
        }
        return out
    }

    mutating func vm(_ v: Int) -> ManifestModel.VM? {
        let vm = b.vms[v]
        guard let hostname = hostnames[v], let hostnameText = vm.hostname else { return nil }
        let subject = "VM '\(hostname)': "
        var image = vm.image
        if let i = image, !TextFormat.imageReference.matches(i.value) {
            error(.invalidName, "base_image_tag '\(Diagnostic.excerpt(i.value))' is not an image reference rangectl can run: expected \(TextFormat.imageReference.explanation)", at: i.location)
            image = nil
        }
        let nics = interfaces[v]
        var sysctls: [ManifestModel.PairSlot] = []
        var added: KeptComment?
        if !routes[v].isEmpty {
            let names = routes[v].compactMap { nets[$0].name }.map { "'\($0)'" }
            let list = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names.last!
            added = KeptComment(["added: \(hostname) holds the gateway of \(list) (it is their router), so it forwards between them"])
            let at = nets[routes[v][0]].router!.location
            sysctls = [.pair(RawPair(key: Located("net.ipv4.ip_forward", at: at), value: Located("1", at: at)))]
        }
        var routeList: [RawRoute] = []
        if let gateway = vm.gateway, let entry = vm.entries.first(where: { $0.key == "gateway" }) {
            // Only a gateway other than the primary network's needs a route: that one is the default already.
            let primaryGateway = nics.first.flatMap { nets[$0.network].gateway }
            if IPv4Address(gateway.value) == nil || IPv4Address(gateway.value) != primaryGateway {
                routeList = [RawRoute(location: entry.keyLocation, to: Located("default", at: entry.keyLocation), via: gateway)]
            }
        }
        let vmType = vm.vmType?.value
        let settings = DroppedKind.vmSettings(vmType != nil && vmType != "container"
            ? "CYROID runs this VM under QEMU (vm_type \(vmType!)); rangectl runs base_image_tag as a container and has no VM settings"
            : "rangectl has no such settings: it runs base_image_tag as a container")
        var items: [Placed<ManifestModel.VMSlot>] = []
        var networksPlaced = false
        for e in vm.entries {
            switch e.key {
            case "hostname": break
            case "base_image_tag": items.append(.slot(.image))
            case "network_interfaces", "network_name", "ip_address":
                guard !networksPlaced else { continue }
                networksPlaced = true
                items.append(.slot(.networks))
                if let added { items += [.slot(.comment(added)), .slot(.sysctls)] }
            case "cpu": items.append(.slot(.cpu))
            case "ram_mb": items.append(.slot(.ramMB))
            case "disk_gb": items.append(.slot(.diskGB))
            case "environment": items.append(.slot(.env))
            case "gateway": items.append(routeList.isEmpty ? .nothing : .slot(.routes))
            case "position_x", "position_y": items.append(.dropped(.position, e))
            case "vm_type": if vmType != "container" { items.append(.dropped(settings, e)) }
            case "os_type": if vm.osType?.value != "linux" { items.append(.dropped(settings, e)) }
            case "arch", "display_type", "windows_version", "windows_username", "windows_password": items.append(.dropped(settings, e))
            case "use_dhcp": if vm.useDHCP?.value == true { items.append(.dropped(.dhcp, e)) }
            case "dns_servers": if !isEmpty(e.value) { items.append(.dropped(.dns, e)) }
            case "is_sensor_vm": if vm.isSensor?.value == true { items.append(.dropped(.sensor, e)) }
            case "sensor_config": if !isEmpty(e.value) { items.append(.dropped(.sensor, e)) }
            default: items.append(.dropped(.unknown, e))
            }
        }
        let layout = place(items, subject: subject) { .comment($0) }
        return ManifestModel.VM(
            location: vm.location, hostname: Located(hostname, at: hostnameText.location), image: image,
            cpu: clamped(vm.cpu, "cpu", subject), ramMB: clamped(vm.ramMB, "ram_mb", subject), diskGB: clamped(vm.diskGB, "disk_gb", subject),
            interfaces: nics.map(\.model), sysctls: sysctls, env: environment(vm, subject: subject), routes: routeList, layout: layout)
    }

    /// The environment as the manifest's `env`; a variable it cannot hold is kept as a comment among them.
    private mutating func environment(_ vm: CyroidBlueprint.VM, subject: String) -> [ManifestModel.PairSlot] {
        var items: [Placed<ManifestModel.PairSlot>] = []
        for variable in vm.environment {
            if !TextFormat.envName.matches(variable.key.value) {
                items.append(.dropped(.environment("not a variable name rangectl accepts: \(TextFormat.envName.explanation)"), variable.entry))
            } else if let value = variable.value {
                if value.value.utf8.count > ManifestDecoder.maxTextBytes {
                    error(.outOfRange, "environment value '\(variable.key.value)' is \(value.value.utf8.count) bytes long; a manifest value may have at most \(ManifestDecoder.maxTextBytes)", at: value.location)
                    continue
                }
                items.append(.slot(.pair(RawPair(key: variable.key, value: value))))
            } else {
                items.append(.dropped(.environment("a null value, which a manifest cannot hold: give a string, \"\" for empty"), variable.entry))
            }
        }
        return place(items, subject: subject + "environment ") { .comment($0) }
    }

    /// A size within the manifest's bounds (`ManifestSchema`), clamped with a warning.
    private mutating func clamped(_ value: Located<Int>?, _ field: String, _ subject: String) -> Located<Int>? {
        guard let value, let spec = ManifestSchema.vm.fields.first(where: { $0.name == field }),
              case let .integer(bounds?) = spec.type, !bounds.contains(value.value) else { return value }
        let below = value.value < bounds.lowerBound
        let to = below ? bounds.lowerBound : bounds.upperBound
        adjusted("\(subject)'\(field)' \(value.value) is \(below ? "below rangectl's minimum" : "above rangectl's maximum") of \(to); imported as \(to)", at: value.location)
        return Located(to, at: value.location)
    }

    /// Null, an empty string, list or mapping: nothing to keep.
    private func isEmpty(_ node: Node) -> Bool {
        switch node.kind {
        case let .scalar(s): return s.value == .null || s.text.isEmpty
        case let .sequence(items): return items.isEmpty
        case let .mapping(entries): return entries.isEmpty
        }
    }
}
