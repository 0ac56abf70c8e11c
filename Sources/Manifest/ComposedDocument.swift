import RangeDiagnostics

/// Limits that keep hostile input a diagnostic instead of a crash or an out-of-memory.
public struct ComposerLimits: Sendable {
    /// Deepest nesting of collections; a manifest needs about six levels.
    public var maxDepth = 64
    /// Nodes that aliases may add on top of `aliasFactor` times the nodes actually written.
    public var aliasAllowance = 100_000
    public var aliasFactor = 10
    /// From this many bytes on, libyaml reads on a second thread while the document is built
    /// from the events it has read so far (the result is the same either way).
    public var pipelineThreshold = 256 * 1024

    public init() {}
}

/// The result of composing: the document, its root node (nil for an empty stream or when
/// composing stopped at an error it cannot go past) and what went wrong.
public struct ComposedDocument: Sendable {
    public var document: YAMLDocument
    public var rootID: NodeID?
    public var stopped: Bool
    public var diagnostics: [Diagnostic]
    /// The manifest's VMs, decoded while the rest was still being read (see `compose(_:decodingVMs:)`).
    var streamed: StreamedVMs?

    /// The root as a tree view.
    public var root: Node? { rootID.map { Node(document, $0) } }
}

/// VMs decoded while composing: the items of the list `list`, and what decoding them found.
struct StreamedVMs: Sendable {
    var list: NodeID?
    var vms: [RawVM] = []
    var diagnostics: [Diagnostic] = []
}
