import Foundation
import Glibc
import TestSupport

/// `ip`, `iptables` and Debian's static busybox, when all are here and we are root (so that we
/// may make network namespaces).
let netnsTools: (ip: URL, iptables: URL, busybox: URL)? = {
    let fm = FileManager.default
    guard getuid() == 0,
          let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first(where: fm.isExecutableFile(atPath:)),
          let iptables = ["/usr/sbin/iptables", "/sbin/iptables"].first(where: fm.isExecutableFile(atPath:)),
          let busybox = ["/bin/busybox", "/usr/bin/busybox"].first(where: fm.isExecutableFile(atPath:)) else { return nil }
    return (URL(fileURLWithPath: ip), URL(fileURLWithPath: iptables), URL(fileURLWithPath: busybox))
}()

/// Two network namespaces joined by a veth pair, `t…a` at 10.200.0.1/30 and `t…b` at
/// 10.200.0.2/30, made for one test and deleted at its end (deleting a namespace deletes its
/// end of the veth, and with it the other). Commands run in them by busybox `sh` with a `PATH`
/// of busybox applets only, as in a busybox helper: the host's own `nc` or `ping` never answer.
struct NamespacePair {
    let a: String, b: String
    let addressA = "10.200.0.1", addressB = "10.200.0.2"
    let applets: URL
    let tools: (ip: URL, iptables: URL, busybox: URL)

    /// Makes the pair (names unique to this process and `tag`), runs `body`, deletes the pair.
    static func with<T>(_ tag: String, _ body: (NamespacePair) throws -> T) throws -> T {
        guard let tools = netnsTools else { throw SetupError(message: "needs root, ip, iptables and busybox") }
        return try withTemporaryDirectory { dir in
            for applet in ["sh", "nc", "nslookup", "ping", "timeout", "netstat", "usleep"] {
                try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent(applet), withDestinationURL: tools.busybox)
            }
            let base = "tvfy\(getpid() % 100_000)\(tag)"
            let pair = NamespacePair(a: base + "a", b: base + "b", applets: dir, tools: tools)
            defer { pair.delete() }
            try pair.setUp()
            return try body(pair)
        }
    }

    func setUp() throws {
        let steps = [
            ["netns", "add", a], ["netns", "add", b],
            ["link", "add", "\(a)v", "netns", a, "type", "veth", "peer", "name", "\(b)v", "netns", b],
            ["-n", a, "addr", "add", addressA + "/30", "dev", "\(a)v"], ["-n", b, "addr", "add", addressB + "/30", "dev", "\(b)v"],
            ["-n", a, "link", "set", "\(a)v", "up"], ["-n", b, "link", "set", "\(b)v", "up"],
            ["-n", a, "link", "set", "lo", "up"], ["-n", b, "link", "set", "lo", "up"],
        ]
        for step in steps {
            let r = try TestSupport.run(tools.ip, step)
            guard r.status == 0 else { throw SetupError(message: "ip \(step.joined(separator: " ")): \(r.stderr)") }
        }
    }

    /// Deletes both namespaces (each may be missing when setting up failed half-way).
    func delete() {
        for ns in [a, b] { _ = try? TestSupport.run(tools.ip, ["netns", "delete", ns]) }
    }

    /// The namespaces of this pair that still exist (for the check that nothing is left behind).
    func leftovers() throws -> [String] {
        let listed = try TestSupport.run(tools.ip, ["netns", "list"]).stdout
        return [a, b].filter { ns in listed.split(separator: "\n").contains { $0.split(separator: " ").first.map(String.init) == ns } }
    }

    /// Runs `script` by busybox `sh -c` in namespace `ns` to its end.
    func run(in ns: String, _ script: String) throws -> RunResult {
        try TestSupport.run(tools.ip, ["netns", "exec", ns, tools.busybox.path, "sh", "-c", script], environment: ["PATH": applets.path])
    }

    /// Starts `script` by busybox `sh -c` in namespace `ns`, and leaves it running.
    func start(in ns: String, _ script: String) throws -> Spawned {
        try Spawned(tools.ip, ["netns", "exec", ns, tools.busybox.path, "sh", "-c", script], environment: ["PATH": applets.path])
    }

    /// Drops what reaches namespace `ns` (INPUT) for `proto` (and `port`, when given).
    func drop(in ns: String, proto: String, port: Int?) throws {
        var args = ["netns", "exec", ns, tools.iptables.path, "-A", "INPUT", "-p", proto]
        if let port { args += ["--dport", "\(port)"] }
        let r = try TestSupport.run(tools.ip, args + ["-j", "DROP"])
        guard r.status == 0 else { throw SetupError(message: "iptables: \(r.stderr)") }
    }

    struct SetupError: Error { var message: String }
}
