import Foundation
import Glibc
import Testing
import TestSupport

/// Every end-to-end suite is nested here, so that they run one at a time: one of them stops the
/// engine, and they all share it.
@Suite(.serialized, .enabled(if: LocalEngine.required, "no engine answers (set CI=true or RANGECTL_E2E=1 to require one)"))
struct EndToEnd {}

/// The local engine the end-to-end tests use, through the docker CLI (an independent client).
enum LocalEngine {
    /// True when an engine answers, or when one must (CI=true, RANGECTL_E2E=1): then a missing
    /// engine fails the tests instead of skipping them.
    static let required: Bool = {
        let env = ProcessInfo.processInfo.environment
        return env["CI"] == "true" || env["RANGECTL_E2E"] == "1" || answers
    }()

    static let answers: Bool = (try? docker("info").status == 0) ?? false

    /// The engine's API version, e.g. 1.41.
    static let apiVersion: (Int, Int) = {
        let text = (try? docker("version", "--format", "{{.Server.APIVersion}}").stdout) ?? ""
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").compactMap { Int($0) }
        return parts.count == 2 ? (parts[0], parts[1]) : (0, 0)
    }()

    @discardableResult
    static func docker(_ arguments: String...) throws -> RunResult {
        try docker(arguments)
    }

    @discardableResult
    static func docker(_ arguments: [String]) throws -> RunResult {
        try run(URL(fileURLWithPath: "/usr/bin/env"), ["docker"] + arguments)
    }

    /// A docker command a person types to change things by hand; it must succeed.
    static func byHand(_ arguments: String...) throws {
        try byHand(arguments)
    }

    static func byHand(_ arguments: [String]) throws {
        let r = try docker(arguments)
        #expect(r.status == 0, "docker \(arguments.joined(separator: " ")): \(r.stderr)")
    }

    /// Addresses by interface name inside a running container, from `ip -o -4 addr show`.
    static func addresses(in container: String) throws -> [String: String] {
        let r = try docker("exec", container, "ip", "-o", "-4", "addr", "show")
        #expect(r.status == 0, "ip addr in \(container): \(r.stderr)")
        return addresses(ipAddrOutput: r.stdout)
    }

    /// Addresses by interface name in `ip -o -4 addr show` output (loopback left out).
    static func addresses(ipAddrOutput: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in ipAddrOutput.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if let inet = words.firstIndex(of: "inet"), inet + 1 < words.count, words[1] != "lo" {
                out[String(words[1])] = String(words[inet + 1])
            }
        }
        return out
    }

    /// The default route inside a running container: (gateway, interface).
    static func defaultRoute(in container: String) throws -> (via: String, dev: String)? {
        let r = try docker("exec", container, "ip", "route", "show", "default")
        let words = r.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        guard let via = words.firstIndex(of: "via"), let dev = words.firstIndex(of: "dev") else { return nil }
        return (words[via + 1], words[dev + 1])
    }

    /// Whether the engine names NICs in manifest order: Docker from API 1.48, and Podman (rangectl
    /// connects its NICs one at a time, in order). Docker before 1.48 sorts them by network name.
    static let namesInManifestOrder: Bool = apiVersion >= (1, 48) || engine == "podman"

    /// The pid of the engine process scripts/engine-up.sh started (nil when it started none).
    static var startedPid: pid_t? {
        (try? String(contentsOfFile: "/run/rangectl/engine.pid", encoding: .utf8))
            .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Stops the engine the project's script started (by its pid) and starts the same one again.
    /// Docker 20.10 repairs a stale endpoint count (moby#42119) only at start-up.
    static func restart() throws {
        let engine = self.engine
        let down = try script("engine-down.sh")
        #expect(down.status == 0, "\(down.stderr)")
        let up = try script("engine-up.sh", engine.map { ["--engine", $0] } ?? [])
        #expect(up.status == 0, "\(up.stderr)")
    }

    /// Stops the engine the project's script started (by its pid) while a client is at work.
    /// dockerd abruptly (SIGKILL): stopped gracefully it keeps serving open connections while it
    /// shuts down. Podman's service with SIGTERM, as systemd stops it: it finishes the requests in
    /// flight and takes no new one. Killed inside a container's start, Podman 4.3 leaves that
    /// start's network namespace, bridge address and address reservations on the host (measured;
    /// see DockerEngine.startContainer), which no client can clear.
    static func stopWhileAtWork() throws {
        let pid = try #require(startedPid, "the engine was not started by scripts/engine-up.sh, so a test cannot stop it")
        kill(pid, engine == "podman" ? SIGTERM : SIGKILL)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, Glibc.kill(pid, 0) == 0 || errno != ESRCH { usleep(100_000) }
    }

    /// Runs one of the engine scripts (they keep the engine's choice in /run/rangectl/engine).
    static func script(_ name: String, _ arguments: [String] = []) throws -> RunResult {
        try run(URL(fileURLWithPath: "/bin/bash"), [packageRoot.appendingPathComponent("scripts/\(name)").path] + arguments)
    }

    /// Which engine the project's script brought up (20.10, 26, 28, podman), nil when it did not.
    static var engine: String? {
        (try? String(contentsOfFile: "/run/rangectl/engine", encoding: .utf8)).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// Names of a range's VM containers (its routes and policy markers, `<vm>.routes` and `.policy`, left out).
    static func vms(_ range: String) throws -> [String] {
        try labelled(range).containers.filter { !$0.hasSuffix(".routes") && !$0.hasSuffix(".policy") }
    }

    /// Names of engine objects carrying `io.rangectl.range=<range>`.
    static func labelled(_ range: String) throws -> (containers: [String], networks: [String]) {
        let c = try docker("ps", "-a", "--filter", "label=io.rangectl.range=\(range)", "--format", "{{.Names}}")
        let n = try docker("network", "ls", "--filter", "label=io.rangectl.range=\(range)", "--format", "{{.Name}}")
        return (c.stdout.split(separator: "\n").map(String.init).sorted(), n.stdout.split(separator: "\n").map(String.init).sorted())
    }
}

/// A manifest written to a temporary file for one test, destroyed on the engine afterwards.
final class TestRange {
    let name: String
    let path: URL
    private let dir: URL

    init(_ name: String) throws {
        precondition(name.hasPrefix("t"), "test ranges start with t")
        self.name = name
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("rangectl-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        path = dir.appendingPathComponent("\(name).yaml")
    }

    func write(_ body: String) throws {
        try ("version: 1\nname: \(name)\n" + body).write(to: path, atomically: true, encoding: .utf8)
    }

    @discardableResult
    func rangectl(_ arguments: String...) throws -> RunResult {
        try run(rangectlBinary, arguments + [path.path])
    }

    /// Applies and checks that a second plan finds nothing to do.
    func converge(_ what: String = "") throws {
        let applied = try rangectl("apply", "--auto-approve")
        #expect(applied.status == 0, "apply \(what): \(applied.stdout)\(applied.stderr)")
        let again = try rangectl("plan", "--detailed-exitcode")
        #expect(again.status == 0, "re-plan after \(what) must be a no-op: \(again.stdout)\(again.stderr)")
    }

    /// Removes everything of the range (and the temporary folder); used in `defer`. A network left
    /// behind by the engine's stale endpoint count (moby#42119) would make the next test's subnets
    /// conflict, so then the engine is restarted, as the error advises, and destroy runs again.
    func destroy() {
        let first = try? rangectl("destroy", "--auto-approve")
        if let first, first.status != 0, first.stdout.contains("has active endpoints") {
            print("cleanup of \(name): the engine kept a stale endpoint (moby#42119); restarting dockerd")
            try? LocalEngine.restart()
            _ = try? rangectl("destroy", "--auto-approve")
        }
        try? FileManager.default.removeItem(at: dir)
    }
}
