import Planner
import RangeDiagnostics
import Testing

/// Every conflict is reported at its later half, spanning the value it is about, with a note at
/// the earlier half; the message still names the earlier place, so it reads on its own.
struct NoteTests {
    typealias Case = DiagnosticTableTests.Case

    static let base = "version: 1\nname: t\n"

    static let cases: [Case] = [
        Case(name: "duplicate-name of a network", text: base + "networks:\n  - name: dmz\n    subnet: 10.0.0.0/24\n  - name: dmz\n    subnet: 10.0.1.0/24\nvms: []\n",
             expected: ["duplicate-name@6:11-6:14 network 'dmz' is already defined at line 4", "  note@4:11-4:14: first defined here"]),
        Case(name: "duplicate-name of a VM, case-insensitive", text: base + "networks: [{name: a, subnet: 10.0.0.0/24}]\nvms:\n  - {hostname: Web, image: b, networks: [a]}\n  - {hostname: web, image: b, networks: [a]}\n",
             expected: ["duplicate-name@6:16-6:19 VM hostname 'web' is already used at line 5 (hostnames are compared case-insensitively)",
                        "  note@5:16-5:19: first used here"]),
        Case(name: "duplicate-ip", text: base + "networks: [{name: a, subnet: 10.0.0.0/24}]\nvms:\n  - {hostname: h, image: b, network: a, ip: 10.0.0.5}\n  - {hostname: i, image: b, networks: [{network: a, ip: \"10.0.0.5\"}]}\n",
             expected: ["duplicate-ip@6:57-6:67 address 10.0.0.5 on network 'a' is already used at line 5", "  note@5:45-5:53: first used here"]),
        Case(name: "duplicate-interface on one line", text: base + "networks: [{name: a, subnet: 10.0.0.0/24}]\nvms:\n  - {hostname: h, image: b, networks: [a, {network: a}]}\n",
             expected: ["duplicate-interface@5:53-5:54 the VM is already attached to network 'a' at line 5, column 40", "  note@5:40-5:41: first attached here"]),
        Case(name: "subnet-overlap, the wider network first", text: base + "networks:\n  - {name: a, subnet: 10.0.0.0/16}\n  - {name: b, subnet: 10.0.5.0/24}\nvms: []\n",
             expected: ["subnet-overlap@5:23-5:34 subnet 10.0.5.0/24 of network 'b' overlaps 10.0.0.0/16 of network 'a' (line 4)",
                        "  note@4:23-4:34: subnet of network 'a' given here"]),
        Case(name: "subnet-overlap, the wider network later", text: base + "networks:\n  - {name: a, subnet: 10.0.5.0/24}\n  - {name: b, subnet: 10.0.0.0/16}\nvms: []\n",
             expected: ["subnet-overlap@5:23-5:34 subnet 10.0.0.0/16 of network 'b' overlaps 10.0.5.0/24 of network 'a' (line 4)",
                        "  note@4:23-4:34: subnet of network 'a' given here"]),
        Case(name: "duplicate-default-route", text: base + "networks: [{name: a, subnet: 10.0.0.0/24}]\nvms:\n  - hostname: h\n    image: b\n    networks: [a]\n    routes:\n      - {to: default, via: 10.0.0.1}\n      - {to: 0.0.0.0/0, via: 10.0.0.1}\n",
             expected: ["duplicate-default-route@10:14-10:23 a second default route; the first is at line 9", "  note@9:14-9:21: first default route here"]),
        Case(name: "duplicate-key", text: base + "networks: []\nvms: []\nvms: []\n",
             expected: ["duplicate-key@5:1-5:4 key 'vms' is repeated; it was first given at line 4 (the first value is used)", "  note@4:1-4:4: first given here"]),
        Case(name: "conflicting-fields", text: base + "networks: [{name: a, subnet: 10.0.0.0/24}]\nvms:\n  - {hostname: h, image: b, networks: [a], ip: 10.0.0.5}\n",
             expected: ["conflicting-fields@5:44-5:46 'ip' cannot be used together with 'networks' (line 5, column 29)", "  note@5:29-5:37: 'networks' is given here"]),
    ]

    @Test(arguments: cases)
    func conflictHasANoteAtItsEarlierHalf(_ c: Case) {
        #expect(Self.render(compile(c.text).diagnostics) == c.expected)
    }

    /// Any diagnostic whose message names another line has a note on that line: across the
    /// cases above and the whole table of diagnostic codes.
    @Test func everyMessageThatNamesALineHasANoteThere() throws {
        let texts = Self.cases.map(\.text) + DiagnosticTableTests.cases.map(\.text)
        var named = 0
        for text in texts {
            for d in compile(text).diagnostics {
                guard let match = d.message.firstMatch(of: /(?:at |\()line (\d+)/) else { continue }
                named += 1
                let line = try #require(Int(match.1))
                #expect(d.notes.contains { $0.location.line == line }, "\(d.code.rawValue): \(d.message)")
            }
        }
        #expect(named >= Self.cases.count)
    }

    static func render(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.flatMap { d in
            ["\(d.code.rawValue)@\(span(d.location)) \(d.message)"] + d.notes.map { "  note@\(span($0.location)): \($0.message)" }
        }
    }

    static func span(_ loc: RangeDiagnostics.SourceLocation?) -> String {
        guard let loc else { return "nowhere" }
        return "\(loc.line):\(loc.column)-\(loc.endLine):\(loc.endColumn)"
    }
}
