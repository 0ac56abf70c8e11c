import Glibc
import RangeDiagnostics

/// Files that commands write with `--out`: the whole content, or a `file-unreadable` diagnostic
/// naming the path and the system's reason.
enum OutputFile {
    /// Writes `bytes` to `path` (created or truncated) with `mode`; `what` names the content in
    /// the message ("the plan", "the picture"). `exclusive`: only a new file (O_EXCL), never one
    /// that exists.
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t, what: String, exclusive: Bool = false) -> Diagnostic? {
        let fd = open(path, O_WRONLY | O_CREAT | (exclusive ? O_EXCL : O_TRUNC), mode)
        guard fd >= 0, fchmod(fd, mode) == 0, let f = fdopen(fd, "wb") else {
            if fd >= 0 { close(fd) }
            return failure(what, path)
        }
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
        let closed = fclose(f)
        return written != bytes.count || closed != 0 ? failure(what, path) : nil
    }

    /// Writes `bytes` to a temporary file beside `path`, then renames it over `path`: an
    /// interrupted write leaves the old file whole, never half of the new one.
    static func replace(_ path: String, with bytes: [UInt8], mode: mode_t, what: String) -> Diagnostic? {
        let temporary = path + ".tmp-\(getpid())"
        if let failure = write(bytes, to: temporary, mode: mode, what: what) {
            unlink(temporary)
            return failure
        }
        guard rename(temporary, path) == 0 else {
            let failed = failure(what, path)
            unlink(temporary)
            return failed
        }
        return nil
    }

    private static func failure(_ what: String, _ path: String) -> Diagnostic {
        .error(.fileUnreadable, "cannot write \(what) to '\(path)': \(String(cString: strerror(errno)))", at: nil)
    }
}
