import Manifest
import Plan
import RangeDiagnostics

/// The planner's passes over the VMs' interfaces ("slots"), in the order they must run: names,
/// references and static addresses (and NAT addresses, `PolicyRules`); pins; every other address;
/// routes and the policy (which need every address); then the range itself. MANIFEST.md, "Addresses".
extension Planner {
    /// Pass 1: names, references and static addresses; statics are taken before anything is
    /// assigned. Returns every VM's slots, those of VM i at slots[slotStart[i]..<slotStart[i + 1]].
    mutating func collectSlots(_ raw: RawManifest, networks: [CheckedNetwork?], networkIndex: [String: Int],
                               pools: inout [AddressPool?]) -> (slots: [Slot], slotStart: [Int]) {
        var staticOwners: [[IPv4Address: SourceLocation]] = Array(repeating: [:], count: networks.count)
        // Each network's router, folded, read for every interface (copying the network is not free).
        let routedBy: [String?] = networks.map { n in n?.router.map { Self.caseFolded($0.value) } }
        var slots: [Slot] = []
        var slotStart: [Int] = [0]
        slotStart.reserveCapacity(raw.vms.count + 1)
        // Folded hostname -> the first VM with it. A small value keeps the table compact: at 50k VMs
        // it outgrows the cache, and every claim is a memory access.
        var hostnames: [String: Int32] = [:]
        hostnames.reserveCapacity(raw.vms.count)
        for vmIndex in raw.vms.indices {
            let hostname = raw.vms[vmIndex].hostname
            if let h = hostname {
                let first = Self.claim(&hostnames[Self.caseFolded(h.value), default: -1], for: Int32(vmIndex))
                if first != vmIndex, let earlier = raw.vms[Int(first)].hostname?.location {
                    error(.duplicateName, "VM hostname '\(h.value)' is already used at \(earlier.reference(from: h.location)) (hostnames are compared case-insensitively)", at: h.location,
                          notes: [DiagnosticNote("first used here", at: earlier)])
                }
            }
            let interfaces = raw.vms[vmIndex].interfaces
            for (j, i) in interfaces.enumerated() {
                guard let net = i.network else { continue }
                // A VM has a handful of NICs: a scan of the earlier ones beats a set per VM.
                if let earlier = interfaces[..<j].first(where: { $0.network?.value == net.value })?.network {
                    error(.duplicateInterface, "the VM is already attached to network '\(net.value)' at \(earlier.location.reference(from: net.location))", at: net.location,
                          notes: [DiagnosticNote("first attached here", at: earlier.location)])
                    continue
                }
                guard let k = networkIndex[net.value] else {
                    error(.unknownNetwork, "network '\(net.value)' is not defined in this range", at: net.location)
                    continue
                }
                var slot = Slot(network: k, location: i.location, ip: nil, isStatic: false)
                if let router = routedBy[k], let h = hostname, router == Self.caseFolded(h.value), let n = networks[k] {
                    slots.append(routerSlot(slot, hostname: h.value, ip: i.ip, on: n.desired))
                    continue
                }
                if let ipText = i.ip {
                    guard let ip = IPv4Address(ipText.value) else {
                        error(.invalidIP, "'\(Diagnostic.excerpt(ipText.value))' is not an IPv4 address", at: ipText.location)
                        continue
                    }
                    slot.isStatic = true
                    if let n = networks[k]?.desired {
                        guard staticAddressFits(ip, at: ipText.location, on: n) else { continue }
                        if let earlier = staticOwners[k][ip] {
                            error(.duplicateIP, "address \(ip) on network '\(n.name)' is already used at \(earlier.reference(from: ipText.location))", at: ipText.location,
                                  notes: [DiagnosticNote("first used here", at: earlier)])
                            continue
                        }
                        staticOwners[k][ip] = ipText.location
                        pools[k]!.take(ip)
                        slot.ip = ip
                    }
                }
                slots.append(slot)
            }
            slotStart.append(slots.count)
        }

        return (slots, slotStart)
    }

    /// The slot of a router's NIC on the network it routes: it holds the gateway (already kept out
    /// of the pool); a static address other than the gateway is reported, and the NIC stays
    /// attached (with the gateway) so that nothing else is misreported.
    private mutating func routerSlot(_ slot: Slot, hostname: String, ip written: Located<String>?, on n: DesiredNetwork) -> Slot {
        var slot = slot
        slot.router = true
        slot.ip = n.gateway
        if let written {
            slot.isStatic = true
            if IPv4Address(written.value) != n.gateway {
                error(.ipReserved, "\(hostname) routes network '\(n.name)', so its NIC there holds the gateway \(n.gateway); leave 'ip' out or set it to \(n.gateway)", at: written.location)
            }
        }
        return slot
    }

    /// Whether a static address may be given on `n`: inside its subnet, none of its reserved
    /// addresses, outside the swarm's block; reported at `location` when not.
    @inline(__always)
    private mutating func staticAddressFits(_ ip: IPv4Address, at location: SourceLocation, on n: DesiredNetwork) -> Bool {
        if !n.subnet.contains(ip) {
            error(.ipOutsideSubnet, "address \(ip) is outside subnet \(n.subnet) of network '\(n.name)'", at: location)
            return false
        }
        if ip == n.subnet.network || ip == n.subnet.broadcast || ip == n.gateway || ip == n.bridgeIP {
            let what = ip == n.gateway ? "the gateway" : ip == n.bridgeIP ? "the engine's bridge address"
                : ip == n.subnet.network ? "the network address" : "the broadcast address"
            error(.ipReserved, "address \(ip) is \(what) of network '\(n.name)'", at: location)
            return false
        }
        if let block = n.swarmRange, block.contains(ip) {
            error(.ipReserved, "address \(ip) is in \(block), which the swarm keeps for its nodes' load-balancer addresses on network '\(n.name)'", at: location)
            return false
        }
        return true
    }

    /// Pass 2: pins that are still valid, in manifest order.
    mutating func applyPins(_ pins: [Pin], _ raw: RawManifest, networks: [CheckedNetwork?], slots: inout [Slot], slotStart: [Int],
                            pools: inout [AddressPool?]) {
        var pinned: [Pin.Key: IPv4Address] = [:]
        for pin in pins { pinned[Pin.Key(pin.hostname, pin.network)] = pinned[Pin.Key(pin.hostname, pin.network)] ?? pin.address }
        if !pinned.isEmpty {
            for vmIndex in raw.vms.indices {
                guard let h = raw.vms[vmIndex].hostname?.value else { continue }
                for s in slotStart[vmIndex]..<slotStart[vmIndex + 1] where !slots[s].isStatic && !slots[s].router {
                    let slot = slots[s]
                    guard let n = networks[slot.network]?.desired, let address = pinned[Pin.Key(h, n.name)] else { continue }
                    if let why = pinProblem(address, n, pools[slot.network]!) {
                        warning(.invalidPin, "the address \(address) that \(h) holds on '\(n.name)' \(why); a new address is assigned", at: slot.location)
                        continue
                    }
                    pools[slot.network]!.take(address)
                    slots[s].ip = address
                }
            }
        }

    }

    /// Pass 3: everything else gets the lowest free address of its pool, in manifest order.
    mutating func assignRemaining(networks: [CheckedNetwork?], slots: inout [Slot], pools: inout [AddressPool?]) {
        for s in slots.indices where slots[s].ip == nil && !slots[s].isStatic {
            let k = slots[s].network
            guard pools[k] != nil else { continue }
            if let address = pools[k]!.next() {
                slots[s].ip = address
            } else if pools[k]!.markExhaustedReported() {
                let n = networks[k]!.desired
                error(.poolExhausted, "network '\(n.name)' has no free address left for automatic assignment (\(n.subnet), offsets above reserved \(n.reserved)); give static addresses, lower 'reserved' or widen the subnet", at: slots[s].location)
            }
        }

    }

    /// Routes need every address decided: a `via` must not be the VM's own.
    /// `swarm`: the range spans a swarm's overlays, where the engine's default route goes out
    /// through docker_gwbridge: every VM on a non-internal primary network gets one through it.
    mutating func decideRoutes(_ raw: RawManifest, networks: [CheckedNetwork?], slots: [Slot], slotStart: [Int], swarm: Bool = false) -> [[DesiredRoute]] {
        var routes: [[DesiredRoute]] = []
        routes.reserveCapacity(raw.vms.count)
        for vmIndex in raw.vms.indices {
            let vmSlots = slots[slotStart[vmIndex]..<slotStart[vmIndex + 1]]
            let primaryRouted = vmSlots.first.map { networks[$0.network]?.router != nil } ?? false
            let primaryOpen = swarm && (vmSlots.first.map { networks[$0.network].map { !$0.desired.internal } ?? false } ?? false)
            guard !raw.vms[vmIndex].routes.isEmpty || primaryRouted || primaryOpen else {
                routes.append([])
                continue
            }
            let attached = vmSlots.compactMap { slot in networks[slot.network].map { ($0.desired, slot.ip) } }
            routes.append(checkRoutes(raw.vms[vmIndex], attached: attached, swarm: swarm))
        }

        return routes
    }

    /// The range, when nothing was wrong.
    func assemble(_ raw: RawManifest, range: String, networks: [CheckedNetwork?], slots: [Slot], slotStart: [Int],
                  routes: [[DesiredRoute]], hosts: [String?], policy: DesiredPolicy? = nil) -> DesiredRange? {
        guard !diagnostics.hasErrors, raw.name != nil, raw.version != nil else { return nil }
        var vms: [DesiredVM] = []
        vms.reserveCapacity(raw.vms.count)
        for vmIndex in raw.vms.indices {
            guard let hostname = raw.vms[vmIndex].hostname?.value, let image = raw.vms[vmIndex].image?.value else { return nil }
            // The decoder may have reported an error the planner cannot see (a network without a
            // subnet, say): an interface left without a usable network or address means no range.
            var interfaces: [DesiredInterface] = []
            interfaces.reserveCapacity(slotStart[vmIndex + 1] - slotStart[vmIndex])
            for (k, slot) in slots[slotStart[vmIndex]..<slotStart[vmIndex + 1]].enumerated() {
                guard let network = networks[slot.network]?.desired, let ip = slot.ip else { return nil }
                interfaces.append(DesiredInterface(name: k < Self.interfaceNames.count ? Self.interfaceNames[k] : "eth\(k)",
                                                   network: network.name, ip: ip, primary: k == 0, auto: !slot.isStatic, router: slot.router))
            }
            vms.append(DesiredVM(
                hostname: hostname, dockerName: EngineNames.object(range, hostname), image: image,
                cpu: raw.vms[vmIndex].cpu?.value ?? ManifestSchema.defaultCPU, ramMB: raw.vms[vmIndex].ramMB?.value ?? ManifestSchema.defaultRAM,
                diskGB: raw.vms[vmIndex].diskGB?.value ?? ManifestSchema.defaultDisk, privileged: raw.vms[vmIndex].privileged?.value ?? false,
                capAdd: Self.capabilities(raw.vms[vmIndex].capAdd.map(\.value)), sysctls: Self.sorted(raw.vms[vmIndex].sysctls),
                env: Self.sorted(raw.vms[vmIndex].env), command: raw.vms[vmIndex].command?.value, interfaces: interfaces, routes: routes[vmIndex],
                location: raw.vms[vmIndex].hostname?.location ?? raw.vms[vmIndex].location, diskGBLocation: raw.vms[vmIndex].diskGB?.location,
                host: hosts[vmIndex]))
        }
        return DesiredRange(name: range, labels: Self.sorted(raw.labels), networks: networks.compactMap { $0?.desired }, vms: vms,
                            helperImage: raw.helperImage?.value ?? ManifestSchema.defaultHelperImage, policy: policy)
    }
}
