import Foundation
import Glibc

/// A program started with posix_spawn and reaped with waitpid (Foundation's Process was seen to
/// miss a child's exit and wait forever). Its output can be watched while it runs.
public final class Spawned: @unchecked Sendable {
    public let pid: pid_t
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()
    private let readers = DispatchGroup()
    private var ended: (status: Int32, signalled: Bool)?

    private static let spawnLock = NSLock()

    /// Writing to a child that has died must be an error, not the end of the test process.
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    public init(_ executable: URL, _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
                directory: URL = packageRoot) throws {
        _ = Self.ignoreBrokenPipes
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = nil
        // Run under GitHub Actions, every child would write its diagnostics as workflow commands.
        env["GITHUB_ACTIONS"] = nil
        for (k, v) in environment { env[k] = v }
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0], inPipe: [Int32] = [0, 0]
        // Close-on-exec: a child spawned at the same time must not inherit these ends (its copy would
        // keep a reader from ever seeing the end). dup2 onto 0, 1 and 2 clears the flag for the child.
        // Pipes are made and children spawned under one lock, so no spawn falls between the two steps.
        Self.spawnLock.lock()
        defer { Self.spawnLock.unlock() }
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0, pipe(&inPipe) == 0 else { throw POSIXError(.EMFILE) }
        for fd in inPipe + outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        // `env -C` sets the directory, then execs the program under the same pid.
        let argv = (["/usr/bin/env", "-C", directory.path, executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        // The child starts with no signal blocked and SIGPIPE and SIGCHLD at their defaults: a mask or
        // an ignored signal would be inherited from whichever test thread spawns it (a shell's `wait`
        // then never hears of its children ending).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGCHLD)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var child: pid_t = 0
        let spawned = posix_spawn(&child, "/usr/bin/env", &actions, &attributes, argv, envp)
        for fd in [inPipe[0], outPipe[1], errPipe[1]] { close(fd) }
        guard spawned == 0 else {
            for fd in [inPipe[1], outPipe[0], errPipe[0]] { close(fd) }
            throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .ENOENT)
        }
        pid = child
        // Standard input: written in full (or not at all), then closed.
        let input = inPipe[1]
        let bytes = stdin ?? Data()
        Thread {
            bytes.withUnsafeBytes { b in
                var offset = 0
                while offset < b.count {
                    let n = write(input, b.baseAddress! + offset, b.count - offset)
                    if n <= 0 { break }
                    offset += n
                }
            }
            close(input)
        }.start()
        for (fd, isOut) in [(outPipe[0], true), (errPipe[0], false)] {
            readers.enter()
            Thread { [self] in
                var buffer = [UInt8](repeating: 0, count: 1 << 16)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { break }
                    lock.lock()
                    if isOut { out.append(contentsOf: buffer[0..<n]) } else { err.append(contentsOf: buffer[0..<n]) }
                    lock.unlock()
                }
                close(fd)
                readers.leave()
            }.start()
        }
    }

    public var stdoutData: Data { lock.lock(); defer { lock.unlock() }; return out }
    public var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
    public var stderr: String { lock.lock(); defer { lock.unlock() }; return String(decoding: err, as: UTF8.self) }

    /// Waits until standard output contains `text` (true), or the program ended or time ran out (false).
    public func waitFor(_ text: String, timeout: TimeInterval = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if stdout.contains(text) { return true }
            if poll() != nil { return stdout.contains(text) }
            usleep(5_000)
        }
        return false
    }

    /// The exit status and whether a signal ended it, once it has ended (nil while running).
    private func poll() -> (status: Int32, signalled: Bool)? {
        lock.lock()
        defer { lock.unlock() }
        if let ended { return ended }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        let signal = status & 0x7F
        ended = signal == 0 ? ((status >> 8) & 0xFF, false) : (signal, true)
        return ended
    }

    /// Waits for the end and for all its output; the exit status (or the signal), and whether a
    /// signal ended it. Bounded: a program still running after `timeout` is killed (SIGKILL), so a
    /// hung child fails its test instead of hanging the run.
    public func finish(timeout: TimeInterval = 600) -> (status: Int32, signalled: Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        var end = poll()
        while end == nil {
            if Date() > deadline {
                kill(pid, SIGKILL)
                lock.lock()
                err.append(contentsOf: Array("\n[test harness: killed after \(Int(timeout)) s]\n".utf8))
                lock.unlock()
            }
            usleep(2_000)
            end = poll()
        }
        readers.wait()
        return end!
    }
}
