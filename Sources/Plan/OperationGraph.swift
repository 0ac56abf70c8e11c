/// One engine operation of a plan: why it is there, and what must be done before it may start.
public struct PlannedOperation: Hashable, Sendable {
    /// Unique in its graph and stable: the same manifest and live state give the same ids
    /// (`create-network:dmz`, `start-vm:web`, `remove-container:t-old`).
    public var id: String
    public var operation: EngineOperation
    /// Why the plan does it, for a reviewer: "not on the engine", "image a -> b", ...
    public var cause: String
    /// The ids of the operations that must have succeeded first; all come earlier in the graph.
    public var dependsOn: [String]

    public init(id: String, operation: EngineOperation, cause: String, dependsOn: [String]) {
        self.id = id
        self.operation = operation
        self.cause = cause
        self.dependsOn = dependsOn
    }
}

/// The operations of an apply and their dependencies (Terraform's graph walk, Compose's plan):
/// an operation may start as soon as everything it depends on is done. The nodes are in plan
/// order, every dependency before its dependents, so the order is itself a valid sequential run.
public struct OperationGraph: Hashable, Sendable {
    public private(set) var nodes: [PlannedOperation] = []
    private var indexByID: [String: Int] = [:]

    public init() {}

    /// Builds a graph from nodes in plan order; a dependency must name an earlier node.
    public init(_ nodes: [PlannedOperation]) {
        for node in nodes { append(node) }
    }

    public var isEmpty: Bool { nodes.isEmpty }
    public var count: Int { nodes.count }

    public func index(of id: String) -> Int? { indexByID[id] }

    public subscript(id: String) -> PlannedOperation? { indexByID[id].map { nodes[$0] } }

    /// Adds a node after the others. Its id is made unique (`#2`, `#3`, ... after a repeated base)
    /// and returned; dependencies on ids not in the graph are a programming error.
    @discardableResult
    public mutating func append(_ node: PlannedOperation) -> String {
        var node = node
        if indexByID[node.id] != nil {
            var n = 2
            while indexByID["\(node.id)#\(n)"] != nil { n += 1 }
            node.id = "\(node.id)#\(n)"
        }
        for d in node.dependsOn { precondition(indexByID[d] != nil, "operation \(node.id) depends on \(d), which is not earlier in the graph") }
        indexByID[node.id] = nodes.count
        nodes.append(node)
        return node.id
    }

    /// For each node, the indices of the nodes that depend on it directly.
    public var dependents: [[Int]] {
        var out = Array(repeating: [Int](), count: nodes.count)
        for (i, node) in nodes.enumerated() {
            for d in node.dependsOn { out[indexByID[d]!].append(i) }
        }
        return out
    }
}
