@testable import Applier
import Foundation
import Plan
@testable import rangectl
import Testing
@testable import Workflows

/// Progress, summary and status lines, which echo what the engine says, hold no raw control
/// character and stay one line each (their escaping is `TextEscaping`'s, tested in PlannerTests).
struct OutputLineTests {
    static let engineError = "Conflict. The container name \"/r-web\u{1B}]0;pwned\u{07}\" is already in use\r\nby \u{202E}abc"
    static let shownError = #"Conflict. The container name "/r-web\e]0;pwned\a" is already in use\r\nby \u{202E}abc"#

    @Test func aFailedOperationsProgressLineShowsTheEngineErrorEscaped() {
        let line = ApplyRunner.progressLine(ApplyEvent(operation: .removeContainer(name: "r-web\u{1B}[2J", id: "1"), seconds: 0.5,
                                                       error: Self.engineError))
        #expect(line == #"  ! removed vm r-web\e[2J FAILED after 0.50s: "# + Self.shownError + "\n")
        expectClean(Data(line.utf8), "progress line")
        let done = ApplyRunner.progressLine(ApplyEvent(operation: .removeNetwork(name: "r-a\u{7}", id: "2"), seconds: 1, error: nil))
        #expect(done == #"  - removed network r-a\a (1.00s)"# + "\n")
    }

    @Test func theSummaryOfAFailedApplyShowsEveryErrorOnItsOwnLine() {
        var report = ApplyReport()
        report.failed = [ApplyFailure(id: "remove-container:r-web", operation: .removeContainer(name: "r-web", id: "1"), error: Self.engineError, engineUnreachable: false)]
        report.notStarted = [SkippedOperation(id: "remove-network:r-red", operation: .removeNetwork(name: "r-\u{1B}[31mred", id: "2"), waitedFor: nil)]
        let text = ApplyRunner.summary(report, seconds: 1, calls: nil, verb: "apply")
        expectClean(Data(text.utf8), "summary")
        #expect(text.contains("  failed:      removed vm r-web: " + Self.shownError + "\n"))
        #expect(text.contains(#"  not started: remove network r-\e[31mred"# + "\n"))
    }

    @Test func statusLinesShowWhatTheEngineReportsEscaped() {
        let nic = VMStatus.NIC(name: "eth0\u{1B}[2J", network: "a\r", ip: "10.0.0.10", mac: "02:42:0a:00:00:0a", defaultRoute: true, predicted: false)
        let view = VMStatus(hostname: "web", dockerName: "r-web\u{1B}]0;pwned\u{07}", state: "running\u{202E}", nics: [nic],
                            routes: ["default via 10.0.0.1 dev eth0\u{1B}[8m"])
        let text = RangeStatus.text([view], range: "r", endpoint: "unix:///run/\u{1B}docker.sock", apiVersion: "1.41")
        expectClean(Data(text.utf8), "status")
        #expect(text == """
            range r on unix:///run/\\edocker.sock (API 1.41)

              web  running\\u{202E}  r-web\\e]0;pwned\\a
                eth0\\e[2J a\\r  10.0.0.10        02:42:0a:00:00:0a  default route
                route default via 10.0.0.1 dev eth0\\e[8m

            """)
    }
}

/// Which NIC `status` marks as carrying the default route, from `ip route` inside the VM.
struct DefaultRouteInterfaceTests {
    @Test(arguments: [
        ("default via 10.0.1.1 dev eth0 \n10.0.1.0/24 dev eth0 scope link", "eth0"),
        // Podman: one per network at metric 100, and rangectl's at metric 0 through the primary.
        ("default via 10.0.1.1 dev eth0 \ndefault via 10.0.1.1 dev eth0  metric 100 \ndefault via 10.0.2.1 dev eth1  metric 100 ", "eth0"),
        ("default via 10.0.2.1 dev eth1  metric 100 \ndefault via 10.0.1.1 dev eth0  metric 50", "eth0"),
        ("default via 10.0.2.1 dev eth1  metric 100 \ndefault via 10.0.1.1 dev eth0  metric 100", "eth1"),
    ])
    func theLowestMetricWins(_ table: String, _ dev: String) {
        #expect(RangeStatus.defaultRouteInterface(table) == dev)
    }

    @Test func noDefaultRouteIsNone() {
        #expect(RangeStatus.defaultRouteInterface("10.0.1.0/24 dev eth0 scope link") == nil)
    }
}
