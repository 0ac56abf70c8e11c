/// A jump from a built-in chain into one of rangectl's own chains. The restore text cannot add it
/// idempotently (see `PolicyCompiler`), so it is ensured apart: checked with `-C`, inserted at the
/// top only when missing. It never changes, so it is added once and the policy lives in the chain.
public struct PolicyHook: Hashable, Sendable {
    public var table: String
    /// The built-in chain that jumps (`FORWARD`, `PREROUTING`).
    public var chain: String
    /// rangectl's chain it jumps to; it must exist first, so the hook runs after the restore.
    public var target: String

    public init(table: String, chain: String, target: String) {
        self.table = table
        self.chain = chain
        self.target = target
    }

    /// The rule as `iptables -S` prints it (what a live check compares).
    public var rule: String { "-A \(chain) -j \(target)" }

    /// One shell line: add the jump at the top of `chain` unless it is there. Run twice, it leaves
    /// one jump; the built-in chain's other rules (the image's own) are never touched.
    public var command: String {
        "iptables -w -t \(table) -C \(chain) -j \(target) 2>/dev/null || iptables -w -t \(table) -I \(chain) 1 -j \(target)"
    }
}
