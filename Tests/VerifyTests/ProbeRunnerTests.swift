import Foundation
import Plan
import Testing
@testable import Verify

/// Helpers that answer from a table: what each listener prints (by destination container) and
/// what each client prints (by source container), recording every call.
final class FakeHelpers: ProbeHelpers, @unchecked Sendable {
    private let lock = NSLock()
    var listenerSays: [String: String] = [:]
    var clientSays: [String: String] = [:]
    var failStart = false
    /// A listener that runs and never says a word (rather than ending).
    var silentButRunning = false
    private(set) var calls: [String] = []
    private var started: [String: String] = [:]

    private func log(_ call: String) { lock.lock(); calls.append(call); lock.unlock() }

    func start(_ script: String, in container: String) throws -> String {
        log("start \(container)")
        if failStart { throw FakeError() }
        lock.lock(); defer { lock.unlock() }
        let handle = "h\(started.count)"
        started[handle] = container
        return handle
    }
    func output(_ handle: String) throws -> (text: String, ended: Bool) {
        lock.lock(); defer { lock.unlock() }
        let said = started[handle].flatMap { listenerSays[$0] } ?? ""
        return (said, said.isEmpty && !silentButRunning)
    }
    func remove(_ handle: String) { log("remove \(handle)") }
    func run(_ script: String, in container: String) throws -> String {
        log("run \(container)")
        lock.lock(); defer { lock.unlock() }
        return clientSays[container] ?? ""
    }
    struct FakeError: Error {}
}

struct ProbeRunnerTests {
    static func helpers(listener: String = "RANGECTL-LISTEN ready\n", client: String) -> FakeHelpers {
        let h = FakeHelpers()
        h.listenerSays = ["t-b": listener]
        h.clientSays = ["t-a": client]
        return h
    }

    @Test func aPassingTCPProbeStartsTheListenerFirstAndRemovesIt() {
        let h = Self.helpers(client: "RANGECTL-PROBE pass\n")
        let r = ProbeRunner.run(probe(.tcp, port: 22), helpers: h, deadline: 2)
        #expect(r.outcome == .passed && r.agrees == true && !r.fails && r.note == nil)
        #expect(h.calls == ["start t-b", "run t-a", "remove h0"])
    }

    @Test func aBlockedProbeThatShouldPassFails() {
        let r = ProbeRunner.run(probe(.tcp, port: 22), helpers: Self.helpers(client: "RANGECTL-PROBE fail\n"), deadline: 2)
        #expect(r.outcome == .blocked && r.seen == "blocked" && r.agrees == false && r.fails)
    }

    @Test func icmpHasNoListener() {
        let h = Self.helpers(client: "RANGECTL-PROBE pass")
        #expect(ProbeRunner.run(probe(.icmp, port: nil), helpers: h, deadline: 2).outcome == .passed)
        #expect(h.calls == ["run t-a"])
    }

    @Test func aBusyTCPPortIsProbedThroughTheServiceAndABusyUDPPortIsUntestable() {
        let tcp = ProbeRunner.run(probe(.tcp, port: 22), helpers: Self.helpers(listener: "RANGECTL-LISTEN busy\n", client: "RANGECTL-PROBE pass\n"), deadline: 2)
        #expect(tcp.outcome == .passed && tcp.note == "served by b itself")
        let h = Self.helpers(listener: "RANGECTL-LISTEN busy\n", client: "RANGECTL-PROBE pass\n")
        let udp = ProbeRunner.run(probe(.udp, port: 53), helpers: h, deadline: 2)
        #expect(udp.outcome == .untestable("udp/53 is served by b itself: a UDP probe needs the port closed"))
        #expect(udp.agrees == nil && !udp.fails && udp.seen == "untestable")
        #expect(h.calls == ["start t-b", "remove h0"])
    }

    @Test func whatGoesWrongIsAFailedOutcomeNeverAThrow() {
        let silent = ProbeRunner.run(probe(.tcp, port: 22), helpers: Self.helpers(listener: "", client: "RANGECTL-PROBE pass"), deadline: 2)
        #expect(silent.outcome == .failed("the listener in b did not start: it ended without a word") && silent.fails)
        let unbound = ProbeRunner.run(probe(.tcp, port: 22), helpers: Self.helpers(listener: "RANGECTL-LISTEN fail", client: ""), deadline: 2)
        #expect(unbound.outcome == .failed("the listener in b could not bind tcp/22"))
        let mute = ProbeRunner.run(probe(.tcp, port: 22), helpers: Self.helpers(client: "sh: nc: not found"), deadline: 2)
        #expect(mute.outcome == .failed("the client in a printed no verdict: sh: nc: not found"))
        let h = Self.helpers(client: "")
        h.failStart = true
        let refused = ProbeRunner.run(probe(.tcp, port: 22), helpers: h, deadline: 2)
        guard case let .failed(why) = refused.outcome else { Issue.record("\(refused.outcome)"); return }
        #expect(why.hasPrefix("the listener in b did not start: "))
    }

    /// A listener that never speaks is given the deadline and the grace, polled every 0.1 s on
    /// the probe's clock, then reported; no client runs and the listener is removed.
    @Test func aSilentListenerIsGivenUpOnAfterTheDeadlineAndTheGrace() {
        let h = Self.helpers(listener: "", client: "RANGECTL-PROBE pass")
        h.silentButRunning = true
        let clock = TestClock()
        let r = ProbeRunner.run(probe(.tcp, port: 22), helpers: h, deadline: 2, clock: clock.probeClock)
        #expect(r.outcome == .failed("the listener in b did not start: no word within 12 s"))
        #expect(h.calls == ["start t-b", "remove h0"])
        let sleeps = clock.sleeps
        #expect(Set(sleeps) == [ProbeRunner.pollInterval] && abs(Double(sleeps.count) * ProbeRunner.pollInterval - 12) < 0.15, "\(sleeps.count) polls")
    }

    @Test func probesSharingAListenerAreGroupedInOrderAndEchoesNever() {
        let probes = [probe(.tcp, port: 22), probe(.icmp, port: nil), probe(.tcp, port: 80), probe(.tcp, port: 22), probe(.icmp, port: nil), probe(.udp, port: 22)]
        #expect(ProbeRunner.groups(probes) == [[0, 3], [1], [2], [4], [5]])
    }
}

/// A clock that moves only when slept on, recording each sleep.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSinceReferenceDate: 0)
    private var asked: [TimeInterval] = []

    var sleeps: [TimeInterval] { lock.lock(); defer { lock.unlock() }; return asked }

    var probeClock: ProbeClock {
        ProbeClock(now: { [self] in lock.lock(); defer { lock.unlock() }; return current },
                   sleep: { [self] s in lock.lock(); asked.append(s); current += s; lock.unlock() })
    }
}
