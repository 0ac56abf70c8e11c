import Plan

/// The shell commands and labels of policy setting, the same for every engine.
public enum PolicySetting {
    /// What the helper image must carry to apply and read a policy.
    public static let tools = ["iptables-restore", "iptables-save", "iptables", "ip"]

    /// Ends the restore text inside the helper's shell script (a heredoc: no line of the text can
    /// be this, it holds only rules and comments of names).
    static let endOfRules = "RANGECTL_END_OF_RULES"

    /// The shell command the helper runs: the restore, the jumps, the addresses, stopping at the
    /// first failure (a failed restore changes nothing: it is one transaction).
    public static func command(_ policy: RouterPolicy, removing: [PolicyAddress]) -> [String] {
        var lines = ["set -e", "iptables-restore -w --noflush <<'\(endOfRules)'", policy.restore + endOfRules]
        lines += policy.hookCommands
        for a in removing where !policy.addresses.contains(a) { lines.append("ip addr del \(a.ip)/32 dev \(a.interface) 2>/dev/null || true") }
        for a in policy.addresses {
            lines.append("ip addr replace \(a.ip)/32 dev \(a.interface)")
            // Neighbours may still map the address to the MAC of the router before a restart (it
            // has a new one, and the engine announces only its own addresses): tell them, when the
            // helper can (arping is optional).
            lines.append("if command -v arping >/dev/null 2>&1; then arping -U -c 1 -I \(a.interface) -s \(a.ip) \(a.ip) >/dev/null 2>&1 || true; fi")
        }
        return ["sh", "-c", lines.joined(separator: "\n")]
    }

    /// What `readPolicy` runs: the two tables, then the addresses (see `RouterPolicy.drift`).
    public static let readCommand = ["sh", "-c", "iptables-save -t filter && iptables-save -t nat && ip -4 -o addr show"]

    /// Prints each of `tools` the image lacks, one per line.
    public static func toolsCommand(_ tools: [String]) -> [String] {
        ["sh", "-c", "for t in \(tools.joined(separator: " ")); do command -v $t >/dev/null 2>&1 || echo $t; done"]
    }

    public static func markerName(_ vm: DesiredVM) -> String { EngineNames.policyMarker(vm.dockerName) }

    public static func markerLabels(_ vm: DesiredVM, _ policy: RouterPolicy, range: DesiredRange, containerID: String, startedAt: String) -> [KeyValue] {
        RangeLabels.common(range: range.name, instance: vm.instance, manifestLabels: range.labels) + [
            KeyValue(RangeLabels.policyOf, vm.hostname),
            KeyValue(RangeLabels.policyHash, policy.hash),
            KeyValue(RangeLabels.policyRules, policy.rules.joined(separator: "\n")),
            KeyValue(RangeLabels.policyAddresses, policy.addresses.map(\.description).joined(separator: ",")),
            KeyValue(RangeLabels.policySet, "\(containerID)@\(startedAt)"),
        ]
    }
}
