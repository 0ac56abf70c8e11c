import Glibc
import RangeDiagnostics

/// A manifest (or saved plan, or lock file) read from a path; `-` is standard input, named `<stdin>`.
public struct ManifestInput: Sendable {
    public var displayName: String
    public var bytes: [UInt8]

    public init(displayName: String, bytes: [UInt8]) {
        self.displayName = displayName
        self.bytes = bytes
    }

    /// The file's bytes, or a `file-unreadable` diagnostic naming the file and the system's reason.
    public static func read(_ path: String) -> Result<ManifestInput, Diagnostic> {
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
