import Applier
import ArgumentParser
import DockerEngine
import Engine
import Foundation
import Glibc
import Plan
import RangeDiagnostics
import Workflows

/// Confirms, executes and reports a reconciliation; shared by `apply` and `destroy`.
struct ApplyRunner {
    var engine: any ContainerEngine
    var parallelism: Int
    var autoApprove: Bool
    var json: Bool
    var diagnosticsFormat: DiagnosticsFormat

    /// Asks, then carries `live` out (`LivePlan.applier`); returns the report.
    func run(_ live: LivePlan, verb: String) throws -> ApplyReport {
        switch Confirmation.ask("Do you want to \(verb) range \(live.plan.range) on \(engine.endpoint)?", autoApprove: autoApprove) {
        case .approved: break
        case .declined:
            Terminal.writeError("rangectl: \(verb) cancelled; nothing was changed\n")
            throw ExitCode(1)
        case .needsAutoApprove:
            Terminal.printDiagnostics([.error(.confirmationRequired, "\(verb) needs --auto-approve when standard input is not a terminal; nothing was changed", at: nil)], format: diagnosticsFormat)
            throw ExitCode(1)
        }
        let start = Date()
        let quiet = json
        guard let applier = live.applier(on: engine, parallelism: parallelism, progress: { event in
            guard !quiet else { return }
            Terminal.write(ApplyRunner.progressLine(event))
        }) else {
            // A plan with errors or without an observation has no changes (`LivePlan.refused`):
            // nothing to carry out. The commands return before asking in that case.
            return ApplyReport()
        }
        if !json { Terminal.write("\n") }
        // SIGINT or SIGTERM (a cancelled pipeline): start nothing new, finish what is in flight, report.
        let signals = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                Terminal.writeError("rangectl: interrupted: starting no new operation; waiting for those in flight\n")
                applier.interrupt()
            }
            source.resume()
            return source
        }
        let report = applier.apply(live.reconciliation)
        for source in signals { source.cancel() }
        let seconds = Date().timeIntervalSince(start)
        let calls = engineCalls(engine)
        if !json { Terminal.write(Self.summary(report, seconds: seconds, calls: calls, verb: verb)) }
        if let lost = report.failed.first(where: \.engineUnreachable) {
            Terminal.printDiagnostics([.error(.engineUnreachable, "the engine stopped answering during \(verb) (\(lost.error)); nothing is lost: run \(verb) again once it answers", at: nil)], format: diagnosticsFormat)
        }
        return report
    }

    /// One line per finished operation; the line is shown through `TextEscaping.visible`, so an
    /// engine's error message (which echoes names and values) cannot break it or reach the terminal raw.
    static func progressLine(_ e: ApplyEvent) -> String {
        let symbol: String
        switch e.operation {
        case .createNetwork, .createVM: symbol = "+"
        case .removeContainer, .removeNetwork: symbol = "-"
        case .startVM, .setRoutes, .setPolicy: symbol = "~"
        }
        let time = String(format: "%.2fs", e.seconds)
        if let error = e.error {
            return TextEscaping.visible("  ! \(e.operation.summary) \(e.operation.objectName) FAILED after \(time): \(error)") + "\n"
        }
        let note = e.note.map { "; \($0)" } ?? ""
        return TextEscaping.visible("  \(symbol) \(e.operation.summary) \(e.operation.objectName) (\(time)\(note))") + "\n"
    }

    /// The report after the last operation; each line that names an operation or an error is shown
    /// through `TextEscaping.visible`.
    static func summary(_ r: ApplyReport, seconds: Double, calls: Int?, verb: String) -> String {
        let callText = calls.map { ", \($0) engine calls in all" } ?? ""
        if r.succeeded {
            return "\n\(verb.capitalized) complete: \(r.done.count) operations in \(String(format: "%.2f", seconds)) s\(callText).\n"
        }
        var out = "\n\(verb.capitalized) \(r.interrupted ? "interrupted" : "failed") after \(String(format: "%.2f", seconds)) s: \(r.done.count) done, \(r.failed.count) failed, \(r.notStarted.count) not started.\n"
        for f in r.failed { out += TextEscaping.visible("  failed:      \(f.operation.summary) \(f.operation.objectName): \(f.error)") + "\n" }
        for skipped in r.notStarted {
            let why = skipped.waitedFor.map { " (waited for \($0), which failed)" } ?? ""
            out += TextEscaping.visible("  not started: \(skipped.operation.intent) \(skipped.operation.objectName)\(why)") + "\n"
        }
        out += "Nothing is lost: run \(verb) again once the cause is fixed; it continues from what the engine holds.\n"
        return out
    }

    static func reportJSON(_ r: ApplyReport) -> JSONValue {
        func op(_ o: EngineOperation) -> JSONValue { .object([("operation", .string(o.intent)), ("name", .string(o.objectName))]) }
        return .object([
            ("succeeded", .bool(r.succeeded)),
            ("done", .array(r.done.map(op))),
            ("failed", .array(r.failed.map { f in
                .object([("id", .string(f.id)), ("operation", .string(f.operation.intent)), ("name", .string(f.operation.objectName)),
                         ("error", .string(f.error))])
            })),
            ("not_started", .array(r.notStarted.map { s in
                .object([("id", .string(s.id)), ("operation", .string(s.operation.intent)), ("name", .string(s.operation.objectName)),
                         ("waited_for", s.waitedFor.map { .string($0) } ?? .null)])
            })),
        ])
    }
}
