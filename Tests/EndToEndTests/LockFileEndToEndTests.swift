import Foundation
import Testing
import TestSupport

/// The lock file on a real engine: a range destroyed and applied again after a VM was inserted at
/// the top gets back every address it had, which no live pin can give once the VMs are gone.
extension EndToEnd {
    @Suite
    struct LockFileEndToEndTests {
        init() {
            #expect(LocalEngine.answers, "the engine should be running (scripts/engine-up.sh starts one)")
        }

        static func body(_ vms: [String]) -> String {
            "networks:\n  - {name: a, subnet: 10.200.91.0/24}\n  - {name: b, subnet: 10.200.92.0/24}\nvms:\n"
                + vms.map { "  - {hostname: \($0), image: busybox:latest, networks: [a, b], command: [sleep, infinity]}\n" }.joined()
        }

        static func inside(_ range: TestRange, _ vms: [String]) throws -> [String: [String]] {
            var out: [String: [String]] = [:]
            for vm in vms { out[vm] = try LocalEngine.addresses(in: "\(range.name)-\(vm)").values.sorted() }
            return out
        }

        @Test func aDestroyedRangeComesBackAtItsLockedAddressesAfterAnInsertAtTheTop() throws {
            let range = try TestRange("te2e-lockfile")
            defer { range.destroy() }
            try range.write(Self.body(["web", "db", "mail"]))
            #expect(try range.rangectl("lock").status == 0)
            try range.converge("the locked range")
            let before = try Self.inside(range, ["web", "db", "mail"])
            #expect(try range.rangectl("destroy", "--auto-approve").status == 0)

            try range.write(Self.body(["new", "web", "db", "mail"]))
            let stale = try range.rangectl("apply", "--auto-approve", "--locked")
            #expect(stale.status == 1 && stale.stderr.contains("+ new on a") && stale.stderr.contains("[lock-stale]"), "\(stale.stderr)")
            #expect(try LocalEngine.labelled(range.name).containers.isEmpty, "--locked refused before the engine changed")
            try range.converge("after new was inserted at the top")
            let after = try Self.inside(range, ["web", "db", "mail"])
            #expect(after == before, "addresses moved: \(before) -> \(after)")
            #expect(try LocalEngine.addresses(in: "\(range.name)-new").values.sorted() == ["10.200.91.13/24", "10.200.92.13/24"])
            print("lock file: destroyed and re-applied with a VM inserted at the top, \(before.count) VMs kept every address; --locked refused the stale lock with nothing made")
        }
    }
}
