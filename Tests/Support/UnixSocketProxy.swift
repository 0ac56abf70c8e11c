import Foundation
import Glibc

/// A unix-socket proxy in front of the engine for interruption tests: it passes bytes both ways
/// and counts the client's write requests (POST, DELETE). When the engine answers the write
/// request numbered `killAfter`, the proxy kills the client process with SIGKILL before the answer
/// reaches it: the engine has done the work, the client never learns it.
public final class UnixSocketProxy: @unchecked Sendable {
    public let path: String
    private let target: String
    private let listener: Int32
    private let lock = NSLock()
    private var writes = 0
    private var victim: pid_t = 0
    private let killAfter: Int
    private var fired = false

    /// Whether the proxy killed the client (recorded before the kill, so a waiter never misses it).
    public var killed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return fired
    }

    public init(target: String = "/var/run/docker.sock", killAfter: Int) throws {
        self.target = target
        self.killAfter = killAfter
        path = "/tmp/rangectl-proxy-\(UUID().uuidString.prefix(8)).sock"
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.address(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else { throw POSIXError(.EADDRINUSE) }
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit {
        close(listener)
        unlink(path)
    }

    /// The process to kill.
    public func watch(_ pid: pid_t) {
        lock.lock()
        victim = pid
        lock.unlock()
    }

    private static func address(_ path: String) -> sockaddr_un {
        var a = sockaddr_un()
        a.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &a.sun_path) { buffer in
            for (i, byte) in path.utf8.enumerated() where i < buffer.count - 1 { buffer[i] = byte }
        }
        return a
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            let upstream = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.address(target)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            if connected != 0 { close(client); close(upstream); continue }
            let armed = Armed()
            Thread { [self] in pump(from: client, to: upstream, requests: armed) }.start()
            Thread { [self] in pump(from: upstream, to: client, responses: armed) }.start()
        }
    }

    /// Per-connection flag: the write being waited for is on this connection.
    private final class Armed: @unchecked Sendable { var value = false }

    private func pump(from: Int32, to: Int32, requests: Armed? = nil, responses: Armed? = nil) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        defer { shutdown(to, Int32(SHUT_WR)); close(from) }
        while true {
            let n = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            if let requests, buffer.starts(with: Array("POST ".utf8)) || buffer.starts(with: Array("DELETE ".utf8)) {
                lock.lock()
                writes += 1
                if writes == killAfter { requests.value = true }
                lock.unlock()
            }
            if let responses {
                lock.lock()
                let fire = responses.value
                if fire {
                    fired = true
                    if victim > 0 { kill(victim, SIGKILL) }
                }
                lock.unlock()
                if fire { return }
            }
            var offset = 0
            while offset < n {
                let w = buffer.withUnsafeBytes { write(to, $0.baseAddress! + offset, n - offset) }
                if w <= 0 { return }
                offset += w
            }
        }
    }
}
