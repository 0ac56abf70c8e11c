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
    public var operation: EngineOperation
    public var error: String
    public var engineUnreachable: Bool
}

/// What an apply did and did not do.
public struct ApplyReport: Sendable {
    public var done: [EngineOperation] = []
    public var failed: [ApplyFailure] = []
    /// Operations never started because an earlier one failed or the apply was interrupted.
    public var notStarted: [EngineOperation] = []
    public var interrupted = false

    public init() {}

    public var succeeded: Bool { failed.isEmpty && notStarted.isEmpty && !interrupted }
}

/// Executes a reconciliation against an engine: its phases one after the other, the operations of
/// a phase concurrently on up to `parallelism` threads. It decides nothing: the plan did. After a
/// failure (or `interrupt()`) it starts no new operation, lets those in flight finish, and reports.
public final class Applier: @unchecked Sendable {
    let engine: ContainerEngine
    let desired: DesiredRange
    let cpus: Int
    let parallelism: Int
    let progress: @Sendable (ApplyEvent) -> Void
    /// Pauses between fresh observations while the object a create conflicted with is not yet
    /// visible (the engine may still be finishing a killed apply's request); a parameter so that
    /// tests need not wait.
    let conflictWaits: [TimeInterval]
    private let lock = NSLock()
    private var stopping = false

    public init(engine: ContainerEngine, desired: DesiredRange, cpus: Int, parallelism: Int,
                conflictWaits: [TimeInterval] = [0.25, 0.5, 1, 2],
                progress: @escaping @Sendable (ApplyEvent) -> Void) {
        self.engine = engine
        self.conflictWaits = conflictWaits
        self.desired = desired
        self.cpus = cpus
        self.parallelism = max(1, parallelism)
        self.progress = progress
    }

    /// Asks the apply to stop: no new operation starts; those in flight finish and are reported.
    public func interrupt() {
        lock.lock()
        stopping = true
        lock.unlock()
    }

    public func apply(_ reconciliation: Reconciliation) -> ApplyReport {
        var report = ApplyReport()
        for phase in reconciliation.phases {
            if isStopping {
                report.notStarted += phase
                continue
            }
            run(phase, into: &report)
        }
        lock.lock()
        report.interrupted = stopping && report.failed.isEmpty
        lock.unlock()
        return report
    }

    private var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    /// Runs one phase's operations on worker threads that take the next operation in order.
    private func run(_ operations: [EngineOperation], into report: inout ApplyReport) {
        let state = PhaseState(operations)
        let group = DispatchGroup()
        for _ in 0..<min(parallelism, operations.count) {
            group.enter()
            let thread = Thread { [self] in
                while let (index, operation) = state.next(stopping: isStopping) {
                    let start = DispatchTime.now().uptimeNanoseconds
                    var failure: ApplyFailure?
                    var note: String?
                    do {
                        note = try perform(operation)
                    } catch {
                        var unreachable = false
                        if case .unreachable? = error as? EngineError { unreachable = true }
                        failure = ApplyFailure(operation: operation, error: String(describing: error), engineUnreachable: unreachable)
                        interrupt()
                    }
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                    state.finish(index, failure: failure)
                    progress(ApplyEvent(operation: operation, seconds: seconds, error: failure?.error, note: note))
                }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        let (done, failed, notStarted) = state.result()
        report.done += done
        report.failed += failed
        report.notStarted += notStarted
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
            try engine.startContainer(id: id)
            if !vm.routes.isEmpty { try engine.setRoutes(vm, containerID: id, range: desired) }
            return note
        case let .startVM(vm, id):
            try engine.startContainer(id: id)
            if !vm.routes.isEmpty { try engine.setRoutes(vm, containerID: id, range: desired) }
        case let .setRoutes(vm, id):
            try engine.setRoutes(vm, containerID: id, range: desired)
        }
        return nil
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
                Thread.sleep(forTimeInterval: wait)
            }
        }
    }
}

/// The shared queue of one phase: which operation is next, and how each ended. Thread-safe.
private final class PhaseState: @unchecked Sendable {
    private let lock = NSLock()
    private let operations: [EngineOperation]
    private var nextIndex = 0
    private var outcomes: [ApplyFailure??]

    init(_ operations: [EngineOperation]) {
        self.operations = operations
        outcomes = Array(repeating: nil, count: operations.count)
    }

    func next(stopping: Bool) -> (Int, EngineOperation)? {
        lock.lock()
        defer { lock.unlock() }
        guard !stopping, nextIndex < operations.count else { return nil }
        nextIndex += 1
        return (nextIndex - 1, operations[nextIndex - 1])
    }

    func finish(_ index: Int, failure: ApplyFailure?) {
        lock.lock()
        outcomes[index] = .some(failure)
        lock.unlock()
    }

    /// In the plan's order: done, failed with their errors, and never started.
    func result() -> ([EngineOperation], [ApplyFailure], [EngineOperation]) {
        lock.lock()
        defer { lock.unlock() }
        var done: [EngineOperation] = [], failed: [ApplyFailure] = [], notStarted: [EngineOperation] = []
        for (i, op) in operations.enumerated() {
            switch outcomes[i] {
            case .none: notStarted.append(op)
            case .some(.none): done.append(op)
            case let .some(.some(failure)): failed.append(failure)
            }
        }
        return (done, failed, notStarted)
    }
}
