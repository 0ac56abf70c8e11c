import Plan
import RangeDiagnostics
import Testing
@testable import Verify

struct VerifyReportTests {
    static let results = [
        ProbeResult(probe: probe(.tcp, port: 22), outcome: .passed, note: "served by b itself"),
        ProbeResult(probe: probe(.tcp, port: 80, dialled: "10.200.0.100", listenPort: 8080), outcome: .blocked),
        ProbeResult(probe: probe(.udp, port: 53), outcome: .untestable("udp/53 is served by b itself: a UDP probe needs the port closed")),
    ]

    @Test func theMatrixNamesEveryProbeAndTheSummaryNamesWhatDiffers() {
        let report = VerifyReport(range: "t", results: Self.results, skipped: [SkippedProbe(why: "allow x -> y tcp/1", reason: "no VM")])
        #expect(!report.asDeclared)
        #expect(report.summary == "3 probes: 1 as declared, 1 differs: a -> b 10.200.0.100 tcp/80 (expected pass, seen blocked), 1 untestable, 1 not probed")
        let lines = report.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "verify range t")
        #expect(lines[2].hasPrefix("  SOURCE") && lines[2].contains("EXPECTED  SEEN"))
        #expect(lines[3].contains("b 10.200.0.2") && lines[3].contains("tcp/22") && lines[3].hasSuffix("test (served by b itself)"))
        #expect(lines[4].contains("b 10.200.0.100 (10.200.0.2:8080)") && lines[4].contains("BLOCKED"))
        #expect(report.text.contains("\nnot probed:\n  allow x -> y tcp/1: no VM\n"))
        #expect(report.text.hasSuffix("\n" + report.summary + "\n"))
    }

    @Test func everythingAsDeclaredExitsZeroAndTheJSONCarriesEachProbe() {
        let ok = VerifyReport(range: "t", results: [Self.results[0], Self.results[2]], skipped: [])
        #expect(ok.asDeclared && ok.summary == "2 probes: 1 as declared, 1 untestable")
        guard case let .object(fields) = VerifyReport(range: "t", results: Self.results, skipped: []).json,
              case let .array(probes)? = fields.first(where: { $0.0 == "probes" })?.1,
              case let .object(nat) = probes[1] else { Issue.record("no probes"); return }
        #expect(fields.first { $0.0 == "as_declared" }?.1 == .bool(false))
        #expect(nat.first { $0.0 == "listen_port" }?.1 == .int(8080) && nat.first { $0.0 == "seen" }?.1 == .string("blocked"))
        #expect(nat.first { $0.0 == "as_declared" }?.1 == .bool(false))
    }
}
