import Engine
import Foundation
import Plan

/// One finished operation: what it was, how long it took, and its error if it failed.
public struct ApplyEvent: Sendable {
    public var operation: EngineOperation
    public var seconds: Double
    public var error: String?
    /// What the operation found and took over instead of creating it (see `CreationConflict`).
    public var note: String?

    public init(operation: EngineOperation, seconds: Double, error: String?, note: String? = nil) {
        self.operation = operation
        self.seconds = seconds
        self.error = error
        self.note = note
    }
}

/// One failed operation: the engine's error, and whether the engine stopped answering.
public struct ApplyFailure: Sendable {
    public var id: String
    public var operation: EngineOperation
    public var error: String
    public var engineUnreachable: Bool

    public init(id: String, operation: EngineOperation, error: String, engineUnreachable: Bool) {
        self.id = id
        self.operation = operation
        self.error = error
        self.engineUnreachable = engineUnreachable
    }
}

/// An operation that never started, and the failed operation it waited for (nil when the apply was
/// interrupted, or stopped because the engine stopped answering).
public struct SkippedOperation: Sendable {
    public var id: String
    public var operation: EngineOperation
    public var waitedFor: String?

    public init(id: String, operation: EngineOperation, waitedFor: String?) {
        self.id = id
        self.operation = operation
        self.waitedFor = waitedFor
    }
}

/// What an apply did and did not do, in plan order.
public struct ApplyReport: Sendable {
    public var done: [EngineOperation] = []
    public var failed: [ApplyFailure] = []
    public var notStarted: [SkippedOperation] = []
    public var interrupted = false

    public init() {}

    public var succeeded: Bool { failed.isEmpty && notStarted.isEmpty && !interrupted }
}

/// Executes a reconciliation against an engine by walking its operation graph on up to
/// `parallelism` threads: an operation starts as soon as everything it depends on is done. It
/// decides nothing: the plan did. After a failure nothing that depends on the failed operation
/// starts and unrelated work goes on; when the engine stops answering (or on `interrupt()`) no new
/// operation starts at all. Those in flight finish, and the report says what happened to each.
public final class Applier: @unchecked Sendable {
    let engine: ContainerEngine
    let desired: DesiredRange
    let cpus: Int
    let parallelism: Int
    let progress: @Sendable (ApplyEvent) -> Void
    /// Pauses between fresh observations while the object a create conflicted with is not yet
    /// visible (the engine may still be finishing a killed apply's request), waited on `clock`
    /// (tests pass a `ManualClock` and assert the waits asked for).
    let conflictWaits: [TimeInterval]
    let clock: any EngineClock
    private let lock = NSLock()
    private var stopping = false
    private var walk: GraphWalk?
    /// The containers this apply created, by `DesiredVM.key`, for their start and routes.
    private var created: [String: String] = [:]

    public init(engine: ContainerEngine, desired: DesiredRange, cpus: Int, parallelism: Int,
                conflictWaits: [TimeInterval] = [0.25, 0.5, 1, 2], clock: any EngineClock = SystemClock(),
                progress: @escaping @Sendable (ApplyEvent) -> Void) {
        self.engine = engine
        self.conflictWaits = conflictWaits
        self.clock = clock
        self.desired = desired
        self.cpus = cpus
        self.parallelism = max(1, parallelism)
        self.progress = progress
    }

    /// Asks the apply to stop: no new operation starts; those in flight finish and are reported.
    public func interrupt() {
        lock.lock()
        stopping = true
        let current = walk
        lock.unlock()
        current?.stop()
    }

    public func apply(_ reconciliation: Reconciliation) -> ApplyReport {
        let walk = GraphWalk(reconciliation.graph)
        lock.lock()
        self.walk = walk
        if stopping { walk.stop() }
        lock.unlock()
        let group = DispatchGroup()
        for _ in 0..<min(parallelism, reconciliation.graph.count) {
            group.enter()
            let thread = Thread { [self] in
                while let index = walk.next() { run(walk.graph.nodes[index], index, walk) }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        lock.lock()
        let interrupted = stopping
        lock.unlock()
        return walk.report(interrupted: interrupted)
    }

    private func run(_ node: PlannedOperation, _ index: Int, _ walk: GraphWalk) {
        let start = DispatchTime.now().uptimeNanoseconds
        var failure: ApplyFailure?
        var note: String?
        do {
            note = try perform(node.operation)
        } catch {
            var unreachable = false
            if case .unreachable? = error as? EngineError { unreachable = true }
            failure = ApplyFailure(id: node.id, operation: node.operation, error: String(describing: error), engineUnreachable: unreachable)
            // An engine that stopped answering fails whatever is tried next: start nothing more.
            if unreachable { walk.stop() }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        walk.finish(index, failure: failure)
        progress(ApplyEvent(operation: node.operation, seconds: seconds, error: failure?.error, note: note))
    }

    /// Carries out one operation; returns a note when it took over what an interrupted apply left.
    private func perform(_ operation: EngineOperation) throws -> String? {
        switch operation {
        case let .removeContainer(_, id):
            try engine.removeContainer(id: id)
        case let .removeNetwork(_, id):
            try engine.removeNetwork(id: id)
        case let .createNetwork(n):
            do {
                _ = try engine.createNetwork(n, labels: SpecEncoding.networkLabels(n, range: desired))
            } catch let error as EngineError where error.isCreationConflict {
                guard case .adopt = try resolve(error, { CreationConflict.network(n, range: desired, in: $0) }) else { throw error }
                return Self.adopted
            }
        case let .createVM(vm):
            let (id, note) = try createContainer(vm)
            lock.lock()
            created[vm.key] = id
            lock.unlock()
            return note
        case let .startVM(vm, id):
            try engine.startContainer(id: try id ?? createdContainer(vm))
        case let .setRoutes(vm, id):
            try engine.setRoutes(vm, containerID: try id ?? createdContainer(vm), range: desired)
        case let .setPolicy(vm, id, removing):
            try engine.setPolicy(vm, containerID: try id ?? createdContainer(vm), range: desired, removing: removing)
        }
        return nil
    }

    /// The container this apply's create of `vm` made (the graph runs that create first).
    private func createdContainer(_ vm: DesiredVM) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        guard let id = created[vm.key] else {
            throw EngineError.unsupported("internal error: \(vm.dockerName) was not created by this apply")
        }
        return id
    }

    static let adopted = "found as planned, left by an interrupted apply: adopted"
    static let recreated = "found half-made by an interrupted apply: created again"
}

extension Applier {
    /// Creates a VM's container; when its name is taken by the range's own container as planned
    /// (a killed apply's create the engine finished late), takes that one instead, or re-creates
    /// it once if it never started and lacks NICs.
    private func createContainer(_ vm: DesiredVM) throws -> (id: String, note: String?) {
        let labels = SpecEncoding.vmLabels(vm, range: desired)
        do {
            return (try engine.createContainer(vm, range: desired, labels: labels, cpus: cpus), nil)
        } catch let error as EngineError where error.isCreationConflict {
            switch try resolve(error, { CreationConflict.vm(vm, range: desired, in: $0) }) {
            case let .adopt(id):
                return (id, Self.adopted)
            case let .recreate(id):
                try engine.removeContainer(id: id)
                return (try engine.createContainer(vm, range: desired, labels: labels, cpus: cpus), Self.recreated)
            case .absent, .report:
                throw error
            }
        }
    }

    /// Observes afresh until `decide` finds the conflicting object (waiting `conflictWaits` in
    /// between while it is absent); rethrows the conflict when it is not the range's own as planned.
    private func resolve(_ conflict: EngineError, _ decide: (EngineInventory) -> ConflictResolution) throws -> ConflictResolution {
        var waits = conflictWaits[...]
        while true {
            let verdict = decide(try engine.inventory())
            switch verdict {
            case .adopt, .recreate: return verdict
            case .report: throw conflict
            case .absent:
                guard let wait = waits.popFirst() else { throw conflict }
                clock.sleep(wait)
            }
        }
    }
}
