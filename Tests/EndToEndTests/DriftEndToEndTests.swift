import Foundation
import Testing
import TestSupport

/// Drift made by hand after an apply: each kind is seen by `plan` (exit 2, with a cause a person
/// understands) and repaired by `apply` (a second plan finds nothing). Prints its figure.
extension EndToEnd {
    @Suite
    struct DriftEndToEndTests {
        static let body = """
            networks:
              - {name: a, subnet: 10.200.50.0/24}
              - {name: b, subnet: 10.200.51.0/24}
            vms:
              - {hostname: v1, image: busybox:latest, networks: [a, b], command: [sleep, infinity]}
              - {hostname: v2, image: busybox:latest, networks: [a], command: [sleep, infinity]}
              - {hostname: v3, image: busybox:latest, networks: [b], command: [sleep, infinity]}
            """

        /// One drift: what to do by hand, and the words `plan` must use.
        struct Drift {
            var name: String
            var make: () throws -> Void
            var cause: String
        }

        @Test func everyKindOfDriftIsDetectedAndRepaired() throws {
            let range = try TestRange("te2e-drift")
            defer { range.destroy() }
            try range.write(Self.body)
            try range.converge("first apply")
            let d = LocalEngine.docker as ([String]) throws -> RunResult
            let hand = LocalEngine.byHand as ([String]) throws -> Void
            let drifts: [Drift] = [
                Drift(name: "container removed", make: { try hand(["rm", "-f", "te2e-drift-v2"]) }, cause: "+ vm v2"),
                Drift(name: "container stopped", make: { try hand(["kill", "te2e-drift-v2"]) }, cause: "start (stopped)"),
                Drift(name: "NIC disconnected", make: { try hand(["network", "disconnect", "-f", "te2e-drift-b", "te2e-drift-v1"]) },
                      cause: "eth1 b was disconnected on the engine"),
                Drift(name: "NIC reconnected with another address", make: {
                    try hand(["network", "disconnect", "-f", "te2e-drift-a", "te2e-drift-v2"])
                    try hand(["network", "connect", "--ip", "10.200.50.99", "te2e-drift-a", "te2e-drift-v2"])
                }, cause: "eth0 a is 10.200.50.99 on the engine, planned 10.200.50.11"),
                Drift(name: "range network removed", make: {
                    try hand(["rm", "-f", "te2e-drift-v3"])
                    try hand(["network", "disconnect", "-f", "te2e-drift-b", "te2e-drift-v1"])
                    try hand(["network", "rm", "te2e-drift-b"])
                }, cause: "+ network te2e-drift-b"),
                Drift(name: "label edited", make: {
                    // Labels cannot be edited in place: a person re-creates the container with other labels.
                    let labels = try d(["inspect", "-f", "{{range $k, $v := .Config.Labels}}{{$k}}={{$v}}\n{{end}}", "te2e-drift-v2"]).stdout
                    try hand(["rm", "-f", "te2e-drift-v2"])
                    var args = ["create", "--name", "te2e-drift-v2", "--network", "te2e-drift-a", "--ip", "10.200.50.11"]
                    for line in labels.split(separator: "\n") where !line.hasPrefix("io.rangectl.spec-hash=") { args += ["--label", String(line)] }
                    args += ["--label", "io.rangectl.spec-hash=edited", "busybox:latest", "sleep", "infinity"]
                    try hand(args)
                    try hand(["start", "te2e-drift-v2"])
                }, cause: "its spec hash label was changed on the engine"),
            ]
            var repaired = 0
            for drift in drifts {
                try drift.make()
                let plan = try range.rangectl("plan", "--detailed-exitcode")
                #expect(plan.status == 2, "\(drift.name): plan must see it\n\(plan.stdout)\(plan.stderr)")
                #expect(plan.stdout.contains(drift.cause), "\(drift.name): expected '\(drift.cause)' in\n\(plan.stdout)")
                try range.converge(drift.name)
                #expect(Set(try LocalEngine.addresses(in: "te2e-drift-v1").values) == ["10.200.50.10/24", "10.200.51.10/24"], "\(drift.name)")
                let after = try range.rangectl("plan", "--detailed-exitcode")
                if plan.status == 2 && plan.stdout.contains(drift.cause) && after.status == 0 {
                    repaired += 1
                }
            }

            // A foreign container on a range network, holding the address the plan would give a new VM.
            try hand(["run", "-d", "--name", "te2e-drift-intruder", "--network", "te2e-drift-a", "--ip", "10.200.50.12",
                      "busybox:latest", "sleep", "infinity"])
            defer { _ = try? d(["rm", "-f", "te2e-drift-intruder"]) }
            let intruderID = try d(["inspect", "-f", "{{.Id}}", "te2e-drift-intruder"]).stdout
            try range.write(Self.body + "\n  - {hostname: v4, image: busybox:latest, networks: [a], command: [sleep, infinity]}")
            let refused = try range.rangectl("apply", "--auto-approve")
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("[ip-in-use]") && refused.stderr.contains("te2e-drift-intruder") && refused.stderr.contains("10.200.50.12"))
            #expect(try d(["inspect", "-f", "{{.Id}} {{.State.Running}}", "te2e-drift-intruder"]).stdout == intruderID.trimmingCharacters(in: .newlines) + " true\n")
            #expect(try LocalEngine.vms("te2e-drift") == ["te2e-drift-v1", "te2e-drift-v2", "te2e-drift-v3"])
            let ipInUse = refused.status == 1 && refused.stderr.contains("[ip-in-use]")

            print("drift: \(repaired) of \(drifts.count) kinds detected by plan and repaired by apply; ip-in-use \(ipInUse ? "refused" : "NOT refused"), foreign container untouched")
            #expect(repaired == drifts.count)
        }
    }
}
