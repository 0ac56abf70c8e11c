import Foundation
import Plan

/// Who holds a range's lock, read from the lock's labels.
public struct LockHolder: Sendable, CustomStringConvertible {
    public var id: String
    public var token: String
    public var user: String
    public var host: String
    public var pid: Int32
    public var since: String
    public var expires: Date

    public var description: String { "\(user)@\(host) (pid \(pid)) since \(since)" }

    init?(id: String, labels: [String: String]) {
        guard let token = labels[RangeLock.tokenLabel] else { return nil }
        self.id = id
        self.token = token
        user = labels[RangeLabels.lockUser] ?? "?"
        host = labels[RangeLabels.lockHost] ?? "?"
        pid = Int32(labels[RangeLabels.lockPid] ?? "") ?? 0
        since = labels[RangeLabels.lockSince] ?? "?"
        expires = Date(timeIntervalSince1970: TimeInterval(labels[RangeLabels.lockExpires] ?? "") ?? 0)
    }
}

/// Why a lock could not be taken.
public enum LockError: Error, Sendable {
    case held(LockHolder, lockName: String, waited: TimeInterval)
}

/// The lock that keeps two applies (or an apply and a destroy) of one range from interleaving.
///
/// It lives on the engine, so it also holds between CI runners on different machines: a
/// never-started container named `<range>.lock` (names are unique on an engine, so creating it is
/// atomic), labelled with its holder and an expiry. A holder that crashed never blocks for ever:
/// its lock is broken at once when it was taken on this host and its process is gone, else once it
/// has expired. A stale lock is removed by its id, so two runs breaking it at once cannot remove
/// each other's new lock.
public final class RangeLock: @unchecked Sendable {
    public static let tokenLabel = RangeLabels.lockToken
    /// How long a lock is valid without its holder: far longer than any apply.
    public static let lifetime: TimeInterval = 30 * 60

    public static func name(of range: String) -> String { EngineNames.lock(range) }

    let engine: any ContainerEngine
    public let holder: LockHolder

    private init(engine: any ContainerEngine, holder: LockHolder) {
        self.engine = engine
        self.holder = holder
    }

    /// Takes the lock, waiting up to `timeout` seconds (0: fail at once) for another holder: it
    /// looks again every 0.5 s (less for the last wait, so that it gives up at `timeout`). Time,
    /// both the waits and the expiry of a stale lock, is `clock`'s.
    public static func acquire(_ range: String, on engine: any ContainerEngine, timeout: TimeInterval,
                               clock: any EngineClock = SystemClock(), processAlive: (Int32) -> Bool = RangeLock.processAlive,
                               host: String = ProcessInfo.processInfo.hostName) throws -> RangeLock {
        let start = clock.now()
        let token = UUID().uuidString
        let name = name(of: range)
        while true {
            let since = clock.now()
            let labels = RangeLabels.common(range: range, manifestLabels: []) + [
                KeyValue(tokenLabel, token),
                KeyValue(RangeLabels.lockUser, ProcessInfo.processInfo.environment["USER"] ?? "unknown"),
                KeyValue(RangeLabels.lockHost, host),
                KeyValue(RangeLabels.lockPid, String(getpid())),
                KeyValue(RangeLabels.lockSince, ISO8601DateFormatter().string(from: since)),
                KeyValue(RangeLabels.lockExpires, String(Int(since.timeIntervalSince1970 + lifetime))),
            ]
            let current = try engine.claimLock(name: name, labels: labels)
            guard let holder = LockHolder(id: current.id, labels: current.labels) else {
                // Something without lock labels holds the name: never touch it; report it as held.
                throw LockError.held(LockHolder(id: current.id, labels: [tokenLabel: "?"])!, lockName: name, waited: 0)
            }
            if holder.token == token { return RangeLock(engine: engine, holder: holder) }
            let crashed = holder.host == host && holder.pid > 0 && !processAlive(holder.pid)
            if crashed || holder.expires < clock.now() {
                try engine.releaseLock(id: holder.id)
                continue
            }
            let waited = clock.now().timeIntervalSince(start)
            if waited >= timeout { throw LockError.held(holder, lockName: name, waited: waited) }
            clock.sleep(min(0.5, max(0.05, timeout - waited)))
        }
    }

    /// Gives the lock back (only this lock, by its id).
    public func release() {
        try? engine.releaseLock(id: holder.id)
    }

    /// Whether a process of this host is still running.
    public static func processAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
