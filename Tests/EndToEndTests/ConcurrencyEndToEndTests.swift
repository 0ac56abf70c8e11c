import Foundation
import Testing
import TestSupport

extension EndToEnd {
    /// Two runs on one range at once never interleave: the second fails at once naming the holder,
    /// or waits with --lock-timeout. Prints its figure.
    @Suite
    struct ConcurrencyEndToEndTests {
        static let body = """
            networks: [{name: a, subnet: 10.200.70.0/24}]
            vms:
            """ + (1...8).map { "\n  - {hostname: v\($0), image: busybox:latest, networks: [a], command: [sleep, infinity]}" }.joined()

        @Test func aSecondApplyFailsAtOnceNamingTheHolder() throws {
            let range = try TestRange("te2e-lock")
            defer { range.destroy() }
            try range.write(Self.body)
            let first = try Spawned(rangectlBinary, ["apply", "--auto-approve", "--parallelism", "1", range.path.path])
            #expect(first.waitFor("created network"))
            let second = try range.rangectl("apply", "--auto-approve")
            #expect(second.status == 1)
            #expect(second.stderr.contains("[range-locked]") && second.stderr.contains("te2e-lock.lock") && second.stderr.contains("pid \(first.pid)"),
                    "\(second.stderr)")
            #expect(first.finish().status == 0, "\(first.stdout)\(first.stderr)")
            #expect(try range.rangectl("plan", "--detailed-exitcode").status == 0)
            #expect(try LocalEngine.docker("inspect", "te2e-lock.lock").status != 0, "the lock must be released")
            print("concurrent applies: the second failed at once with range-locked naming the holder (pid \(first.pid)); the first converged")
        }

        @Test func withALockTimeoutRunsWaitAndNeverInterleave() throws {
            let range = try TestRange("te2e-wait")
            defer { range.destroy() }
            try range.write(Self.body.replacingOccurrences(of: "10.200.70", with: "10.200.71"))
            let apply = try Spawned(rangectlBinary, ["apply", "--auto-approve", "--parallelism", "1", "--lock-timeout", "120", range.path.path])
            #expect(apply.waitFor("created network"))
            let destroy = try Spawned(rangectlBinary, ["destroy", "--auto-approve", "--lock-timeout", "120", range.path.path])
            let second = try Spawned(rangectlBinary, ["apply", "--auto-approve", "--lock-timeout", "120", range.path.path])
            let ends = [apply.finish(), destroy.finish(), second.finish()]
            #expect(ends.map(\.status) == [0, 0, 0], "apply: \(apply.stderr)\ndestroy: \(destroy.stdout.suffix(600))\(destroy.stderr)\nsecond: \(second.stderr)")
            // The apply was not cut short by the destroy: it completed every VM before the destroy started.
            #expect(apply.stdout.contains("Apply complete: 17 operations"), "\(apply.stdout)")   // 1 network, 8 creates, 8 starts
            // Whatever order the waiting runs took, the range is whole or gone, never half of it.
            let left = try LocalEngine.labelled("te2e-wait")
            #expect(left.containers.count == 0 || left.containers.count == 8, "\(left)")
            #expect(try LocalEngine.docker("inspect", "te2e-wait.lock").status != 0)
            print("concurrent applies: apply, destroy and apply with --lock-timeout ran one after another; \(left.containers.count == 8 ? "range whole" : "range gone"), never half")
        }
    }
}
