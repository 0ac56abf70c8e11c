import ArgumentParser
import Foundation

/// How diagnostics are written on standard error: the compiler form, or GitHub Actions
/// workflow commands (which the runner reads from standard error as from standard output).
enum DiagnosticsFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// `FILE:LINE:COLUMN: error: MESSAGE [code]`, with source lines on a terminal.
    case text
    /// `::error file=FILE,line=L,...,title=CODE::MESSAGE`, one line each (`GitHubAnnotationRenderer`).
    case github

    /// The format given on the command line; else `github` when `GITHUB_ACTIONS` is `true` (as
    /// the Actions runner sets it for every step), else `text`.
    static func resolve(_ given: DiagnosticsFormat?, environment: [String: String]) -> DiagnosticsFormat {
        given ?? (environment["GITHUB_ACTIONS"] == "true" ? .github : .text)
    }
}

/// `--diagnostics-format`, shared by every command that prints diagnostics.
struct DiagnosticsOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "How diagnostics are written on standard error: text, or github (workflow commands that GitHub Actions shows as annotations; the default when GITHUB_ACTIONS=true).",
        valueName: "text|github"))
    var diagnosticsFormat: DiagnosticsFormat?

    /// The format to use: the option, else what the environment implies.
    var format: DiagnosticsFormat {
        DiagnosticsFormat.resolve(diagnosticsFormat, environment: ProcessInfo.processInfo.environment)
    }
}
