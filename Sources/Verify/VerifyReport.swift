import Plan
import RangeDiagnostics

/// `verify`'s report: a matrix of the probes in the planner's order (source, destination, port,
/// expected, seen, why), what could not be probed, and one summary line naming every probe that
/// disagrees. Text for a person, JSON for a program.
public struct VerifyReport: Sendable {
    public var range: String
    public var results: [ProbeResult]
    public var skipped: [SkippedProbe]

    public init(range: String, results: [ProbeResult], skipped: [SkippedProbe]) {
        self.range = range
        self.results = results
        self.skipped = skipped
    }

    /// Whether everything probed is as declared (the exit status: 0 when true).
    public var asDeclared: Bool { !results.contains(where: \.fails) }

    /// The summary line: `9 probes: 9 as declared` or `... 1 differs: a -> b ... (expected pass, seen blocked)`.
    public var summary: String {
        let agreeing = results.filter { $0.agrees == true }.count
        let differing = results.filter { $0.agrees == false }
        let failed = results.filter { if case .failed = $0.outcome { return true } else { return false } }
        let untestable = results.count - agreeing - differing.count - failed.count
        var parts = ["\(agreeing) as declared"]
        if !differing.isEmpty {
            parts.append("\(differing.count) \(differing.count == 1 ? "differs" : "differ"): "
                         + differing.map { "\($0.probe.title) (expected \($0.probe.expected.rawValue), seen \($0.seen))" }.joined(separator: "; "))
        }
        if !failed.isEmpty { parts.append("\(failed.count) could not run: " + failed.map(\.probe.title).joined(separator: "; ")) }
        if untestable > 0 { parts.append("\(untestable) untestable") }
        if !skipped.isEmpty { parts.append("\(skipped.count) not probed") }
        return "\(results.count) \(results.count == 1 ? "probe" : "probes"): " + parts.joined(separator: ", ")
    }

    /// The report as text, every line shown through `TextEscaping.visible` (names come from the manifest).
    public var text: String {
        let header = ["SOURCE", "DESTINATION", "PORT", "EXPECTED", "SEEN", "WHY"]
        let rows = results.map { r -> [String] in
            let p = r.probe
            let dialled = p.dialled == p.destination.address ? "\(p.dialled)" : "\(p.dialled) (\(p.destination.address):\(p.listenPort ?? 0))"
            var why = p.why
            switch r.outcome {
            case let .untestable(reason), let .failed(reason): why += ": " + reason
            case .passed, .blocked: if let note = r.note { why += " (\(note))" }
            }
            return ["\(p.source.name) \(p.source.address)", "\(p.destination.name) \(dialled)", p.portText, p.expected.rawValue,
                    r.fails ? r.seen.uppercased() : r.seen, why]
        }
        let widths = (0..<header.count - 1).map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ") + "  " + (cells.last ?? "")
        }
        var out = "verify range \(range)\n\n"
        for cells in [header] + rows { out += "  " + TextEscaping.visible(line(cells)) + "\n" }
        if !skipped.isEmpty {
            out += "\nnot probed:\n"
            for s in skipped { out += "  " + TextEscaping.visible(EngineNames.key(s.why, instance: s.instance) + ": " + s.reason) + "\n" }
        }
        return out + "\n" + TextEscaping.visible(summary) + "\n"
    }

    public var json: JSONValue {
        .object([
            ("format_version", .string("1")),
            ("range", .string(range)),
            ("as_declared", .bool(asDeclared)),
            ("probes", .array(results.map { r in
                let p = r.probe
                var fields: [(String, JSONValue)] = []
                if let instance = p.instance { fields.append(("instance", .string(instance))) }
                fields += [
                    ("source", .string(p.source.hostname)), ("source_address", .string("\(p.source.address)")),
                    ("destination", .string(p.destination.hostname)), ("destination_address", .string("\(p.destination.address)")),
                    ("dialled", .string("\(p.dialled)")), ("protocol", .string(p.proto.rawValue)),
                ]
                if let port = p.port { fields.append(("port", .int(port))) }
                if let port = p.listenPort, port != p.port { fields.append(("listen_port", .int(port))) }
                fields += [("expected", .string(p.expected.rawValue)), ("seen", .string(r.seen)), ("as_declared", r.agrees.map(JSONValue.bool) ?? .null),
                           ("why", .string(p.why))]
                switch r.outcome {
                case let .untestable(reason), let .failed(reason): fields.append(("reason", .string(reason)))
                case .passed, .blocked: if let note = r.note { fields.append(("note", .string(note))) }
                }
                return .object(fields)
            })),
            ("not_probed", .array(skipped.map { s in
                .object((s.instance.map { [("instance", JSONValue.string($0))] } ?? []) + [("why", .string(s.why)), ("reason", .string(s.reason))])
            })),
            ("summary", .string(summary)),
        ])
    }
}
