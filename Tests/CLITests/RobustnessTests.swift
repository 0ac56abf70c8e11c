import Foundation
import Testing
import TestSupport

/// No input crashes the tool: every hostile file ends in exit 1 with a located, coded diagnostic.
struct RobustnessTests {
    struct Input: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: Data
        var code: String
        var testDescription: String { name }
    }

    static func billionLaughs() -> String {
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for i in 1...12 {
            text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        return text
    }

    static let inputs: [Input] = [
        Input(name: "empty file", bytes: Data(), code: "type-mismatch"),
        Input(name: "only whitespace", bytes: Data("   \n\n".utf8), code: "type-mismatch"),
        Input(name: "binary bytes", bytes: Data((0..<512).map { UInt8(($0 * 7919) & 0xFF) }), code: "yaml-syntax"),
        Input(name: "invalid UTF-8", bytes: Data([0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x20, 0xC3, 0x28]), code: "yaml-syntax"),
        Input(name: "deep flow nesting", bytes: Data(String(repeating: "[", count: 200_000).utf8), code: "yaml-limit"),
        Input(name: "deep block nesting", bytes: Data((0..<3000).map { String(repeating: " ", count: $0) + "k:\n" }.joined().utf8), code: "yaml-limit"),
        Input(name: "alias bomb", bytes: Data(billionLaughs().utf8), code: "yaml-limit"),
        Input(name: "huge scalar as a name", bytes: Data(("version: 1\nname: " + String(repeating: "a", count: 10_000_000) + "\nnetworks: []\nvms: []\n").utf8), code: "out-of-range"),
        Input(name: "huge key", bytes: Data((String(repeating: "k", count: 2_000_000) + ": 1\n").utf8), code: "yaml-syntax"),
        Input(name: "scalar root", bytes: Data("42\n".utf8), code: "type-mismatch"),
        Input(name: "NUL in the middle", bytes: Data("version: 1\nname: a\u{0}b\n".utf8), code: "yaml-syntax"),
        Input(name: "integer overflow", bytes: Data("version: 99999999999999999999999\nname: t\nnetworks: []\nvms: []\n".utf8), code: "type-mismatch"),
        Input(name: "two documents", bytes: Data("version: 1\n---\nversion: 1\n".utf8), code: "yaml-syntax"),
    ]

    @Test(arguments: inputs)
    func hostileInputIsALocatedDiagnostic(_ input: Input) throws {
        for command in [["validate", "-"], ["plan", "--offline", "-"]] {
            let r = try run(rangectlBinary, command, stdin: input.bytes)
            #expect(r.status == 1, "\(input.name): exit \(r.status)")
            let first = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
            #expect(first.hasPrefix("<stdin>:"), "\(input.name): \(first.prefix(200))")
            #expect(first.hasSuffix("[\(input.code)]"), "\(input.name): \(first.prefix(200))")
            #expect(r.stderr.utf8.count < 20_000, "\(input.name): diagnostics must not echo huge input")
        }
    }

    @Test func sameManifestGivesByteIdenticalOutputAcrossProcesses() throws {
        // Swift seeds Dictionary and Set hashing per process; output must not depend on it.
        var text = "version: 1\nname: det\nlabels: {z: 1, a: 2, m: 3}\nnetworks:\n"
        for n in 0..<20 { text += "  - {name: n\(n), subnet: 10.\(100 + n).0.0/16}\n" }
        text += "vms:\n"
        for v in 0..<300 {
            text += "  - {hostname: vm\(v), image: busybox, networks: [n\(v % 20), n\((v * 7) % 20 == v % 20 ? (v + 1) % 20 : (v * 7) % 20)], env: {B: x, A: y, C: \(v)}, sysctls: {net.ipv4.ip_forward: 1}, cap_add: [NET_RAW, NET_ADMIN]}\n"
        }
        let input = Data(text.utf8)
        let first = try rangectl("plan", "--offline", "--json", "-", stdin: input)
        #expect(first.status == 0, "\(first.stderr)")
        for _ in 0..<3 {
            #expect(try rangectl("plan", "--offline", "--json", "-", stdin: input).stdoutBytes == first.stdoutBytes)
            #expect(try rangectl("plan", "--offline", "-", stdin: input).stdout == rangectl("plan", "--offline", "-", stdin: input).stdout)
        }
        #expect(first.stdout.contains("\"env\":{\"A\":\"y\",\"B\":\"x\",\"C\":\"0\"}"))
        #expect(first.stdout.contains("\"cap_add\":[\"NET_ADMIN\",\"NET_RAW\"]"))
    }
}
