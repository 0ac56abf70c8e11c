import Foundation

/// What the runner needs of an engine: helper containers that share a VM's network namespace and
/// run a busybox script. The engine side implements it (`Workflows`); tests use a fake.
public protocol ProbeHelpers: Sendable {
    /// Starts `script` (`sh -c`) in the namespace of the VM container `container`, detached; a
    /// handle for `output` and `remove`.
    func start(_ script: String, in container: String) throws -> String
    /// A started helper's output so far (standard output and error), and whether it has ended.
    func output(_ handle: String) throws -> (text: String, ended: Bool)
    /// Removes a helper, running or not.
    func remove(_ handle: String)
    /// Runs `script` in the namespace of `container` to its end; its output.
    func run(_ script: String, in container: String) throws -> String
}

/// How probes are run: one at a time here (the caller runs groups in parallel), each bounded.
public enum ProbeRunner {
    /// How long a listener may take to say it is ready, on top of the probe's deadline (a helper
    /// container's start is the slow part: up to seconds on a loaded engine).
    public static let listenerGrace = 10.0
    /// How often a listener's output is read while waiting for its state line.
    public static let pollInterval = 0.1

    /// The probes in groups that must not run at the same time (they share a listener: the same
    /// destination VM, protocol and port), each in the order given; the groups in the order of
    /// their first probe. The indices are those of `probes`, so results can be put back in order.
    public static func groups(_ probes: [Probe]) -> [[Int]] {
        var order: [String] = [], members: [String: [Int]] = [:]
        for (i, p) in probes.enumerated() {
            // ICMP has no listener: every echo probe may run beside any other.
            let key = p.listenPort.map { "\(p.destination.container) \(p.proto.rawValue) \($0)" } ?? "#\(i)"
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(i)
        }
        return order.map { members[$0]! }
    }

    /// Runs one probe: its listener (when it has one) until it says ready, the client, then the
    /// listener removed. Never throws: what went wrong is the outcome.
    public static func run(_ probe: Probe, helpers: any ProbeHelpers, deadline: Int, clock: ProbeClock = .system) -> ProbeResult {
        var note: String?
        var listener: String?
        defer { if let listener { helpers.remove(listener) } }
        if let script = ProbeCommands.listener(probe, deadline: deadline) {
            do {
                let handle = try helpers.start(script, in: probe.destination.container)
                listener = handle
                switch try waitForState(handle, helpers: helpers, limit: Double(deadline) + listenerGrace, clock: clock) {
                case let .failure(text):
                    return ProbeResult(probe: probe, outcome: .failed("the listener in \(probe.destination.name) did not start: \(text)"))
                case .success(.fail):
                    return ProbeResult(probe: probe, outcome: .failed("the listener in \(probe.destination.name) could not bind \(probe.proto.rawValue)/\(probe.listenPort ?? 0)"))
                case .success(.busy) where probe.proto == .udp:
                    return ProbeResult(probe: probe, outcome: .untestable("udp/\(probe.listenPort ?? 0) is served by \(probe.destination.name) itself: a UDP probe needs the port closed"))
                case .success(.busy):
                    note = "served by \(probe.destination.name) itself"
                case .success(.ready):
                    break
                }
            } catch {
                return ProbeResult(probe: probe, outcome: .failed("the listener in \(probe.destination.name) did not start: \(error)"))
            }
        }
        do {
            let output = try helpers.run(ProbeCommands.client(probe, deadline: deadline), in: probe.source.container)
            switch ProbeCommands.verdict(output) {
            case .pass: return ProbeResult(probe: probe, outcome: .passed, note: note)
            case .fail: return ProbeResult(probe: probe, outcome: .blocked, note: note)
            case nil: return ProbeResult(probe: probe, outcome: .failed("the client in \(probe.source.name) printed no verdict: \(output.suffix(200))"))
            }
        } catch {
            return ProbeResult(probe: probe, outcome: .failed("the client in \(probe.source.name) did not run: \(error)"))
        }
    }

    /// The listener's state once it prints one; its output when it ends or `limit` seconds pass without.
    static func waitForState(_ handle: String, helpers: any ProbeHelpers, limit: Double, clock: ProbeClock) throws -> Result<ListenerState, ListenerSilence> {
        let start = clock.now()
        while true {
            let (text, ended) = try helpers.output(handle)
            if let state = ProbeCommands.state(text) { return .success(state) }
            if ended { return .failure(ListenerSilence(text: text.isEmpty ? "it ended without a word" : String(text.suffix(200)))) }
            if clock.now().timeIntervalSince(start) > limit { return .failure(ListenerSilence(text: "no word within \(Int(limit)) s")) }
            clock.sleep(pollInterval)
        }
    }

    /// Why a listener never said its state.
    struct ListenerSilence: Error, CustomStringConvertible {
        var text: String
        var description: String { text }
    }
}

/// The time a probe's wait for its listener reads and sleeps on: the system's, or a test's own
/// (which moves on when slept on, so a test asserts the waits instead of taking them).
public struct ProbeClock: Sendable {
    public var now: @Sendable () -> Date
    public var sleep: @Sendable (TimeInterval) -> Void

    public init(now: @escaping @Sendable () -> Date, sleep: @escaping @Sendable (TimeInterval) -> Void) {
        self.now = now
        self.sleep = sleep
    }

    public static let system = ProbeClock(now: { Date() }, sleep: { Thread.sleep(forTimeInterval: $0) })
}
