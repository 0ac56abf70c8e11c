import Foundation
import Testing
import TestSupport

/// Env values whose name looks secret (*PASSWORD*, *TOKEN*, *SECRET*, *KEY*) never show in plan output.
struct SecretsTests {
    static let manifest = Data("""
        version: 1
        name: tsec
        networks: [{name: a, subnet: 10.200.5.0/24}]
        vms:
          - {hostname: v, image: busybox, networks: [a], env: {DB_PASSWORD: hunter2, api_token: t0k3n, SSH_KEY: k3y, MY_SECRET_SAUCE: s4uce, PORT: 8080}}

        """.utf8)
    static let secrets = ["hunter2", "t0k3n", "k3y", "s4uce"]

    @Test func jsonAndTextPlansShowSensitiveValuesAsPlaceholders() throws {
        let json = try rangectl("plan", "--offline", "--json", "-", stdin: Self.manifest)
        #expect(json.status == 0)
        let doc = try #require(try JSONSerialization.jsonObject(with: json.stdoutBytes) as? [String: Any])
        let env = try #require(((doc["vms"] as? [[String: Any]])?.first?["env"]) as? [String: String])
        #expect(env == ["DB_PASSWORD": "(sensitive)", "api_token": "(sensitive)", "SSH_KEY": "(sensitive)",
                        "MY_SECRET_SAUCE": "(sensitive)", "PORT": "8080"])
        let text = try rangectl("plan", "--offline", "-", stdin: Self.manifest)
        for s in Self.secrets {
            #expect(!json.stdout.contains(s) && !json.stderr.contains(s) && !text.stdout.contains(s) && !text.stderr.contains(s))
        }
    }

    @Test func savedPlanKeepsThemForApplyAndOnlyItsOwnerCanReadIt() throws {
        try withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("plan.json")
            let r = try rangectl("plan", "--offline", "--out", out.path, "-", stdin: Self.manifest)
            #expect(r.status == 0)
            #expect(try String(contentsOf: out, encoding: .utf8).contains("hunter2"))
            let mode = try FileManager.default.attributesOfItem(atPath: out.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test func aPlanCopiedFromJSONOutputIsRefusedRatherThanApplyingPlaceholders() throws {
        try withTemporaryDirectory { dir in
            let copied = dir.appendingPathComponent("copied.json")
            var doc = try #require(try JSONSerialization.jsonObject(with: try rangectl("plan", "--offline", "--json", "-", stdin: Self.manifest).stdoutBytes) as? [String: Any])
            doc["fingerprint"] = "0000000000000000"
            try JSONSerialization.data(withJSONObject: doc).write(to: copied)
            let r = try rangectl("apply", "--auto-approve", "--host", "unix:///nonexistent.sock", copied.path)
            #expect(r.status == 1)
            #expect(r.stderr.contains("(sensitive) placeholders"))
        }
    }
}
