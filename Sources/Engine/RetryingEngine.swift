import Foundation
import Plan

/// Wraps an engine so that reads survive brief faults: a read (inventory, start time, routing
/// table) that meets a server error (5xx) or no answer is tried again after 0.2 s, 0.4 s, 0.8 s,
/// then the fault is reported. Writes are sent exactly once: repeating a create or a connect
/// blindly could do it twice, so a failed write is reported and the next apply, which observes
/// first, decides again. The waits are asked of `clock`.
public final class RetryingEngine: ContainerEngine, @unchecked Sendable {
    public let base: any ContainerEngine
    public let delays: [TimeInterval]
    public let clock: any EngineClock

    public init(_ base: any ContainerEngine, delays: [TimeInterval] = [0.2, 0.4, 0.8], clock: any EngineClock = SystemClock()) {
        self.base = base
        self.delays = delays
        self.clock = clock
    }

    public var endpoint: String { base.endpoint }
    public var apiVersion: APIVersion { base.apiVersion }

    /// Whether a failed read may be tried again: no answer, or the engine's own server error.
    static func isTransient(_ error: Error) -> Bool {
        switch error as? EngineError {
        case .unreachable?: return true
        case let .http(status, _, _)?: return status >= 500
        default: return false
        }
    }

    private func read<T>(_ body: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch where Self.isTransient(error) && attempt < delays.count {
                clock.sleep(delays[attempt])
                attempt += 1
            }
        }
    }

    public func inventory() throws -> EngineInventory { try read { try base.inventory() } }
    public func startedAt(container id: String) throws -> String { try read { try base.startedAt(container: id) } }
    public func readNamespaces(_ containerIDs: [String], script: String, range: DesiredRange) throws -> [String: String] {
        try read { try base.readNamespaces(containerIDs, script: script, range: range) }
    }

    public func readRoutes(containerID: String, range: DesiredRange) throws -> String {
        try read { try base.readRoutes(containerID: containerID, range: range) }
    }

    public func createNetwork(_ network: DesiredNetwork, labels: [KeyValue]) throws -> String {
        try base.createNetwork(network, labels: labels)
    }
    public func removeNetwork(id: String) throws { try base.removeNetwork(id: id) }
    public func createContainer(_ vm: DesiredVM, range: DesiredRange, labels: [KeyValue], cpus: Int) throws -> String {
        try base.createContainer(vm, range: range, labels: labels, cpus: cpus)
    }
    public func startContainer(id: String) throws { try base.startContainer(id: id) }
    public func removeContainer(id: String) throws { try base.removeContainer(id: id) }
    public func exec(container id: String, command: [String]) throws -> (exitCode: Int, output: String) {
        try base.exec(container: id, command: command)
    }
    public func execOutput(container id: String, command: [String]) throws -> String {
        try base.execOutput(container: id, command: command)
    }
    public func setRoutes(_ vm: DesiredVM, containerID: String, range: DesiredRange) throws {
        try base.setRoutes(vm, containerID: containerID, range: range)
    }
    public func setPolicy(_ vm: DesiredVM, containerID: String, range: DesiredRange, removing: [PolicyAddress]) throws {
        try base.setPolicy(vm, containerID: containerID, range: range, removing: removing)
    }
    public func readPolicy(containerID: String, helperImage: String, range: String) throws -> String {
        try base.readPolicy(containerID: containerID, helperImage: helperImage, range: range)
    }
    public func missingHelperTools(_ tools: [String], range: DesiredRange, host: String?) throws -> [String] {
        try base.missingHelperTools(tools, range: range, host: host)
    }
    public func startHelper(script: String, in containerID: String, range: DesiredRange, owner: String) throws -> String {
        try base.startHelper(script: script, in: containerID, range: range, owner: owner)
    }
    public func helperOutput(id: String) throws -> (text: String, ended: Bool) { try base.helperOutput(id: id) }
    public func runHelper(script: String, in containerID: String, range: DesiredRange, owner: String) throws -> (status: Int, output: String) {
        try base.runHelper(script: script, in: containerID, range: range, owner: owner)
    }
    public func claimLock(name: String, labels: [KeyValue]) throws -> (id: String, labels: [String: String]) {
        try base.claimLock(name: name, labels: labels)
    }
    public func releaseLock(id: String) throws { try base.releaseLock(id: id) }
    /// A pull is sent once too: the next apply, which observes first, pulls what is still missing.
    public func pullImage(_ reference: String, host: String?) throws { try base.pullImage(reference, host: host) }
}
