import ArgumentParser
import Glibc
import RangeDiagnostics

/// Reads the manifest named on the command line; `-` is standard input, named `<stdin>`.
struct ManifestInput {
    var displayName: String
    var bytes: [UInt8]

    /// The file's bytes, or a `file-unreadable` diagnostic naming the file and the system's reason.
    static func read(_ path: String) -> Result<ManifestInput, Diagnostic> {
        if path == "-" {
            return .success(ManifestInput(displayName: "<stdin>", bytes: readAll(STDIN_FILENO)))
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return .failure(unreadable(path)) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            return .failure(.error(.fileUnreadable, "cannot read '\(path)': it is a directory", at: nil))
        }
        let bytes = readAll(fd)
        if errno != 0 && bytes.isEmpty && info.st_size > 0 { return .failure(unreadable(path)) }
        return .success(ManifestInput(displayName: path, bytes: bytes))
    }

    /// The input, to show the source lines of its diagnostics, when they are shown (standard
    /// error is a terminal); nil otherwise, so that a large manifest's bytes are not kept for nothing.
    var forSourceLines: ManifestInput? { Terminal.sourceLinesOnStderr ? self : nil }

    private static func unreadable(_ path: String) -> Diagnostic {
        .error(.fileUnreadable, "cannot read '\(path)': \(String(cString: strerror(errno)))", at: nil)
    }

    private static func readAll(_ fd: Int32) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        errno = 0
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }
}

extension CompletionKind {
    /// What a shell offers for a manifest argument: YAML and JSON files (a saved plan is JSON too).
    static let manifest = CompletionKind.file(extensions: ["yaml", "yml", "json"])
}
