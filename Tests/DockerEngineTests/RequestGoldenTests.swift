@testable import DockerEngine
import Engine
import Foundation
import Plan
import Testing

/// What `DockerEngine` sends, per API version, for one fixed scenario, compared byte for byte
/// with `Golden/requests-v<version>.txt`: each request as `METHOD PATH`, then its body on one
/// line exactly as sent (no line: no body). Re-record on purpose with
/// `RANGECTL_RECORD_GOLDEN=1 swift test --filter RequestGoldenTests`, then review the diff.
struct RequestGoldenTests {
    static let goldenDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let recording = ProcessInfo.processInfo.environment["RANGECTL_RECORD_GOLDEN"] == "1"

    @Test(arguments: ["1.41", "1.44", "1.45", "1.48", "1.51"])
    func requestsAsSent(_ version: String) throws {
        let transport = RecordingTransport(apiVersion: version)
        var steps: [(String, Int)] = []   // (step, index of its first request)
        func step(_ name: String, _ body: () throws -> Void) rethrows {
            steps.append((name, transport.requests.count))
            try body()
        }
        let range = Scenario.range
        var engine: DockerEngine!
        try step("negotiate the API version") { engine = try DockerEngine(endpoint: "unix:///test.sock", transport: transport) }
        var networkIDs: [String] = []
        for n in range.networks {
            let kind = n.router == nil ? "plain" : n.internal ? "routed, internal" : "routed"
            try step("create network \(n.name) (\(kind))") {
                networkIDs.append(try engine.createNetwork(n, labels: Scenario.networkLabels(n)))
            }
        }
        let vm = range.vms[0]
        var id = ""
        try step("create vm \(vm.hostname) with \(vm.interfaces.count) NICs") {
            id = try engine.createContainer(vm, range: range, labels: Scenario.vmLabels(vm), cpus: 4)
        }
        try step("start it") { try engine.startContainer(id: id) }
        try step("set its routes (helper: create, start, wait, logs, remove; then the marker)") {
            try engine.setRoutes(vm, containerID: id, range: range)
        }
        try step("read its routes") {
            let routes = try engine.readRoutes(containerID: id, range: range)
            #expect(routes == "default via 172.30.1.1 dev eth0")
        }
        try step("exec in it") {
            let (status, output) = try engine.exec(container: id, command: ["ip", "-o", "-4", "addr"])
            #expect(status == 0 && output == "1: lo    inet 127.0.0.1/8\n")
        }

        let p = "/v\(engine.apiVersion)"
        var lockID = ""
        try step("claim the range lock: free") {
            let got = try engine.claimLock(name: "golden.lock", labels: Scenario.lockLabels)
            #expect(got.labels["io.rangectl.lock-token"] == "t-1")
            lockID = got.id
        }
        try step("claim the range lock: held by another") {
            transport.script("POST", "\(p)/containers/create?name=golden.lock", 409, #"{"message":"Conflict. The container name \"/golden.lock\" is already in use"}"#)
            transport.script("GET", "\(p)/containers/golden.lock/json", 200, #"{"Id":"other-lock","Config":{"Labels":{"io.rangectl.lock-token":"t-0"}}}"#)
            let got = try engine.claimLock(name: "golden.lock", labels: Scenario.lockLabels)
            #expect(got.id == "other-lock" && got.labels["io.rangectl.lock-token"] == "t-0")
        }
        try step("claim the range lock: released between create and inspect, claimed again") {
            transport.script("POST", "\(p)/containers/create?name=golden.lock", 409, #"{"message":"Conflict."}"#)
            transport.script("GET", "\(p)/containers/golden.lock/json", 404, #"{"message":"No such container: golden.lock"}"#)
            let got = try engine.claimLock(name: "golden.lock", labels: Scenario.lockLabels)
            #expect(got.labels["io.rangectl.lock-token"] == "t-1")
        }
        try step("release the range lock") { try engine.releaseLock(id: lockID) }
        try step("remove the vm") { try engine.removeContainer(id: id) }
        for (n, netID) in zip(range.networks, networkIDs) {
            try step("remove network \(n.name)") { try engine.removeNetwork(id: netID) }
        }

        var text = """
        # What rangectl sends at API \(version), as sent. Each request: METHOD PATH, then its body on one
        # line as sent (no line: none). Tests/DockerEngineTests/RequestGoldenTests.swift; re-record with
        # RANGECTL_RECORD_GOLDEN=1 swift test --filter RequestGoldenTests
        # features: \(engine.features)

        """
        let requests = transport.requests
        for (k, (name, start)) in steps.enumerated() {
            let end = k + 1 < steps.count ? steps[k + 1].1 : requests.count
            text += "\n## \(name)\n"
            for r in requests[start..<end] {
                text += "\(r.method) \(r.path)\n"
                if let body = r.body {
                    #expect(!body.contains("\n"), "a body on more than one line: \(r.path)")
                    text += body + "\n"
                }
            }
        }
        try compare(text, golden: "requests-v\(version).txt")
    }

    func compare(_ actual: String, golden: String) throws {
        let url = Self.goldenDir.appendingPathComponent(golden)
        if Self.recording {
            try FileManager.default.createDirectory(at: Self.goldenDir, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
            return
        }
        let expected = try Data(contentsOf: url)
        if Data(actual.utf8) != expected {
            let diff = LineDiff.render(expected: String(decoding: expected, as: UTF8.self), actual: actual)
            Issue.record("\(golden) differs (- golden, + sent); re-record with RANGECTL_RECORD_GOLDEN=1 if the change is intended:\n\(diff)")
        }
    }
}

/// A readable difference of two texts: the lines between their common start and common end.
enum LineDiff {
    static func render(expected: String, actual: String, limit: Int = 40) -> String {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var head = 0
        while head < a.count, head < b.count, a[head] == b[head] { head += 1 }
        var tail = 0
        while tail < a.count - head, tail < b.count - head, a[a.count - 1 - tail] == b[b.count - 1 - tail] { tail += 1 }
        var out = "@@ line \(head + 1) @@\n"
        if head > 0 { out += "  \(a[head - 1])\n" }
        for line in a[head..<(a.count - tail)].prefix(limit) { out += "- \(line)\n" }
        for line in b[head..<(b.count - tail)].prefix(limit) { out += "+ \(line)\n" }
        // One long body line against another: point at where they part.
        if a.count - tail - head == 1, b.count - tail - head == 1 {
            let (x, y) = (Array(a[head].utf8), Array(b[head].utf8))
            var i = 0
            while i < x.count, i < y.count, x[i] == y[i] { i += 1 }
            func around(_ bytes: [UInt8]) -> String { String(decoding: bytes[max(0, i - 20)..<min(bytes.count, i + 30)], as: UTF8.self) }
            out += "first difference at byte \(i + 1) of the line:\n- …\(around(x))…\n+ …\(around(y))…\n"
        }
        return out
    }
}

/// The fixed range of the golden files: a plain network, a routed one and a routed internal one,
/// and a VM with three NICs, limits, capabilities, sysctls, env, command and labels.
enum Scenario {
    static func ip(_ text: String) -> IPv4Address { IPv4Address(text)! }
    static func subnet(_ text: String) -> IPv4Subnet { try! IPv4Subnet.parse(text).get() }

    static let range = DesiredRange(
        name: "golden",
        labels: [KeyValue("owner", "blue-team")],
        networks: [
            DesiredNetwork(name: "lan", dockerName: "golden-lan", subnet: subnet("10.10.0.0/24"), gateway: ip("10.10.0.1"),
                           reserved: 9, internal: false),
            DesiredNetwork(name: "internet", dockerName: "golden-internet", subnet: subnet("172.30.0.0/24"), gateway: ip("172.30.0.1"),
                           reserved: 9, internal: false, router: "fw", bridgeIP: ip("172.30.0.254")),
            DesiredNetwork(name: "dmz", dockerName: "golden-dmz", subnet: subnet("172.30.1.0/24"), gateway: ip("172.30.1.1"),
                           reserved: 9, internal: true, router: "fw", bridgeIP: ip("172.30.1.254")),
        ],
        vms: [
            DesiredVM(hostname: "web01", dockerName: "golden-web01", image: "busybox:latest", cpu: 2, ramMB: 512, diskGB: 10,
                      privileged: false, capAdd: ["NET_ADMIN", "NET_RAW"], sysctls: [KeyValue("net.ipv4.ip_forward", "1")],
                      env: [KeyValue("MOTD", "say \"hi\" \\ ünï\tcode"), KeyValue("ROLE", "web")],
                      command: ["sleep", "infinity"],
                      interfaces: [
                          DesiredInterface(name: "eth0", network: "dmz", ip: ip("172.30.1.10"), primary: true, auto: true),
                          DesiredInterface(name: "eth1", network: "internet", ip: ip("172.30.0.10"), primary: false, auto: true),
                          DesiredInterface(name: "eth2", network: "lan", ip: ip("10.10.0.10"), primary: false, auto: false),
                      ],
                      routes: [DesiredRoute(to: "default", via: ip("172.30.1.1"), implicit: true),
                               DesiredRoute(to: "10.20.0.0/16", via: ip("172.30.0.1"))]),
        ])

    // Fixed labels rather than the planner's (spec hashes): these files show only what DockerEngine does.
    static func networkLabels(_ n: DesiredNetwork) -> [KeyValue] {
        RangeLabels.common(range: range.name, manifestLabels: range.labels) + [KeyValue(RangeLabels.network, n.name)]
    }

    static func vmLabels(_ vm: DesiredVM) -> [KeyValue] {
        RangeLabels.common(range: range.name, manifestLabels: range.labels) + [
            KeyValue(RangeLabels.vm, vm.hostname),
            KeyValue(RangeLabels.interfaces, "dmz=172.30.1.10,internet=172.30.0.10,lan=10.10.0.10"),
        ]
    }

    static let lockLabels = RangeLabels.common(range: range.name, manifestLabels: range.labels) + [
        KeyValue("io.rangectl.lock-token", "t-1"), KeyValue("io.rangectl.lock-holder", "ci@host pid 42"),
    ]
}
