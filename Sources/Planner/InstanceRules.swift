import Manifest
import Plan
import RangeDiagnostics

/// `instances:` checked and expanded: the range planned once per instance, each copy re-based
/// into its own block of `address_space` (see `InstanceSpace`). Pure, like the planner.
public enum InstanceRules {
    /// The instances' names as written, or "01" .. "N" for `count` (as many digits as N has, at
    /// least two, so that they sort as numbers), located at `count`.
    public static func names(_ raw: RawInstances) -> [Located<String>] {
        if let names = raw.names { return names }
        guard let count = raw.count, count.value >= 1 else { return [] }
        let width = max(2, String(count.value).count)
        return (1...count.value).map { k in
            let digits = String(k)
            return Located(String(repeating: "0", count: width - digits.count) + digits, at: count.location)
        }
    }

    /// Plans `raw` (which has `instances:`) as every instance: the range once, then each instance
    /// with its own pins, moved into its block. `pins`: interfaces the instances' VMs hold (their
    /// `instance` says whose); `blocks`: the blocks their objects hold, kept while they fit.
    static func plan(_ raw: RawManifest, _ instances: RawInstances, pins: [Pin], blocks: [BlockPin], hosts: [String]) -> (DesiredRange?, [Diagnostic]) {
        var (base, diagnostics) = Planner.plan(raw, pins: [], hosts: hosts)
        let names = names(instances)
        diagnostics += nameProblems(names)
        let space = addressSpace(instances, &diagnostics)
        guard var base, !diagnostics.hasErrors, let space else { return (nil, diagnostics) }
        guard let span = InstanceSpace.span(of: base.networks.map(\.subnet)) else { return (nil, diagnostics) }

        let pinned = keptBlocks(blocks, names: names.map(\.value), span: span, space: space)
        let at = instances.addressSpace?.location ?? instances.location
        switch InstanceSpace.blocks(names: names.map(\.value), span: span, space: space, pins: pinned) {
        case let .failure(.exhausted(fit, needed)):
            diagnostics.append(.error(.addressSpaceExhausted, "address_space \(space) holds \(fit) block\(fit == 1 ? "" : "s") of the range's size /\(span.prefixLength) (its networks span \(span)); \(needed) instance\(needed == 1 ? "" : "s") need \(needed): widen address_space to /\(prefix(holding: needed, of: span)) or list fewer instances", at: at))
        case .failure(.overlapsSpan):
            diagnostics.append(.error(.addressSpaceOverlap, "address_space \(space) overlaps the range's own networks (\(span)); the instances' blocks must lie outside them", at: at))
        case let .failure(.badPin(why)):
            diagnostics.append(.error(.addressSpaceOverlap, "the instances' blocks on the engine or in the lock cannot all be kept in address_space \(space): \(why)", at: at))
        case let .success(assigned):
            base.instances = assigned.map { InstanceBlock(name: $0.name, block: $0.block) }
            var copies = DesiredRange(name: base.name, labels: base.labels, networks: [], vms: [], helperImage: base.helperImage, instances: base.instances)
            var policies: [DesiredPolicy] = []
            for (name, block) in assigned {
                var planned = base
                let own = pins.filter { $0.instance == name }
                if !own.isEmpty {
                    // The instance's own addresses, moved back into the span the manifest is written in.
                    let moved = own.map { Pin(hostname: $0.hostname, network: $0.network, address: InstanceSpace.rebase($0.address, from: block, to: span)) }
                    let (again, more) = Planner.plan(raw, pins: moved, hosts: hosts)
                    if let again { planned = again }
                    // Said of the instance, in the manifest's own addresses (the span's), where its line points.
                    diagnostics += more.filter { $0.code == .invalidPin }.map { d in
                        var d = d
                        d.message = "instance \(name): " + d.message + " (in the manifest's addresses; \(name)'s block is \(block))"
                        return d
                    }
                }
                var copy = InstanceSpace.instance(planned, named: name, span: span, block: block)
                spread(&copy, raw, instance: name, hosts: hosts)
                copies.networks += copy.networks
                copies.vms += copy.vms
                if let policy = copy.policy { policies.append(policy) }
            }
            copies.policy = InstanceSpace.merged(policies)
            return (copies, diagnostics.uniqued())
        }
        return (nil, diagnostics)
    }

    /// The block index each pinned instance keeps: the first pin of each name, in the manifest's
    /// order then the others' (instances no longer listed whose objects are still there) by name;
    /// a pin outside the space, or on a block an earlier one keeps (the span grew), is dropped,
    /// and that instance is given a free block like a new one.
    static func keptBlocks(_ blocks: [BlockPin], names: [String], span: IPv4Subnet, space: IPv4Subnet) -> [String: Int] {
        guard space.prefixLength <= span.prefixLength else { return [:] }
        let size = UInt64(1) << UInt64(32 - span.prefixLength)
        let fit = UInt64(1) << UInt64(span.prefixLength - space.prefixLength)
        var first: [String: IPv4Address] = [:]
        for b in blocks where first[b.instance] == nil { first[b.instance] = b.address }
        let listed = Set(names)
        let order = names + first.keys.filter { !listed.contains($0) }.sorted()
        var kept: [String: Int] = [:]
        var held = Set<UInt64>()
        for name in order {
            guard let address = first[name], space.contains(address) else { continue }
            let k = (UInt64(address.value) - UInt64(space.network.value)) / size
            if k < fit && held.insert(k).inserted { kept[name] = Int(k) }
        }
        return kept
    }

    /// Invalid names are the decoder's (format); duplicates are reported here, at the later one.
    static func nameProblems(_ names: [Located<String>]) -> [Diagnostic] {
        var first: [String: SourceLocation] = [:]
        var out: [Diagnostic] = []
        for n in names {
            if let earlier = first[n.value] {
                out.append(.error(.duplicateName, "instance '\(n.value)' is listed twice (\(earlier.reference(from: n.location)))", at: n.location,
                                  notes: [DiagnosticNote("'\(n.value)' is first listed here", at: earlier)]))
            } else {
                first[n.value] = n.location
            }
        }
        return out
    }

    static func addressSpace(_ instances: RawInstances, _ diagnostics: inout [Diagnostic]) -> IPv4Subnet? {
        guard let text = instances.addressSpace else { return nil }   // missing: the decoder said so
        switch IPv4Subnet.parse(text.value, allowedPrefixes: 1...30) {
        case let .success(space): return space
        case .failure(.malformed):
            diagnostics.append(.error(.invalidCIDR, "address_space '\(Diagnostic.excerpt(text.value))' is not an IPv4 CIDR such as 10.128.0.0/12", at: text.location))
        case let .failure(.prefixOutOfRange(p)):
            diagnostics.append(.error(.invalidCIDR, "address_space \(text.value) has prefix length /\(p); it takes /1 to /30", at: text.location))
        case let .failure(.hostBitsSet(suggestion)):
            diagnostics.append(.error(.invalidCIDR, "address_space \(text.value) has host bits set; did you mean \(suggestion)?", at: text.location))
        }
        return nil
    }

    /// The longest prefix of a space that holds `count` blocks of `span`'s size.
    static func prefix(holding count: Int, of span: IPv4Subnet) -> Int {
        var bits = 0
        while (1 << bits) < count { bits += 1 }
        return max(0, span.prefixLength - bits)
    }

    /// Over a swarm, each instance's VMs placed by hashing `<instance>/<hostname>` (unless they
    /// name their `host:`), so that the copies spread over the nodes instead of stacking up.
    static func spread(_ copy: inout DesiredRange, _ raw: RawManifest, instance: String, hosts: [String]) {
        let nodes = Array(Set(hosts)).sorted()
        guard nodes.count >= 2, copy.vms.count == raw.vms.count else { return }
        for k in copy.vms.indices where raw.vms[k].host == nil {
            copy.vms[k].host = Placement.node(for: Planner.caseFolded(EngineNames.key(copy.vms[k].hostname, instance: instance)), over: nodes)
        }
    }
}

extension InstanceRules {
    /// A compiled range narrowed to one instance, `name` or else the first (`graph` and
    /// `export compose` show one copy); unchanged without `instances:` (then `name` is refused).
    public static func one(_ compilation: Compilation, _ name: String?) -> Compilation {
        guard compilation.valid, let desired = compilation.desired else { return compilation }
        if desired.instances.isEmpty && name == nil { return compilation }
        return select(compilation, [name ?? desired.instances[0].name])
    }

    /// A compiled range narrowed to the instances `--instance` names (none: unchanged): only
    /// their networks and VMs, and a scope that keeps a plan from touching the others' objects.
    /// An unknown name, or a manifest without `instances:`, is `unknown-instance` (about the
    /// command line: no location).
    public static func select(_ compilation: Compilation, _ names: [String]) -> Compilation {
        guard !names.isEmpty, compilation.valid, var desired = compilation.desired else { return compilation }
        var out = compilation
        let known = desired.instances.map(\.name)
        guard !known.isEmpty else {
            out.diagnostics.append(.error(.unknownInstance, "--instance: range \(desired.name) has no instances (the manifest has no 'instances:')", at: nil))
            out.desired = nil
            return out
        }
        let unknown = names.filter { !known.contains($0) }
        if !unknown.isEmpty {
            out.diagnostics.append(.error(.unknownInstance, "--instance: range \(desired.name) has no instance \(unknown.map { "'\(Diagnostic.excerpt($0))'" }.joined(separator: ", ")) (it has \(known.joined(separator: ", ")))", at: nil))
            out.desired = nil
            return out
        }
        let chosen = Set(names)
        desired.instances = desired.instances.filter { chosen.contains($0.name) }
        desired.networks = desired.networks.filter { $0.instance.map(chosen.contains) == true }
        desired.vms = desired.vms.filter { $0.instance.map(chosen.contains) == true }
        desired.instanceScope = desired.instances.map(\.name)
        out.desired = desired
        return out
    }
}
