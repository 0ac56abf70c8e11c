import RangeDiagnostics

/// When `apply` pulls images (`--pull`): those the engine lacks (the default), every one the
/// range uses, or none (a missing image is then a preflight error).
public enum PullPolicy: String, Sendable, CaseIterable {
    case missing, always, never
}

/// An image the range needs on one engine (one node of a swarm): a VM's, or the route helper's.
public struct ImageNeed: Hashable, Sendable {
    /// The node it is needed on; nil on one engine.
    public var host: String?
    /// As the manifest writes it: what is pulled.
    public var image: String
    /// As the engine lists it (`ImageNaming.canonical`): what is compared with its images.
    public var canonical: String
    /// True for the helper image that sets VM routes and router policies.
    public var helper: Bool
    /// The first VM that needs it there.
    public var location: SourceLocation?

    /// "the engine", or "the engine of node n2".
    public var engineText: String { host.map { "the engine of node \($0)" } ?? "the engine" }
}

public enum ImageNeeds {
    /// Every image the range needs, once per node, in manifest order: each VM's image, then the
    /// helper's on each node where a VM has routes or a router a policy (the helper runs on the VM's own node).
    public static func of(_ desired: DesiredRange, naming: ImageNaming) -> [ImageNeed] {
        var out: [ImageNeed] = []
        var seen: Set<String> = []
        for vm in desired.vms {
            let canonical = naming.canonical(vm.image)
            if seen.insert("\(vm.host ?? "")\u{0}\(canonical)").inserted {
                out.append(ImageNeed(host: vm.host, image: vm.image, canonical: canonical, helper: false, location: vm.location))
            }
        }
        let helper = naming.canonical(desired.helperImage)
        for vm in desired.vms where !vm.routes.isEmpty || vm.policy?.declared == true {
            if seen.insert("\(vm.host ?? "")\u{0}\(helper)").inserted {
                out.append(ImageNeed(host: vm.host, image: desired.helperImage, canonical: helper, helper: true, location: vm.location))
            }
        }
        return out
    }

    /// Those the engine (or the VM's node) does not hold.
    public static func missing(_ desired: DesiredRange, _ inventory: EngineInventory) -> [ImageNeed] {
        of(desired, naming: inventory.capabilities.imageNaming).filter { need in
            !(need.host.flatMap { inventory.imagesByHost[$0] } ?? inventory.images).contains(need.canonical)
        }
    }

    /// What `apply --pull policy` pulls before it plans.
    public static func toPull(_ desired: DesiredRange, _ inventory: EngineInventory, policy: PullPolicy) -> [ImageNeed] {
        switch policy {
        case .never: return []
        case .missing: return missing(desired, inventory)
        case .always: return of(desired, naming: inventory.capabilities.imageNaming)
        }
    }
}
