import Foundation
import Testing
import TestSupport

/// `graph --live` on a real engine: each VM's state and each NIC's address as the engine holds
/// them, a VM removed by hand drawn as absent.
extension EndToEnd {
    @Suite
    struct GraphEndToEndTests {
        init() {
            #expect(LocalEngine.answers, "the engine should be running (scripts/engine-up.sh starts one)")
        }

        @Test func theLivePictureShowsStatesAndAddressesAsTheEngineHoldsThem() throws {
            let range = try TestRange("te2e-graph")
            defer { range.destroy() }
            try range.write("""
                networks:
                  - {name: a, subnet: 10.200.93.0/24}
                  - {name: b, subnet: 10.200.94.0/24}
                vms:
                  - {hostname: web, image: busybox:latest, networks: [a, b], command: [sleep, infinity]}
                  - {hostname: db, image: busybox:latest, networks: [b], command: [sleep, infinity]}
                """)
            try range.converge("the range to draw")
            let live = try range.rangectl("graph", "--live", "--format", "mermaid")
            #expect(live.status == 0, "\(live.stderr)")
            #expect(live.stdout.contains("    class vm0,vm1 running\n"), "\(live.stdout)")
            for label in ["eth0 10.200.93.10 (primary)", "eth1 10.200.94.10", "eth0 10.200.94.11 (primary)"] {
                #expect(live.stdout.contains("|\"\(label)\"|"), "\(label) in \(live.stdout)")
            }
            try LocalEngine.byHand("rm", "-f", "te2e-graph-db")
            let after = try range.rangectl("graph", "--live", "--format", "dot")
            #expect(after.status == 0 && after.stdout.contains("<B>db</B><BR/>busybox:latest<BR/>absent>")
                    && after.stdout.contains("<B>web</B><BR/>busybox:latest<BR/>running>"), "\(after.stdout)")
            print("graph --live: states and addresses read from the engine; a VM removed by hand drawn absent")
        }
    }
}
