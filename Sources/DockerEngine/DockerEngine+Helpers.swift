import Engine
import Foundation
import Plan
import RangeDiagnostics

/// What runs in helper containers (`helper_image`): routes, the policy, the tools check, verify's
/// probes and status's namespace read. Each helper carries the range's labels and is removed
/// after use (one left by a crash carries the helper label and is removed by the next apply).
extension DockerEngine {
    public func setRoutes(_ vm: DesiredVM, containerID: String, range: DesiredRange) throws {
        let (status, output) = try runHelper(RouteSetting.command(vm), in: containerID, range: range, owner: vm.hostname)
        if status != 0 {
            throw EngineError.unsupported("setting the routes of \(vm.dockerName) failed (helper \(range.helperImage) exited \(status)): \(output)")
        }
        let started = try startedAt(container: containerID)
        try replaceMarker(RouteSetting.markerName(vm), requests.routesMarker(vm, range: range, containerID: containerID, startedAt: started))
    }

    public func setPolicy(_ vm: DesiredVM, containerID: String, range: DesiredRange, removing: [PolicyAddress]) throws {
        guard let policy = vm.policy else { throw EngineError.unsupported("internal error: \(vm.hostname) has no policy to set") }
        let (status, output) = try runHelper(PolicySetting.command(policy, removing: removing), in: containerID, range: range, owner: vm.hostname)
        if status != 0 {
            throw EngineError.unsupported("setting the policy of \(vm.dockerName) failed (helper \(range.helperImage) exited \(status)): \(output)")
        }
        let started = try startedAt(container: containerID)
        try replaceMarker(PolicySetting.markerName(vm), requests.policyMarker(vm, policy, range: range, containerID: containerID, startedAt: started))
    }

    /// The marker container `name` (what was set, and on which start of the VM) made anew from `body`.
    private func replaceMarker(_ name: String, _ body: JSONValue) throws {
        try call("DELETE", "/containers/\(name)?force=true", allow: [404])
        let _: IdResponse = try post("/containers/create?name=\(name)", body)
    }

    public func readPolicy(containerID: String, helperImage: String, range: String) throws -> String {
        let labels = RangeLabels.common(range: range, manifestLabels: []) + [KeyValue(RangeLabels.helper, "plan")]
        let (status, output) = try runHelper(requests.helper(PolicySetting.readCommand, in: containerID, image: helperImage, labels: labels))
        guard status == 0 else { throw EngineError.unsupported("reading the policy failed (helper exited \(status)): \(output)") }
        return output
    }

    public func missingHelperTools(_ tools: [String], range: DesiredRange, host: String?) throws -> [String] {
        let labels = RangeLabels.common(range: range.name, manifestLabels: range.labels) + [KeyValue(RangeLabels.helper, "preflight")]
        let (status, output) = try runHelper(requests.helper(PolicySetting.toolsCommand(tools), in: nil, image: range.helperImage, labels: labels))
        guard status == 0 else { return tools }   // no `sh` either
        return output.split(separator: "\n").map(String.init).filter(tools.contains)
    }

    public func startHelper(script: String, in containerID: String, range: DesiredRange, owner: String) throws -> String {
        let helper: IdResponse = try post("/containers/create", requests.helper(["sh", "-c", script], in: containerID, range: range, owner: owner))
        do {
            try startContainer(id: helper.Id)
        } catch {
            try? removeContainer(id: helper.Id)
            throw error
        }
        return helper.Id
    }

    public func helperOutput(id: String) throws -> (text: String, ended: Bool) {
        let text = try helperLogs(id)
        let inspect: ContainerInspect = try get("/containers/\(id)/json")
        return (text, inspect.State?.Running != true)
    }

    /// What a helper printed so far, standard output and error as they came.
    private func helperLogs(_ id: String) throws -> String {
        let logs = try send("GET", "/containers/\(id)/logs?stdout=1&stderr=1")
        guard logs.status == 200 else { throw error(logs, "GET /containers/logs") }
        return Self.demultiplex(logs.body, streams: [1, 2])
    }

    public func runHelper(script: String, in containerID: String, range: DesiredRange, owner: String) throws -> (status: Int, output: String) {
        try runHelper(["sh", "-c", script], in: containerID, range: range, owner: owner)
    }

    /// One inspect per container for its host pid, then one helper for all (`NamespaceReading`).
    public func readNamespaces(_ containerIDs: [String], script: String, range: DesiredRange) throws -> [String: String] {
        // The inspects do not depend on each other: 8 at once, as the applier's default parallelism.
        let inspected = Concurrent.map(containerIDs, width: 8) { id in
            Result<ContainerInspect, any Error> { try self.get("/containers/\(id)/json") }
        }
        var pids: [(id: String, pid: Int)] = []
        for (id, result) in zip(containerIDs, inspected) {
            if let pid = try result.get().State?.Pid, pid > 0 { pids.append((id, pid)) }
        }
        guard !pids.isEmpty else { return [:] }
        let labels = RangeLabels.common(range: range.name, manifestLabels: range.labels) + [KeyValue(RangeLabels.helper, "status")]
        let helper: IdResponse = try post("/containers/create", requests.namespaceReader(NamespaceReading.script(pids), read: script,
                                                                                          image: range.helperImage, labels: labels))
        defer { try? removeContainer(id: helper.Id) }
        try startContainer(id: helper.Id)
        let output = try outputOnceFinished(helper.Id)
        guard NamespaceReading.finished(output), let sections = NamespaceReading.sections(output) else {
            throw EngineError.unsupported("reading the VMs' namespaces through one helper failed (helper \(range.helperImage)): \(output.suffix(200))")
        }
        return sections
    }

    /// The namespace reader's output once its script printed its last line (`NamespaceReading
    /// .finished`), its logs read every 20 ms: Podman answers `wait` 0.3 to 1 s after a container
    /// ended (its exit cleanup runs first, measured on 4.3), Docker at once; the logs have the
    /// lines as soon as they are printed on both. Every tenth read also asks whether the helper
    /// still runs: one that ended without its last line (it failed) gives what it printed.
    private func outputOnceFinished(_ id: String) throws -> String {
        let deadline = self.clock.now().addingTimeInterval(120)
        var reads = 0
        while true {
            let output = try helperLogs(id)
            reads += 1
            if NamespaceReading.finished(output) { return output }
            if reads % 10 == 0 {
                let inspect: ContainerInspect = try get("/containers/\(id)/json")
                if inspect.State?.Running != true { return try helperLogs(id) }
            }
            guard self.clock.now() < deadline else { throw EngineError.unsupported("the namespace reader did not finish within 120 s: \(output.suffix(200))") }
            self.clock.sleep(0.02)
        }
    }

    public func readRoutes(containerID: String, range: DesiredRange) throws -> String {
        let (status, output) = try runHelper(["ip", "route", "show"], in: containerID, range: range, owner: "status")
        guard status == 0 else { throw EngineError.unsupported("reading routes failed (helper exited \(status)): \(output)") }
        return output
    }

    /// Runs a short-lived helper container in a running container's network namespace with
    /// NET_ADMIN, waits for it, and removes it; returns its exit status and output.
    func runHelper(_ command: [String], in containerID: String, range: DesiredRange, owner: String) throws -> (Int, String) {
        try runHelper(requests.helper(command, in: containerID, range: range, owner: owner))
    }

    func runHelper(_ request: JSONValue) throws -> (Int, String) {
        let helper: IdResponse = try post("/containers/create", request)
        // Removed whatever happens; one left by a crash carries the helper label and is removed by the next apply.
        defer { try? removeContainer(id: helper.Id) }
        try startContainer(id: helper.Id)
        let waited: WaitResponse = try post("/containers/\(helper.Id)/wait", .object([]))
        let logs = try send("GET", "/containers/\(helper.Id)/logs?stdout=1&stderr=1")
        return (waited.StatusCode, Self.demultiplex(logs.body, streams: [1, 2]).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The engine's stream format without a TTY: frames of an 8-byte header (stream, 0, 0, 0,
    /// big-endian length) and a payload. Keeps the given streams (1 standard output, 2 error).
    static func demultiplex(_ data: Data, streams: Set<UInt8> = [1]) -> String {
        var out = Data()
        var i = data.startIndex
        while i + 8 <= data.endIndex {
            let stream = data[i]
            let length = Int(data[i + 4]) << 24 | Int(data[i + 5]) << 16 | Int(data[i + 6]) << 8 | Int(data[i + 7])
            let start = i + 8
            let end = min(start + length, data.endIndex)
            if streams.contains(stream) { out.append(data[start..<end]) }
            i = end
        }
        return String(decoding: out, as: UTF8.self)
    }
}
