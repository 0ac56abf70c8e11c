import Foundation
import Testing
import TestSupport

/// No raw control character in any diagnostic, plan, status or progress line, whatever the
/// manifest holds (issue 8, item 7): manifests come from pull requests.
struct EscapingTests {
    /// YAML double-quoted escapes give real ESC, BEL, CR, NUL, C1 and U+202E characters.
    static let hostile = #"""
    version: 1
    name: tesc
    labels: {owner: "\e]0;label\a\r\0\u202E"}
    networks:
      - {name: a, subnet: 10.0.0.0/24}
    vms:
      - hostname: web
        image: busybox
        networks:
          - {network: a, ip: "\e]0;pwned\a"}
      - hostname: "h\e[2J\a\r\0\u202E"
        image: "img\e]0;x\a\r\0\u202E"
        networks: [a]
        env: {"K\e[31m\a\r\0\u202E": v}
        command: ["sh", "-c", "echo \e]0;cmd\a\r\0\u202E"]

    """#

    /// Valid, with the same characters where any text is allowed: env values, labels, commands, sysctls.
    static let valid = #"""
    version: 1
    name: tesc
    labels: {owner: "\e]0;label\a\r\0\u202E\N"}
    networks:
      - {name: a, subnet: 10.0.0.0/24}
    vms:
      - hostname: web
        image: busybox
        networks: [a]
        env: {ROLE: "\e]0;env\a\r\0\u202E\x7F"}
        sysctls: {net.ipv4.ip_forward: "1\e[2J"}
        command: ["sh", "-c", "echo \e]0;cmd\a\r\0\u202E\u2066"]

    """#

    @Test func validateShowsHostileValuesEscapedInItsDiagnostics() throws {
        let r = try rangectl("validate", "-", stdin: Data(Self.hostile.utf8))
        #expect(r.status == 1)
        expectClean(Data(r.stderr.utf8), "validate stderr")
        #expect(r.stderr.contains(#"<stdin>:10:26: error: '\e]0;pwned\a' is not an IPv4 address [invalid-ip]"#), "\(r.stderr)")
        #expect(r.stderr.contains(#"'h\e[2J\a\r\0\u{202E}'"#), "\(r.stderr)")
        #expect(r.stderr.contains(#"'img\e]0;x\a\r\0\u{202E}'"#), "\(r.stderr)")
        #expect(r.stderr.contains(#"K\e[31m\a\r\0\u{202E}"#), "\(r.stderr)")
        let plan = try rangectl("plan", "--offline", "-", stdin: Data(Self.hostile.utf8))
        #expect(plan.status == 1)
        #expect(plan.stderr == r.stderr)
    }

    @Test func jsonManifestsAreEscapedTheSameWay() throws {
        let json = #"{"version": 1, "name": "tesc", "networks": [{"name": "a", "subnet": "10.0.0.0/24"}], "#
            + #""vms": [{"hostname": "web", "image": "busybox", "networks": [{"network": "a", "ip": "\u001b]0;pwned\u0007"}]}]}"#
        let r = try rangectl("validate", "-", stdin: Data(json.utf8))
        #expect(r.status == 1)
        expectClean(Data(r.stderr.utf8), "validate stderr")
        #expect(r.stderr.contains(#"'\e]0;pwned\a' is not an IPv4 address [invalid-ip]"#), "\(r.stderr)")
    }

    @Test func jsonDiagnosticsAreSafeToPrintAndDecodeToTheValue() throws {
        let r = try rangectl("validate", "--json", "-", stdin: Data(Self.hostile.utf8))
        #expect(r.status == 1)
        expectClean(r.stdoutBytes, "validate --json")
        #expect(r.stdout.contains(#"'\u001b]0;pwned\u0007' is not an IPv4 address"#))
        let doc = try #require(try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any])
        let messages = (doc["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(messages.contains("'\u{1B}]0;pwned\u{07}' is not an IPv4 address"))
    }

    @Test func textAndJSONPlansHoldNoControlCharacter() throws {
        let text = try rangectl("plan", "--offline", "-", stdin: Data(Self.valid.utf8))
        #expect(text.status == 0, "\(text.stderr)")
        expectClean(text.stdoutBytes, "plan text")
        expectClean(Data(text.stderr.utf8), "plan stderr")
        #expect(text.stdout.contains("+ vm web  eth0 a 10.0.0.10 (primary)"))

        try withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("plan.json")
            let json = try rangectl("plan", "--offline", "--json", "--out", out.path, "-", stdin: Data(Self.valid.utf8))
            #expect(json.status == 0, "\(json.stderr)")
            let saved = try Data(contentsOf: out)
            for (bytes, what) in [(json.stdoutBytes, "plan --json"), (saved, "saved plan")] {
                expectClean(bytes, what)
                #expect(String(decoding: bytes, as: UTF8.self).contains(#"\u001b]0;cmd\u0007\r\u0000\u202e\u2066"#), "\(what)")
                let doc = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
                let vm = try #require((doc["vms"] as? [[String: Any]])?.first)
                #expect(vm["command"] as? [String] == ["sh", "-c", "echo \u{1B}]0;cmd\u{07}\r\0\u{202E}\u{2066}"])
                #expect(vm["env"] as? [String: String] == ["ROLE": "\u{1B}]0;env\u{07}\r\0\u{202E}\u{7F}"])
                #expect(vm["sysctls"] as? [String: String] == ["net.ipv4.ip_forward": "1\u{1B}[2J"])
                #expect(doc["labels"] as? [String: String] == ["owner": "\u{1B}]0;label\u{07}\r\0\u{202E}\u{85}"])
            }
        }
    }

    @Test func fileNamesAreEscapedInDiagnosticsAndInTheValidLine() throws {
        try withTemporaryDirectory { dir in
            let name = "lab\u{1B}]0;file\u{07}\u{202E}lmay"
            let bad = dir.appendingPathComponent("\(name).yaml")
            try Data(Self.hostile.utf8).write(to: bad)
            let r = try rangectl("validate", bad.path)
            #expect(r.status == 1)
            expectClean(Data(r.stderr.utf8), "stderr")
            let shown = dir.path + #"/lab\e]0;file\a\u{202E}lmay.yaml"#
            #expect(r.stderr.split(separator: "\n").allSatisfy { $0.hasPrefix(shown + ":") }, "\(r.stderr)")

            let good = dir.appendingPathComponent("\(name)-ok.yaml")
            try Data(Self.valid.utf8).write(to: good)
            let ok = try rangectl("validate", good.path)
            #expect(ok.status == 0, "\(ok.stderr)")
            expectClean(ok.stdoutBytes, "stdout")
            #expect(ok.stdout.hasPrefix(dir.path + #"/lab\e]0;file\a\u{202E}lmay-ok.yaml: valid: range tesc"#), "\(ok.stdout)")

            let missing = try rangectl("validate", dir.appendingPathComponent("\(name)-missing.yaml").path)
            expectClean(Data(missing.stderr.utf8), "stderr")
            #expect(missing.stderr.contains(#"lab\e]0;file\a\u{202E}lmay-missing.yaml': No such file"#), "\(missing.stderr)")
        }
    }

    @Test func usageErrorsEscapeTheArgumentTheyQuote() throws {
        let r = try rangectl("validate", "--no-such-flag\u{1B}]0;argv\u{07}\u{202E}", "x.yaml")
        #expect(r.status == 1)
        expectClean(Data(r.stderr.utf8), "usage error")
        #expect(r.stderr.contains(#"no-such-flag\e]0;argv\a\u{202E}"#), "\(r.stderr)")
    }
}

/// Fails the test when `bytes` hold a byte below 0x20 other than LF, DEL, a C1 control or a bidi control.
func expectClean(_ bytes: Data, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    if let b = bytes.first(where: { ($0 < 0x20 && $0 != 0x0A) || $0 == 0x7F }) {
        Issue.record("\(what): raw byte 0x\(String(b, radix: 16)) in \(String(decoding: bytes, as: UTF8.self).debugDescription)",
                     sourceLocation: sourceLocation)
    }
    let text = String(decoding: bytes, as: UTF8.self)
    if let s = text.unicodeScalars.first(where: { $0 != "\n" && ($0.properties.generalCategory == .control || $0.properties.isBidiControl) }) {
        Issue.record("\(what): raw U+\(String(s.value, radix: 16, uppercase: true)) in \(text.debugDescription)", sourceLocation: sourceLocation)
    }
}
