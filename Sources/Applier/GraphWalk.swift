import Foundation
import Plan

/// How one operation of a walk ended.
enum Outcome {
    case done
    case failed(ApplyFailure)
    /// Never started: `root`, an operation it depends on (directly or not), failed.
    case skipped(root: Int)
}

/// The shared state of one walk of an operation graph: which operations are ready (everything they
/// depend on is done), which run, how each ended. Workers take the ready operation that comes first
/// in plan order. Thread-safe.
final class GraphWalk: @unchecked Sendable {
    let graph: OperationGraph
    private let dependents: [[Int]]
    private let condition = NSCondition()
    private var waitingOn: [Int]
    private var ready = MinHeap()
    private var outcomes: [Outcome?]
    private var running = 0
    private var stopping = false

    init(_ graph: OperationGraph) {
        self.graph = graph
        dependents = graph.dependents
        waitingOn = graph.nodes.map(\.dependsOn.count)
        outcomes = Array(repeating: nil, count: graph.count)
        for i in graph.nodes.indices where waitingOn[i] == 0 { ready.push(i) }
    }

    /// The next operation to run; waits while none is ready but some still run. Nil when the walk
    /// is over: everything ended, or it was stopped.
    func next() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if stopping { return nil }
            if let i = ready.pop() {
                running += 1
                return i
            }
            if running == 0 { return nil }
            condition.wait()
        }
    }

    /// Records how operation `i` ended: on success its dependents may become ready; on failure
    /// every operation that depends on it, directly or not, is skipped.
    func finish(_ i: Int, failure: ApplyFailure?) {
        condition.lock()
        defer { condition.unlock() }
        running -= 1
        if let failure {
            outcomes[i] = .failed(failure)
            var pending = dependents[i]
            while let d = pending.popLast() {
                guard outcomes[d] == nil else { continue }
                outcomes[d] = .skipped(root: i)
                pending += dependents[d]
            }
        } else {
            outcomes[i] = .done
            for d in dependents[i] {
                waitingOn[d] -= 1
                if waitingOn[d] == 0 && outcomes[d] == nil { ready.push(d) }
            }
        }
        condition.broadcast()
    }

    /// Starts no further operation; those running finish.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    /// In plan order: done, failed, and never started with the failed operation each waited for.
    func report(interrupted: Bool) -> ApplyReport {
        condition.lock()
        defer { condition.unlock() }
        var report = ApplyReport()
        for (i, node) in graph.nodes.enumerated() {
            switch outcomes[i] {
            case .done?: report.done.append(node.operation)
            case let .failed(failure)?: report.failed.append(failure)
            case let .skipped(root)?:
                report.notStarted.append(SkippedOperation(id: node.id, operation: node.operation, waitedFor: graph.nodes[root].id))
            case nil:
                report.notStarted.append(SkippedOperation(id: node.id, operation: node.operation, waitedFor: nil))
            }
        }
        report.interrupted = interrupted && report.failed.isEmpty
        return report
    }
}

/// The indices of the ready operations; the smallest (earliest in plan order) comes out first.
struct MinHeap {
    private var items: [Int] = []

    mutating func push(_ x: Int) {
        items.append(x)
        var i = items.count - 1
        while i > 0, items[(i - 1) / 2] > items[i] {
            items.swapAt(i, (i - 1) / 2)
            i = (i - 1) / 2
        }
    }

    mutating func pop() -> Int? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let (l, r) = (2 * i + 1, 2 * i + 2)
                var m = i
                if l < items.count, items[l] < items[m] { m = l }
                if r < items.count, items[r] < items[m] { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}
