import Foundation
import Plan
import PlannerSupport
import Policy
import TestSupport
import Testing

/// The iptables-restore text of every router of every example with a policy, compared byte for
/// byte with checked-in goldens. Re-record on purpose with
/// `RANGECTL_RECORD_GOLDEN=1 swift test --filter PolicyGoldenTests`, then review the diff; a
/// golden file is never written when the variable is unset.
struct PolicyGoldenTests {
    static let goldenDir = packageRoot.appendingPathComponent("Tests/PolicyTests/Golden")
    static let recording = ProcessInfo.processInfo.environment["RANGECTL_RECORD_GOLDEN"] == "1"
    static let examples = policyExamples()

    /// `<example>.<router>.rules` for each router of the example.
    static func goldens(_ example: String) throws -> [(router: String, file: String)] {
        let base = URL(fileURLWithPath: example).deletingPathExtension().lastPathComponent
        return PolicyCompiler.routers(in: try exampleRange(example)).map { ($0, "\(base).\($0).rules") }
    }

    @Test func thereIsAnExampleWithAPolicy() {
        #expect(Self.examples.contains("manifests/segmented-policy.yaml"))
    }

    @Test(.disabled(if: recording, "recording writes the goldens this test looks for"))
    func everyGoldenBelongsToARouterOfAnExample() throws {
        let expected = try Self.examples.flatMap { try Self.goldens($0).map(\.file) }.sorted()
        let present = try FileManager.default.contentsOfDirectory(atPath: Self.goldenDir.path).filter { $0.hasSuffix(".rules") }.sorted()
        #expect(present == expected)
    }

    @Test(arguments: examples)
    func rulesOfEveryRouter(_ example: String) throws {
        let desired = try exampleRange(example)
        for (router, file) in try Self.goldens(example) {
            try compare(PolicyCompiler.rules(for: router, in: desired), golden: file)
        }
    }

    func compare(_ actual: String, golden: String) throws {
        let url = Self.goldenDir.appendingPathComponent(golden)
        if Self.recording {
            try FileManager.default.createDirectory(at: Self.goldenDir, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "\(golden) differs; re-record with RANGECTL_RECORD_GOLDEN=1 if the change is intended")
    }
}
