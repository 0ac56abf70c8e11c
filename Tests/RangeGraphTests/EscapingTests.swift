import Foundation
import Plan
import RangeDiagnostics
@testable import RangeGraph
import Testing
import TestSupport

/// Names a manifest's planner would refuse, but a graph is drawn from any `Topology`: every one
/// must come out of each format as text, never as syntax.
let hostileNames = [
    "web01", "a\"b", "\"", "<b>bold</b>", "R&D &amp; #quot;", "\\N \\G \\L \\\\", "ends with a backslash\\",
    "{braces} [brackets] (parens) |pipes|", "`code` *em* _under_ ~strike~", "%%{init: {}}%%", "end", "a; b --> c",
    "日本語 é 🙂 👩‍👩‍👧", "esc\u{1B}]0;title\u{07}", "line\nbreak\r\ttab", "\u{202E}reversed", "nul\u{0}del\u{7F}c1\u{9B}",
    "C:\\temp\u{1B}",
]

struct DOTEscapingTests {
    @Test(arguments: [
        ("web01", "web01"),
        ("a\"b", "a&quot;b"),
        ("<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"),
        ("R&D &amp;", "R&amp;D &amp;amp;"),
        // Graphviz reads \N, \G, \\ in HTML-like labels too: a backslash is doubled.
        ("\\N \\\\", "\\\\N \\\\\\\\"),
        ("ends with a backslash\\", "ends with a backslash\\\\"),
        ("{braces} [brackets] |pipes|", "{braces} [brackets] |pipes|"),
        ("日本語 é 🙂", "日本語 é 🙂"),
        // Controls are made visible first (TextEscaping), then their backslash doubled.
        ("esc\u{1B}]0;title\u{07}", "esc\\\\e]0;title\\\\a"),
        ("line\nbreak", "line\\\\nbreak"),
        ("\u{202E}reversed", "\\\\u{202E}reversed"),
        ("C:\\temp\u{1B}", "C:\\\\\\\\temp\\\\e"),
    ])
    func escapes(_ row: (input: String, escaped: String)) {
        #expect(DOTEscaping.html(row.input) == row.escaped)
    }

    @Test(arguments: hostileNames)
    func neverLeavesSyntaxOrControlsInALabel(_ name: String) {
        let out = DOTEscaping.html(name)
        #expect(!out.unicodeScalars.contains { TextEscaping.isEscaped($0) || "<>\"".unicodeScalars.contains($0) }, "\(out)")
        // Every & starts one of the four entities; backslashes come in pairs.
        let amps = out.components(separatedBy: "&").dropFirst()
        #expect(amps.allSatisfy { a in ["amp;", "lt;", "gt;", "quot;"].contains { a.hasPrefix($0) } }, "\(out)")
        #expect(out.split(separator: "\\", omittingEmptySubsequences: false).dropFirst().enumerated().allSatisfy { i, part in i % 2 == 1 || part.isEmpty }, "\(out)")
    }

    /// What Graphviz itself shows: each hostile name, as a VM's hostname, a network's name and a
    /// NIC's interface name, comes out of `dot -Tsvg` as the text rangectl shows everywhere
    /// (`TextEscaping.visible`), neither interpreted nor broken.
    @Test(.enabled(if: dotPath != nil || ProcessInfo.processInfo.environment["CI"] == "true", "Graphviz's dot is not installed"))
    func graphvizShowsEachNameAsWritten() throws {
        let topology = hostileTopology()
        let dot = try #require(dotPath, "Graphviz's dot is not on PATH (scripts/setup.sh installs it)")
        let svg = try run(dot, ["-Tsvg"], stdin: Data(DOTRenderer.render(topology).utf8))
        #expect(svg.status == 0, "\(svg.stderr)")
        let texts = Set(svgTexts(svg.stdout))
        for name in hostileNames {
            #expect(texts.contains(TextEscaping.visible(name)), "\(TextEscaping.visible(name)) not among \(texts.sorted())")
        }
        #expect(texts.contains(TextEscaping.visible("\(hostileNames[1]) 10.0.2.10 (primary)")))
    }
}

struct MermaidEscapingTests {
    @Test(arguments: [
        ("web01", "web01"),
        ("busybox:latest", "busybox:latest"),
        ("10.0.0.0/24 (primary, gateway)", "10.0.0.0/24 (primary, gateway)"),
        ("a\"b", "a#34;b"),
        // An entity code as written stays text: its # is encoded.
        ("#quot;", "#35;quot#59;"),
        ("<br>", "#60;br#62;"),
        ("R&D", "R#38;D"),
        ("a|b", "a#124;b"),
        ("`code` *em* _under_", "#96;code#96; #42;em#42; #95;under#95;"),
        ("%%{init}%%", "#37;#37;#123;init#125;#37;#37;"),
        ("back\\slash", "back#92;slash"),
        ("日本語 é 🙂", "日本語 é 🙂"),
        ("esc\u{1B}", "esc#92;e"),
        ("line\nbreak", "line#92;nbreak"),
        ("\u{202E}x", "#92;u#123;202E#125;x"),
    ])
    func escapes(_ row: (input: String, escaped: String)) {
        #expect(MermaidEscaping.text(row.input) == row.escaped)
    }

    @Test(arguments: hostileNames)
    func neverLeavesSyntaxOrControlsInALabel(_ name: String) {
        let out = MermaidEscaping.text(name)
        #expect(!out.unicodeScalars.contains { TextEscaping.isEscaped($0) }, "\(out)")
        let ascii = out.unicodeScalars.filter(\.isASCII)
        #expect(ascii.allSatisfy { MermaidEscaping.kept($0) || $0 == "#" || $0 == ";" }, "\(out)")
        // Every # starts a decimal entity code.
        let hashes = out.components(separatedBy: "#").dropFirst()
        #expect(hashes.allSatisfy { h in
            let digits = h.prefix { $0.isASCII && $0.isNumber }
            return !digits.isEmpty && h.dropFirst(digits.count).hasPrefix(";")
        }, "\(out)")
    }
}

/// Hostile names everywhere a topology holds text, and the whole rendering checked line by line.
struct HostileRenderingTests {
    @Test func dotLabelsStayBalancedAndHoldNoControls() {
        let dot = DOTRenderer.render(hostileTopology())
        #expect(!dot.unicodeScalars.contains { $0 != "\n" && TextEscaping.isEscaped($0) })
        for line in dot.split(separator: "\n") {
            #expect(line.filter { $0 == "<" }.count == line.filter { $0 == ">" }.count, "\(line)")
        }
    }

    @Test func mermaidLabelsStayQuotedAndHoldNoControls() {
        let text = MermaidRenderer.render(hostileTopology())
        #expect(!text.unicodeScalars.contains { $0 != "\n" && TextEscaping.isEscaped($0) })
        for line in text.split(separator: "\n") {
            #expect(line.filter { $0 == "\"" }.count % 2 == 0, "\(line)")
            // Only rangectl's own <b> and <br> tags.
            let tags = line.replacingOccurrences(of: "<b>", with: "").replacingOccurrences(of: "</b>", with: "").replacingOccurrences(of: "<br>", with: "")
            #expect(!tags.contains("<") && !tags.contains(">"), "\(line)")
        }
    }
}

/// Graphviz's dot on PATH, when installed.
let dotPath: URL? = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
    .map { URL(fileURLWithPath: String($0)).appendingPathComponent("dot") }
    .first { FileManager.default.isExecutableFile(atPath: $0.path) }

/// One network and one VM per hostile name, the name everywhere text goes (live, so states and
/// strays show too).
func hostileTopology() -> Topology {
    var networks: [Topology.Network] = []
    var vms: [Topology.VM] = []
    for (i, name) in hostileNames.enumerated() {
        let subnet = IPv4Subnet(network: IPv4Address(UInt32(0x0A00_0000) | UInt32(i + 1) << 8), prefixLength: 24)
        networks.append(.init(name: name, subnet: subnet, gateway: subnet.firstHost, internal: i % 2 == 0, router: i % 3 == 0 ? name : nil))
        let link = Topology.Link(network: name, interface: name, address: subnet.address(atOffset: 10), primary: true, gateway: false, state: .asPlanned)
        vms.append(.init(hostname: name, image: name, role: i % 3 == 0 ? .router : .host, host: name, state: .other(name), links: [link],
                         strays: [.init(interface: name, network: name, address: nil)]))
    }
    return Topology(range: hostileNames[1], networks: networks, vms: vms, live: true)
}

/// The text of each `<text>` element of an SVG document, its XML entities decoded.
func svgTexts(_ svg: String) -> [String] {
    var out: [String] = []
    var rest = Substring(svg)
    while let open = rest.range(of: "<text"), let close = rest[open.upperBound...].range(of: ">"),
          let end = rest[close.upperBound...].range(of: "</text>") {
        out.append(xmlDecoded(String(rest[close.upperBound..<end.lowerBound])))
        rest = rest[end.upperBound...]
    }
    return out
}

func xmlDecoded(_ s: String) -> String {
    var out = ""
    var rest = Substring(s)
    while let amp = rest.firstIndex(of: "&") {
        out += rest[..<amp]
        guard let semi = rest[amp...].firstIndex(of: ";") else { break }
        let entity = rest[rest.index(after: amp)..<semi]
        switch entity {
        case "amp": out += "&"
        case "lt": out += "<"
        case "gt": out += ">"
        case "quot": out += "\""
        case "apos": out += "'"
        default:
            let hex = entity.hasPrefix("#x"), digits = entity.dropFirst(hex ? 2 : 1)
            if entity.hasPrefix("#"), let v = UInt32(digits, radix: hex ? 16 : 10), let scalar = Unicode.Scalar(v) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "&\(entity);"
            }
        }
        rest = rest[rest.index(after: semi)...]
    }
    return out + rest
}
