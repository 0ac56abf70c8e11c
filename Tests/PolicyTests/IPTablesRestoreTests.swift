import Foundation
import PlannerSupport
import Policy
import TestSupport
import Testing

/// Each golden fed to the real `iptables-restore`, inside a network namespace made for the test
/// (`unshare -n`: the host's firewall is never touched, and the namespace goes with the process).
/// Checks that the text parses (`--test`), that applying it twice with the hooks leaves one jump
/// from each built-in chain and the image's own rules in place, that `iptables-save` prints the
/// chains exactly as written, and that a re-apply replaces the chains' contents. Needs root,
/// `unshare` and Debian's `iptables` (`apt-get install iptables`, which scripts/setup.sh installs);
/// skipped without them, except in CI (`CI=true`), where a missing tool fails the suite.
@Suite(.enabled(if: netnsTools != nil || ProcessInfo.processInfo.environment["CI"] == "true",
                "needs root, unshare and iptables-restore (apt-get install iptables) to make a network namespace"))
struct IPTablesRestoreTests {
    static let examples = policyExamples()

    /// Runs `script` in a new network namespace with `FILE` set to `rules` (and `EMPTY` to the
    /// rules of a range without a policy); returns what it printed.
    static func inNamespace(_ script: String, rules: String, empty: String) throws -> RunResult {
        let tools = try #require(netnsTools)
        return try withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("policy.rules"), emptyFile = dir.appendingPathComponent("empty.rules")
            try rules.write(to: file, atomically: true, encoding: .utf8)
            try empty.write(to: emptyFile, atomically: true, encoding: .utf8)
            return try run(tools.unshare, ["-n", "/bin/sh", "-ec", "export PATH=/usr/sbin:/sbin:$PATH\n" + script],
                           environment: ["FILE": file.path, "EMPTY": emptyFile.path])
        }
    }

    /// The rule lines of `chain` in restore or save text (comments and declarations left out).
    static func lines(_ text: String, chain: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("-A \(chain) ") }
    }

    @Test(arguments: examples)
    func appliesTwiceWithOneJumpAndSavesAsWritten(_ example: String) throws {
        let desired = try exampleRange(example)
        let withoutPolicy = { var d = desired; d.policy = nil; return d }()
        for router in PolicyCompiler.routers(in: desired) {
            let rules = PolicyCompiler.rules(for: router, in: desired)
            let hooks = PolicyCompiler.hooks.map(\.command).joined(separator: "\n")
            let r = try Self.inNamespace("""
                iptables-restore --test --noflush "$FILE"
                iptables -A FORWARD -s 192.0.2.0/24 -j ACCEPT
                iptables -t nat -A PREROUTING -s 192.0.2.0/24 -j RETURN
                iptables -t nat -A POSTROUTING -s 192.0.2.0/24 -j RETURN
                iptables-restore --noflush "$FILE"
                \(hooks)
                iptables-restore --noflush "$FILE"
                \(hooks)
                iptables-save
                echo '=== without policy'
                iptables-restore --noflush "$EMPTY"
                \(hooks)
                iptables-save
                """, rules: rules, empty: PolicyCompiler.rules(for: router, in: withoutPolicy))
            #expect(r.status == 0, "\(example) \(router): \(r.stderr)")
            let parts = r.stdout.components(separatedBy: "=== without policy")
            try #require(parts.count == 2, "\(r.stdout)")
            let (applied, emptied) = (parts[0], parts[1])
            for hook in PolicyCompiler.hooks {
                // One jump, at the top; the image's own rule after it, untouched.
                #expect(Self.lines(applied, chain: hook.chain).first == hook.rule, "\(applied)")
                #expect(Self.lines(applied, chain: hook.chain).filter { $0 == hook.rule }.count == 1, "\(applied)")
                #expect(Self.lines(applied, chain: hook.chain).count == 2, "\(applied)")
                #expect(Self.lines(emptied, chain: hook.chain).filter { $0 == hook.rule }.count == 1, "\(emptied)")
            }
            for chain in [PolicyCompiler.forwardChain, PolicyCompiler.preroutingChain, PolicyCompiler.postroutingChain] {
                #expect(Self.lines(applied, chain: chain) == Self.lines(rules, chain: chain), "\(example) \(router) \(chain): iptables-save prints it otherwise")
                #expect(Self.lines(emptied, chain: chain) == [], "\(emptied)")
            }
            #expect(!Self.lines(rules, chain: PolicyCompiler.forwardChain).isEmpty)
        }
    }

    @Test func aFailingRestoreLeavesTheAppliedPolicy() throws {
        let desired = try exampleRange("manifests/segmented-policy.yaml")
        let rules = PolicyCompiler.rules(for: "firewall", in: desired)
        let broken = rules.replacingOccurrences(of: "-j DROP\nCOMMIT", with: "-j DROP\n-A \(PolicyCompiler.forwardChain) -j NO-SUCH-CHAIN\nCOMMIT")
        let r = try Self.inNamespace("""
            iptables-restore --noflush "$FILE"
            ! iptables-restore --noflush "$EMPTY" 2>/dev/null
            iptables-save
            """, rules: rules, empty: broken)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.lines(r.stdout, chain: PolicyCompiler.forwardChain) == Self.lines(rules, chain: PolicyCompiler.forwardChain))
    }
}
