import Testing

/// Every diagnostic code the offline compiler owns, each with the line and column it must point at.
struct DiagnosticTableTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var expected: [String]
        var testDescription: String { name }
    }

    static let base = "version: 1\nname: t\n"

    static let cases: [Case] = [
        Case(name: "yaml-syntax at libyaml's position", text: "version: 1\nname: [t\n", expected: ["yaml-syntax@3:1"]),
        Case(name: "yaml-syntax for a bad indentation", text: "version: 1\n  name: t\n", expected: ["yaml-syntax@2:7"]),
        Case(name: "duplicate-key at the repeated key", text: base + "networks: []\nvms: []\nname: u\n", expected: ["duplicate-key@5:1"]),
        Case(name: "unknown-field", text: base + "networks: []\nvms: []\nnetwork: []\n", expected: ["unknown-field@5:1"]),
        Case(name: "missing-field at the mapping start", text: base + "networks:\n  - name: a\nvms: []\n", expected: ["missing-field@4:5"]),
        Case(name: "missing top-level fields at the root", text: "version: 1\n", expected: ["missing-field@1:1", "missing-field@1:1", "missing-field@1:1"]),
        Case(name: "type-mismatch on an integer field", text: base + "networks: []\nvms:\n  - {hostname: a, image: b, networks: [], cpu: \"2\"}\n", expected: ["no-interfaces@5:39", "type-mismatch@5:48"]),
        Case(name: "type-mismatch on an empty file", text: "", expected: ["type-mismatch@1:1"]),
        Case(name: "type-mismatch on a list root", text: "- a\n", expected: ["type-mismatch@1:1"]),
        Case(name: "out-of-range", text: base + "networks: [{name: a, subnet: 10.0.0.0/24}]\nvms:\n  - {hostname: h, image: b, networks: [a], ram_mb: 100}\n", expected: ["out-of-range@5:52"]),
        Case(name: "invalid-name on the range", text: "version: 1\nname: Lab\nnetworks: []\nvms: []\n", expected: ["invalid-name@2:7"]),
        Case(name: "duplicate-name of a network", text: base + "networks:\n  - {name: a, subnet: 10.0.0.0/24}\n  - {name: a, subnet: 10.0.1.0/24}\nvms: []\n", expected: ["duplicate-name@5:12"]),
        Case(name: "duplicate-name of a VM, case-insensitive", text: base + "networks: [{name: a, subnet: 10.0.0.0/24}]\nvms:\n  - {hostname: Web, image: b, networks: [a]}\n  - {hostname: web, image: b, networks: [a]}\n", expected: ["duplicate-name@6:16"]),
        Case(name: "duplicate-name of a VM given twice through an alias", text: base + "networks: [{name: a, subnet: 10.0.0.0/24}]\nvms:\n  - &w {hostname: web, image: b, networks: [a]}\n  - *w\n", expected: ["duplicate-name@5:19"]),
        Case(name: "invalid-cidr with host bits", text: base + "networks: [{name: a, subnet: 10.0.0.1/24}]\nvms: []\n", expected: ["invalid-cidr@3:30"]),
        Case(name: "invalid-cidr with a /31", text: base + "networks: [{name: a, subnet: 10.0.0.0/31}]\nvms: []\n", expected: ["invalid-cidr@3:30"]),
        Case(name: "subnet-overlap at the later network", text: base + "networks:\n  - {name: a, subnet: 10.0.0.0/16}\n  - {name: b, subnet: 10.0.5.0/24}\nvms: []\n", expected: ["subnet-overlap@5:23"]),
        Case(name: "subnet-overlap when the wider network comes later", text: base + "networks:\n  - {name: a, subnet: 10.0.5.0/24}\n  - {name: b, subnet: 10.0.0.0/16}\nvms: []\n", expected: ["subnet-overlap@5:23"]),
        Case(name: "gateway-outside-subnet", text: base + "networks: [{name: a, subnet: 10.0.0.0/24, gateway: 10.0.1.1}]\nvms: []\n", expected: ["gateway-outside-subnet@3:52"]),
        Case(name: "gateway on the broadcast address", text: base + "networks: [{name: a, subnet: 10.0.0.0/24, gateway: 10.0.0.255}]\nvms: []\n", expected: ["gateway-outside-subnet@3:52"]),
        Case(name: "invalid-ip gateway", text: base + "networks: [{name: a, subnet: 10.0.0.0/24, gateway: 10.0.0.01}]\nvms: []\n", expected: ["invalid-ip@3:52"]),
        Case(name: "invalid-ip static", text: base + "networks: [{name: a, subnet: 10.0.0.0/24}]\nvms:\n  - {hostname: h, image: b, networks: [{network: a, ip: 10.0.0}]}\n", expected: ["invalid-ip@5:57"]),
        Case(name: "ip-outside-subnet", text: base + "networks: [{name: a, subnet: 10.0.0.0/24}]\nvms:\n  - {hostname: h, image: b, networks: [{network: a, ip: 10.0.1.5}]}\n", expected: ["ip-outside-subnet@5:57"]),
        Case(name: "ip-reserved: the gateway", text: base + "networks: [{name: a, subnet: 10.0.0.0/24}]\nvms:\n  - {hostname: h, image: b, networks: [{network: a, ip: 10.0.0.1}]}\n", expected: ["ip-reserved@5:57"]),
        Case(name: "ip-reserved: the network address", text: base + "networks: [{name: a, subnet: 10.0.0.0/24}]\nvms:\n  - {hostname: h, image: b, network: a, ip: 10.0.0.0}\n", expected: ["ip-reserved@5:45"]),
        Case(name: "duplicate-ip at the later interface", text: base + "networks: [{name: a, subnet: 10.0.0.0/24}]\nvms:\n  - {hostname: h, image: b, network: a, ip: 10.0.0.5}\n  - {hostname: i, image: b, network: a, ip: 10.0.0.5}\n", expected: ["duplicate-ip@6:45"]),
        Case(name: "unknown-network", text: base + "networks: []\nvms:\n  - {hostname: h, image: b, networks: [nowhere]}\n", expected: ["unknown-network@5:40"]),
        Case(name: "duplicate-interface", text: base + "networks: [{name: a, subnet: 10.0.0.0/24}]\nvms:\n  - {hostname: h, image: b, networks: [a, a]}\n", expected: ["duplicate-interface@5:43"]),
        Case(name: "no-interfaces without any network field", text: base + "networks: []\nvms:\n  - {hostname: h, image: b}\n", expected: ["no-interfaces@5:5"]),
        Case(name: "no-interfaces with an empty list", text: base + "networks: []\nvms:\n  - hostname: h\n    image: b\n    networks: []\n", expected: ["no-interfaces@7:15"]),
        Case(name: "conflicting-fields at the later key", text: base + "networks: [{name: a, subnet: 10.0.0.0/24}]\nvms:\n  - hostname: h\n    image: b\n    networks: [a]\n    network: a\n", expected: ["conflicting-fields@8:5"]),
        Case(name: "missing-field: ip without network", text: base + "networks: []\nvms:\n  - hostname: h\n    image: b\n    ip: 10.0.0.5\n", expected: ["missing-field@5:5"]),
        Case(name: "pool-exhausted at the VM that found it empty", text: base + "networks: [{name: a, subnet: 10.0.0.0/28}]\nvms:\n" + (1...6).map { "  - {hostname: h\($0), image: b, networks: [a]}\n" }.joined(), expected: ["pool-exhausted@10:41"]),
        Case(name: "unsupported-version", text: "version: 2\nname: t\nnetworks: []\nvms: []\n", expected: ["unsupported-version@1:10"]),
        Case(name: "yaml-limit for nesting", text: String(repeating: "[", count: 200), expected: ["yaml-limit@1:65"]),
        Case(name: "out-of-range reserved for the subnet", text: base + "networks: [{name: a, subnet: 10.0.0.0/29, reserved: 6}]\nvms: []\n", expected: ["out-of-range@3:53"]),
        Case(name: "reserved label keys", text: base + "labels: {io.rangectl.managed: x}\nnetworks: []\nvms: []\n", expected: ["invalid-name@3:10"]),
    ]

    @Test(arguments: cases)
    func reportsCodeAtPlace(_ c: Case) {
        #expect(codes(c.text) == c.expected)
    }

    @Test func everyErrorIsReportedInOneRun() {
        let text = """
        version: 3
        name: Bad
        networks:
          - {name: a, subnet: 10.0.0.0/33}
          - {name: a, subnet: 10.0.1.0/24}
        vms:
          - {hostname: h, image: b, networks: [x], cpu: 0}
        """
        #expect(codes(text) == ["unsupported-version@1:10", "invalid-name@2:7", "invalid-cidr@4:23", "duplicate-name@5:12",
                                "unknown-network@7:40", "out-of-range@7:49"])
    }

    @Test func conflictNamesTheEarlierLine() {
        let text = Self.base + "networks: [{name: a, subnet: 10.0.0.0/24}]\nvms:\n  - {hostname: h, image: b, network: a, ip: 10.0.0.5}\n  - {hostname: i, image: b, network: a, ip: 10.0.0.5}\n"
        let d = compile(text).diagnostics
        #expect(d.count == 1)
        #expect(d.first?.message.contains("line 5") == true)
    }

    @Test func typoGetsASuggestion() {
        let d = compile(Self.base + "networks: [{name: a, subnet: 10.0.0.0/24, gatewya: 10.0.0.1}]\nvms: []\n").diagnostics
        #expect(d.map(\.message) == ["unknown field 'gatewya' in a network; did you mean 'gateway'?"])
    }
}
