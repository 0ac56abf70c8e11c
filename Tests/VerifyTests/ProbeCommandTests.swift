import Foundation
import Plan
import Testing
import TestSupport
@testable import Verify

/// A probe from 10.200.0.1 (`a`) to 10.200.0.2 (`b`), as the namespace tests run it.
func probe(_ proto: ProbeProtocol, port: Int?, dialled: String = "10.200.0.2", listenPort: Int? = nil) -> Probe {
    let a = ProbeEndpoint(hostname: "a", instance: nil, container: "t-a", address: IPv4Address("10.200.0.1") ?? IPv4Address(0))
    let b = ProbeEndpoint(hostname: "b", instance: nil, container: "t-b", address: IPv4Address("10.200.0.2") ?? IPv4Address(0))
    return Probe(source: a, destination: b, dialled: IPv4Address(dialled) ?? IPv4Address(0), proto: proto, port: port,
                 listenPort: listenPort ?? port, expected: .pass, why: "test")
}

/// The command lines as text, and how their output is read.
struct ProbeCommandTextTests {
    @Test func theClientsDialTheDialledAddressWithADeadline() {
        #expect(ProbeCommands.client(probe(.tcp, port: 80, dialled: "10.200.0.100"), deadline: 3) ==
            "if timeout 4 nc -w 3 10.200.0.100 80 -e true </dev/null >/dev/null 2>&1; then echo \"RANGECTL-PROBE pass\"; else echo \"RANGECTL-PROBE fail\"; fi")
        #expect(ProbeCommands.client(probe(.udp, port: 53), deadline: 2).hasPrefix("out=$(timeout 2 nslookup rangectl-probe 10.200.0.2:53 2>&1)\n"))
        #expect(ProbeCommands.client(probe(.icmp, port: nil), deadline: 2).hasPrefix("out=$(timeout 3 ping -c 1 -W 2 10.200.0.2 2>&1)\n"))
    }

    @Test func theListenerBindsTheListenPortAndIcmpHasNone() throws {
        let tcp = try #require(ProbeCommands.listener(probe(.tcp, port: 80, listenPort: 8080), deadline: 3))
        #expect(tcp.contains("timeout 5 nc -l -p 8080 ") && tcp.contains("*\":8080 \"*)") && !tcp.contains(":80 "))
        #expect(ProbeCommands.listener(probe(.udp, port: 53), deadline: 3)?.hasPrefix("case \"$(netstat -lun)\" in *\":53 \"*)") == true)
        #expect(ProbeCommands.listener(probe(.icmp, port: nil), deadline: 3) == nil)
    }

    @Test(arguments: [
        ("RANGECTL-PROBE pass\n", ClientVerdict.pass), ("noise\nRANGECTL-PROBE fail\n", .fail),
        ("RANGECTL-PROBE fail\r\nRANGECTL-PROBE pass", .pass), ("RANGECTL-PROBE maybe\n", nil), ("RANGECTL-PROBEpass\n", nil), ("", nil),
    ] as [(String, ClientVerdict?)])
    func verdicts(_ output: String, _ expected: ClientVerdict?) {
        #expect(ProbeCommands.verdict(output) == expected)
    }

    @Test func listenerStates() {
        #expect(ProbeCommands.state("RANGECTL-LISTEN ready\n") == .ready)
        #expect(ProbeCommands.state("RANGECTL-LISTEN busy") == .busy)
        #expect(ProbeCommands.state("RANGECTL-LISTEN fail\n") == .fail)
        #expect(ProbeCommands.state("nc: bind: Address in use\n") == nil)
    }
}

/// The command lines run for real with Debian's busybox, in two network namespaces made for the
/// test: one passing and one blocked case per protocol (blocked by a DROP in the destination's
/// INPUT for that protocol and port, so a client that dialled another port would pass and fail
/// the test). Needs root, `ip`, `iptables` and busybox; skipped without them, except in CI.
@Suite(.enabled(if: netnsTools != nil || ProcessInfo.processInfo.environment["CI"] == "true",
                "needs root, ip, iptables and busybox (apt-get install busybox-static iptables) to make network namespaces"))
struct ProbeCommandNamespaceTests {
    static let deadline = 2

    /// Starts the probe's listener in `b` (when it has one) and waits for its state line, runs the
    /// client in `a`, waits for the listener to end by itself; the client's verdict.
    static func probeOnce(_ p: Probe, in pair: NamespacePair) throws -> (ClientVerdict?, ListenerState?) {
        var listener: Spawned?
        var state: ListenerState?
        if let command = ProbeCommands.listener(p, deadline: deadline) {
            let l = try pair.start(in: pair.b, command)
            listener = l
            #expect(l.waitFor(ProbeCommands.listenWord, timeout: 10), "\(l.stderr)")
            state = ProbeCommands.state(l.stdout)
        }
        let client = try pair.run(in: pair.a, ProbeCommands.client(p, deadline: deadline))
        // The listener ends by itself: after its one connection, or at its own deadline.
        if let listener { #expect(listener.finish(timeout: Double(deadline + 10)).signalled == false, "listener: \(listener.stdout) \(listener.stderr) client: \(client.stdout) \(client.stderr)") }
        return (ProbeCommands.verdict(client.stdout), state)
    }

    @Test(arguments: [(ProbeProtocol.tcp, 4000, "t"), (.udp, 5000, "u"), (.icmp, nil, "i")] as [(ProbeProtocol, Int?, String)])
    func passesThenIsBlockedByADrop(_ proto: ProbeProtocol, _ port: Int?, _ tag: String) throws {
        var names: [String] = []
        try NamespacePair.with(tag) { pair in
            names = [pair.a, pair.b]
            let p = probe(proto, port: port)
            let open = try Self.probeOnce(p, in: pair)
            #expect(open.0 == .pass)
            #expect(open.1 == (proto == .icmp ? nil : .ready))
            try pair.drop(in: pair.b, proto: proto.rawValue, port: port)
            let blocked = try Self.probeOnce(p, in: pair)
            #expect(blocked.0 == .fail)
            #expect(try pair.leftovers() == [pair.a, pair.b])
        }
        let listed = try run(try #require(netnsTools).ip, ["netns", "list"]).stdout
        #expect(!names.isEmpty && !names.contains { listed.contains($0) }, "namespaces left behind: \(listed)")
    }

    /// A service of the VM already holds the port (sshd on tcp/22): the listener says so and
    /// leaves it, and the client's connection to that service is the pass.
    @Test func aPortAlreadyServedIsBusyAndTheServiceAnswersTheClient() throws {
        try NamespacePair.with("b") { pair in
            let holder = try pair.start(in: pair.b, "timeout 5 nc -l -p 4100 </dev/null")
            defer { _ = holder.finish(timeout: 10) }
            let l = try pair.start(in: pair.b, "usleep 300000\n" + (ProbeCommands.listener(probe(.tcp, port: 4100), deadline: 1) ?? ""))
            #expect(l.finish(timeout: 10).status == 0)
            #expect(ProbeCommands.state(l.stdout) == .busy, "\(l.stdout)")
            let client = try pair.run(in: pair.a, ProbeCommands.client(probe(.tcp, port: 4100), deadline: 2))
            #expect(ProbeCommands.verdict(client.stdout) == .pass, "\(client.stdout) \(client.stderr)")
        }
    }

    @Test func aNATProbeDialsThePublishedPortAndTheListenerHoldsTheTargetPort() throws {
        try NamespacePair.with("n") { pair in
            // 10.200.0.100 is published on b's veth and forwarded to b's own 8080, as a router's
            // DNAT would forward it to a VM behind it.
            for args in [["-n", pair.b, "addr", "add", "10.200.0.100/32", "dev", "\(pair.b)v"],
                         ["-n", pair.a, "route", "add", "10.200.0.100/32", "dev", "\(pair.a)v"]] {
                #expect(try run(pair.tools.ip, args).status == 0)
            }
            let dnat = try run(pair.tools.ip, ["netns", "exec", pair.b, pair.tools.iptables.path, "-t", "nat", "-A", "PREROUTING", "-d", "10.200.0.100",
                                               "-p", "tcp", "--dport", "80", "-j", "DNAT", "--to-destination", "10.200.0.2:8080"])
            #expect(dnat.status == 0, "\(dnat.stderr)")
            let seen = try Self.probeOnce(probe(.tcp, port: 80, dialled: "10.200.0.100", listenPort: 8080), in: pair)
            #expect(seen.0 == .pass && seen.1 == .ready)
        }
    }
}
