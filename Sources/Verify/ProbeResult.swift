/// What a probe saw, and whether that is what the policy declares.
public enum ProbeOutcome: Hashable, Sendable {
    /// The traffic got through.
    case passed
    /// It did not, within the deadline.
    case blocked
    /// The probe could not tell, for a reason that is the range's, not rangectl's: a UDP port the
    /// destination already serves. Reported; it does not fail `verify`.
    case untestable(String)
    /// The probe itself failed (a helper did not start, printed no verdict): fails `verify`.
    case failed(String)
}

/// One probe and what it saw.
public struct ProbeResult: Hashable, Sendable {
    public var probe: Probe
    public var outcome: ProbeOutcome
    /// A remark that does not change the verdict: `served by db01 itself` when the listener
    /// found the port held and the client reached the VM's own service.
    public var note: String?

    public init(probe: Probe, outcome: ProbeOutcome, note: String? = nil) {
        self.probe = probe
        self.outcome = outcome
        self.note = note
    }

    /// `pass`, `blocked`, `untestable` or `error`, as the report's SEEN column shows it.
    public var seen: String {
        switch outcome {
        case .passed: return ProbeExpectation.pass.rawValue
        case .blocked: return ProbeExpectation.blocked.rawValue
        case .untestable: return "untestable"
        case .failed: return "error"
        }
    }

    /// Whether what it saw is what the policy declares (an untestable probe is neither).
    public var agrees: Bool? {
        switch outcome {
        case .passed: return probe.expected == .pass
        case .blocked: return probe.expected == .blocked
        case .untestable, .failed: return nil
        }
    }

    /// Whether it makes `verify` exit 1: a disagreement or a probe that failed.
    public var fails: Bool {
        if case .failed = outcome { return true }
        return agrees == false
    }
}
