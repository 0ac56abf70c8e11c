/// What an engine can do and how it behaves, as its engine module reports it (DockerEngine decides
/// it from the API version and the engine's kind, ENGINE.md has the measurements). The core plans
/// from this value only: it never looks at an engine's name or API version.
public struct EngineCapabilities: Hashable, Sendable {
    /// How it names a VM's NICs and picks its default route.
    public var interfaceLayout: InterfaceLayout
    /// Whether traffic a router VM forwards between two of its networks gets through.
    public var forwardsBetweenNetworks: Bool
    /// Every NIC can be given when the container is created (else each further one is connected,
    /// in order, before start).
    public var endpointsAtCreate: Bool
    /// It counts a network's endpoints exactly, so containers on one network may be removed at
    /// once (else one at a time: concurrent releases could leave a network that cannot be removed).
    public var exactEndpointCount: Bool
    /// How it spells image references in its list of local images.
    public var imageNaming: ImageNaming
    /// The engine and its version, for messages ("Podman 4.3.1").
    public var engineName: String
    /// Whether an address added inside a VM to one of its NICs (a policy's NAT address) is
    /// reachable from the other VMs of that network: on a bridge it is; a swarm's overlay answers
    /// only for the addresses the swarm itself assigned.
    public var reachesAddedAddresses: Bool

    public init(interfaceLayout: InterfaceLayout, forwardsBetweenNetworks: Bool, endpointsAtCreate: Bool, exactEndpointCount: Bool,
                imageNaming: ImageNaming, engineName: String, reachesAddedAddresses: Bool = true) {
        self.reachesAddedAddresses = reachesAddedAddresses
        self.interfaceLayout = interfaceLayout
        self.forwardsBetweenNetworks = forwardsBetweenNetworks
        self.endpointsAtCreate = endpointsAtCreate
        self.exactEndpointCount = exactEndpointCount
        self.imageNaming = imageNaming
        self.engineName = engineName
    }
}

/// How an engine spells an image reference in its image list, so that the manifest's `busybox`
/// and the engine's `busybox:latest` are found to be one image: the parts a reference may leave
/// out, and what they stand for.
public struct ImageNaming: Hashable, Sendable {
    /// Registry prefixes the engine leaves out of the names it lists.
    public var implicitRegistries: [String]
    /// The namespace of single-name references, left out too.
    public var implicitNamespace: String
    /// The tag of a reference written with neither tag nor digest.
    public var defaultTag: String

    public init(implicitRegistries: [String], implicitNamespace: String, defaultTag: String) {
        self.implicitRegistries = implicitRegistries
        self.implicitNamespace = implicitNamespace
        self.defaultTag = defaultTag
    }

    /// `image` as the engine lists it: no implicit registry or namespace, and the default tag
    /// when no tag or digest is given.
    public func canonical(_ image: String) -> String {
        var name = image
        for prefix in implicitRegistries where name.hasPrefix(prefix) { name.removeFirst(prefix.count) }
        if name.hasPrefix(implicitNamespace) { name.removeFirst(implicitNamespace.count) }
        let lastSlash = name.lastIndex(of: "/")
        let hasTag = name.lastIndex(of: ":").map { colon in lastSlash.map { colon > $0 } ?? true } ?? false
        if !hasTag && !name.contains("@") { name += ":" + defaultTag }
        return name
    }
}
