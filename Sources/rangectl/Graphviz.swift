import Foundation
import RangeDiagnostics

/// Graphviz's `dot`, run to draw DOT text as SVG or PNG: the only process `graph` starts, kept
/// here at the command's edge (the renderers are pure).
enum Graphviz {
    /// The `dot` executable on `path` (a PATH value), or a `graphviz-missing` diagnostic saying
    /// what to install.
    static func locate(path: String?) -> Result<URL, Diagnostic> {
        for dir in (path ?? "").split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent("dot")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return .success(candidate) }
        }
        return .failure(.error(.graphvizMissing,
                               "Graphviz's 'dot' is not on PATH, and --format svg and png need it: install graphviz (Debian: apt-get install graphviz), or use --format dot or mermaid",
                               at: nil))
    }

    /// `dot -T<format>` of `source`: its standard output, or a `graphviz-failed` diagnostic with
    /// its exit status and what it said.
    static func draw(_ source: String, format: String, dot: URL) -> Result<[UInt8], Diagnostic> {
        let process = Process()
        process.executableURL = dot
        process.arguments = ["-T\(format)"]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            return .failure(.error(.graphvizFailed, "cannot run \(dot.path): \(error)", at: nil))
        }
        // Writing, and reading what it says on standard error, beside reading its output: a
        // large picture fills a pipe before dot has read all of its input.
        let group = DispatchGroup()
        let said = Collected()
        let bytes = Data(source.utf8)
        let writer = input.fileHandleForWriting, errorReader = errors.fileHandleForReading
        DispatchQueue.global().async(group: group) {
            try? writer.write(contentsOf: bytes)
            try? writer.close()
        }
        DispatchQueue.global().async(group: group) {
            said.data = errorReader.readDataToEndOfFile()
        }
        let drawn = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let message = String(decoding: said.data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            let how = process.terminationReason == .exit ? "exit status \(process.terminationStatus)" : "signal \(process.terminationStatus)"
            return .failure(.error(.graphvizFailed, "\(dot.path) -T\(format) failed (\(how))" + (message.isEmpty ? "" : ": \(Diagnostic.excerpt(message))"), at: nil))
        }
        return .success([UInt8](drawn))
    }
}

/// What one reader thread collected, read once the group is done.
private final class Collected: @unchecked Sendable {
    var data = Data()
}
