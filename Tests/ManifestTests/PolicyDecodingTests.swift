import Manifest
import RangeDiagnostics
import Testing

/// `policy:` as the decoder reads it: every value kept as written and located; shape problems
/// (unknown keys, wrong types, bounds) reported by the decoder, everything else left to the planner.
struct PolicyDecodingTests {
    static let base = "version: 1\nname: t\nnetworks: []\nvms: []\n"

    static func read(_ policy: String) -> (RawPolicy?, [String]) {
        let (raw, diagnostics) = ManifestReader.read(Array((base + policy).utf8), file: "t.yaml")
        return (raw?.policy, diagnostics.map { "\($0.code.rawValue)@\($0.location?.line ?? 0):\($0.location?.column ?? 0)" })
    }

    @Test func everyValueIsKeptAsWrittenWithItsPlace() throws {
        let (policy, codes) = Self.read("""
        policy:
          default: allow
          allow:
            - {from: jumpbox, to: 10.0.2.0/24, ports: [tcp/22, icmp]}
          nat:
            - {on: internet, address: 172.16.0.100, port: tcp/80, to: web, to_port: 8080}
            - {on: internet, address: 172.16.0.100, port: udp/53, to: dns}

        """)
        #expect(codes == [])
        let p = try #require(policy)
        #expect(p.location.line == 6 && p.location.column == 3)
        #expect(p.defaultAction?.value == "allow" && p.defaultAction?.location.line == 6 && p.defaultAction?.location.column == 12)
        let rule = try #require(p.allow.first)
        #expect(rule.location.line == 8 && rule.location.column == 7)
        #expect(rule.from?.value == "jumpbox" && rule.to?.value == "10.0.2.0/24")
        #expect(rule.to?.location.column == 27)
        #expect(rule.ports?.value.map(\.value) == ["tcp/22", "icmp"])
        #expect(rule.ports?.location.column == 47)
        #expect(rule.ports?.value.map(\.location.column) == [48, 56])
        #expect(p.nat.count == 2)
        let nat = p.nat[0]
        #expect([nat.on?.value, nat.address?.value, nat.port?.value, nat.to?.value] == ["internet", "172.16.0.100", "tcp/80", "web"])
        #expect(nat.toPort?.value == 8080 && nat.toPort?.location.column == 77)
        #expect(p.nat[1].toPort == nil)
    }

    @Test func anAbsentPolicyIsNil() {
        let (policy, codes) = Self.read("")
        #expect(policy == nil && codes == [])
    }

    @Test func anEmptyPolicyHasNoRulesAndTheDefaultLeftToThePlanner() throws {
        let (policy, codes) = Self.read("policy: {}\n")
        #expect(codes == [])
        let p = try #require(policy)
        #expect(p.defaultAction == nil && p.allow.isEmpty && p.nat.isEmpty)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var policy: String
        var expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "policy is not a mapping", policy: "policy: [a]\n", expected: ["type-mismatch@5:9"]),
        Case(name: "unknown key in policy", policy: "policy: {deny: true}\n", expected: ["unknown-field@5:10"]),
        Case(name: "allow is not a list", policy: "policy: {allow: {from: a}}\n", expected: ["type-mismatch@5:17"]),
        Case(name: "a rule lacks to and ports", policy: "policy: {allow: [{from: a}]}\n", expected: ["missing-field@5:18", "missing-field@5:18"]),
        Case(name: "unknown key in a rule", policy: "policy: {allow: [{from: a, to: b, ports: [any], port: 1}]}\n", expected: ["unknown-field@5:49"]),
        Case(name: "ports is not a list", policy: "policy: {allow: [{from: a, to: b, ports: tcp/22}]}\n", expected: ["type-mismatch@5:42"]),
        Case(name: "a nat entry lacks its fields", policy: "policy: {nat: [{on: a}]}\n", expected: Array(repeating: "missing-field@5:16", count: 3)),
        Case(name: "to_port out of bounds", policy: "policy: {nat: [{on: a, address: 10.0.0.1, port: tcp/1, to: v, to_port: 70000}]}\n", expected: ["out-of-range@5:72"]),
        Case(name: "to_port is not an integer", policy: "policy: {nat: [{on: a, address: 10.0.0.1, port: tcp/1, to: v, to_port: \"80\"}]}\n", expected: ["type-mismatch@5:72"]),
        Case(name: "on is not a network name", policy: "policy: {nat: [{on: Internet, address: 10.0.0.1, port: tcp/1, to: v}]}\n", expected: ["invalid-name@5:21"]),
        Case(name: "a typo gets a suggestion's code", policy: "policy: {defualt: deny}\n", expected: ["unknown-field@5:10"]),
    ]

    @Test(arguments: cases)
    func shapeProblemsAreReportedAtTheirPlace(_ c: Case) {
        #expect(Self.read(c.policy).1 == c.expected)
    }

    @Test func theSchemaPublishesThePolicyDefinitions() {
        let text = JSONSchemaGenerator.document().serialized()
        for name in ["\"policy\"", "\"policy_rule\"", "\"nat_rule\"", "#/$defs/policy", "#/$defs/nat_rule"] {
            #expect(text.contains(name), "\(name)")
        }
    }
}
