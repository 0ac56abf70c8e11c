import ArgumentParser
import Workflows

extension ManifestInput {
    /// The input, to show the source lines of its diagnostics, when they are shown (standard
    /// error is a terminal); nil otherwise, so that a large manifest's bytes are not kept for nothing.
    var forSourceLines: ManifestInput? { Terminal.sourceLinesOnStderr ? self : nil }
}

extension CompletionKind {
    /// What a shell offers for a manifest argument: YAML and JSON files (a saved plan is JSON too).
    static let manifest = CompletionKind.file(extensions: ["yaml", "yml", "json"])
}
