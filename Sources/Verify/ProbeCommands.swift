/// The shell command lines of a probe, for busybox `sh -c` in a helper that shares a VM's network
/// namespace: a listener in the destination's, a client in the source's. Only busybox applets
/// (`nc`, `nslookup`, `ping`, `timeout`, `netstat`, `usleep`), as Debian's busybox-static has
/// them: the `busybox:latest` the examples and end-to-end tests use is made from it. Each prints
/// one line that starts with a word the caller parses (`RANGECTL-LISTEN ready`, `RANGECTL-PROBE
/// pass`): the engine's exec and `timeout` set exit statuses their own way, so the verdict is
/// decided inside the script and read from its output. Addresses and ports are typed values, so
/// nothing in these lines needs quoting.
///
/// TCP: the client's `nc -e true` exits 0 only once a connection is established (refused and
/// timed out are 1), and nothing the far end sends is run or read. The listener holds the port
/// when nothing in the VM serves it; when a service does (`busy`: sshd on tcp/22), the client
/// connects to that service, which tells the same.
///
/// UDP: Debian's busybox `nc` has no `-u`, and no applet holds a UDP port. So the "listener" only
/// checks that the port is closed in the destination, and the client sends one datagram
/// (`nslookup` to `ADDR:PORT`, which connects its UDP socket) and reads the destination kernel's
/// ICMP port-unreachable ("Connection refused") as the datagram having arrived; silence until the
/// deadline is `fail` (the policy's deny is a DROP, never a reject). The limits: a UDP port that
/// something already serves cannot be probed (`busy`), and the kernel rate-limits its
/// port-unreachable replies per peer (a burst of about 6, then 1 a second).
public enum ProbeCommands {
    /// What the helper image must carry to run the probes.
    public static let tools = ["sh", "nc", "nslookup", "ping", "timeout", "netstat", "usleep"]

    /// The first word of the client's verdict line: `RANGECTL-PROBE pass` or `RANGECTL-PROBE fail`.
    public static let probeWord = "RANGECTL-PROBE"
    /// The first word of the listener's state line: `RANGECTL-LISTEN ready|busy|fail`.
    public static let listenWord = "RANGECTL-LISTEN"
    /// How long a listener waits for its port to show as bound: 20 checks 50 ms apart.
    static let bindChecks = 20

    /// The listener for `probe` in its destination's namespace, nil for icmp (the kernel answers
    /// echo requests). TCP: accepts one connection and closes it; it prints `ready` once the
    /// port is bound (the caller starts the client only then), `busy` when the port was bound
    /// before (a service of the VM holds it), `fail` when it never bound. It ends by itself
    /// after `deadline + 2` seconds, so a lost helper cannot outlive the probe for long.
    public static func listener(_ probe: Probe, deadline: Int) -> String? {
        guard let port = probe.listenPort else { return nil }
        switch probe.proto {
        case .icmp:
            return nil
        case .udp:
            return "case \"$(netstat -lun)\" in *\":\(port) \"*) echo \"\(listenWord) busy\";; *) echo \"\(listenWord) ready\";; esac"
        case .tcp:
            let bound = "case \"$(netstat -ltn)\" in *\":\(port) \"*)"
            return [
                "\(bound) echo \"\(listenWord) busy\"; exit 0;; esac",
                "timeout \(deadline + 2) nc -l -p \(port) -e true </dev/null >/dev/null 2>&1 &",
                "i=0",
                "while [ $i -lt \(bindChecks) ]; do",
                "  \(bound) echo \"\(listenWord) ready\"; wait; exit 0;; esac",
                "  usleep 50000; i=$((i+1))",
                "done",
                "echo \"\(listenWord) fail\"; wait",
            ].joined(separator: "\n")
        }
    }

    /// The client for `probe` in its source's namespace: `pass` when the destination answered
    /// within `deadline` seconds (TCP: a connection was established; UDP: port unreachable came
    /// back; ICMP: one echo reply), else `fail`.
    public static func client(_ probe: Probe, deadline: Int) -> String {
        let verdict = "then echo \"\(probeWord) pass\"; else echo \"\(probeWord) fail\"; fi"
        switch probe.proto {
        case .tcp:
            return "if timeout \(deadline + 1) nc -w \(deadline) \(probe.dialled) \(probe.port ?? 0) -e true </dev/null >/dev/null 2>&1; \(verdict)"
        case .udp:
            return "out=$(timeout \(deadline) nslookup rangectl-probe \(probe.dialled):\(probe.port ?? 0) 2>&1)\n"
                + "if case \"$out\" in *\"Connection refused\"*) true;; *) false;; esac; \(verdict)"
        case .icmp:
            return "out=$(timeout \(deadline + 1) ping -c 1 -W \(deadline) \(probe.dialled) 2>&1)\n"
                + "if case \"$out\" in *\" 1 packets received\"*) true;; *) false;; esac; \(verdict)"
        }
    }

    /// What a client's output says, from its last verdict line; nil when it has none.
    public static func verdict(_ output: String) -> ClientVerdict? {
        last(probeWord, in: output).flatMap(ClientVerdict.init(rawValue:))
    }

    /// What a listener's output says, from its last state line; nil when it has none (yet).
    public static func state(_ output: String) -> ListenerState? {
        last(listenWord, in: output).flatMap(ListenerState.init(rawValue:))
    }

    /// The word after `word ` on the last line that starts with it.
    static func last(_ word: String, in output: String) -> String? {
        let lines = output.split(whereSeparator: \.isNewline)
        guard let line = lines.last(where: { $0.hasPrefix(word + " ") }) else { return nil }
        return line.dropFirst(word.count + 1).split(separator: " ").first.map(String.init)
    }
}

/// A client's verdict: whether the destination answered.
public enum ClientVerdict: String, Hashable, Sendable {
    case pass
    case fail
}

/// A listener's state once it has started.
public enum ListenerState: String, Hashable, Sendable {
    /// Bound (TCP), or the port is closed so the kernel will answer (UDP): start the client.
    case ready
    /// Something of the VM's own already holds the port: the probe cannot tell the policy's effect.
    case busy
    /// It never bound.
    case fail
}
