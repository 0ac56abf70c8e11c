import Applier
import Engine
import Foundation
import InMemoryEngine
import Plan
import Planner
import Testing
@testable import Workflows

/// What `status` reads from the engine: a constant number of calls per VM whatever its NICs,
/// reads in parallel within `--parallelism`, and views in manifest order whatever order the
/// reads finish in. Against the in-memory engine, whose containers answer `ip` as busybox does.
struct RangeStatusTests {
    /// What the VMs' image can run.
    enum Image: CaseIterable, CustomStringConvertible {
        case shellAndIP, ipWithoutShell, neither

        var description: String {
            switch self {
            case .shellAndIP: return "sh and ip"
            case .ipWithoutShell: return "ip without sh"
            case .neither: return "neither sh nor ip"
            }
        }

        /// The calls status makes for one running VM of this image.
        var callsPerVM: [String] {
            switch self {
            case .shellAndIP: return ["execOutput"]
            case .ipWithoutShell: return ["execOutput", "exec", "exec"]
            case .neither: return ["execOutput", "exec", "readRoutes"]
            }
        }
    }

    /// Range `t`: `vms` VMs with `nics` NICs each (networks n0, n1, ... in 10.200.200.0/24 and up).
    static func manifest(vms: Int, nics: Int) -> String {
        let networks = (0..<nics).map { "  - {name: n\($0), subnet: 10.200.\(200 + $0).0/24}" }
        let names = (0..<nics).map { "n\($0)" }.joined(separator: ", ")
        let list = (0..<vms).map { "  - {hostname: vm\(String(format: "%02d", $0)), image: busybox:latest, networks: [\(names)]}" }
        return "version: 1\nname: t\nnetworks:\n" + networks.joined(separator: "\n") + "\nvms:\n" + list.joined(separator: "\n") + "\n"
    }

    /// The range applied to a fresh in-memory engine; returns the engine and the manifest compiled
    /// as `status` compiles it.
    static func applied(_ text: String) throws -> (InMemoryEngine, DesiredRange) {
        let engine = InMemoryEngine()
        let live = LivePlanning.plan(RangeCompiler.parse(Array(text.utf8), file: "t.yaml"), engine: { .success(engine) })
        _ = try #require(live.plan.desired, "\(live.plan.diagnostics.map(\.message))")
        #expect(live.apply(on: engine, parallelism: 8)?.succeeded == true)
        let compiled = try #require(RangeCompiler.compile(Array(text.utf8), file: "t.yaml").desired)
        return (engine, compiled)
    }

    /// `ip -o -4 addr show` and `ip route show` as busybox prints them for this container.
    static func ipOutput(_ c: InMemoryEngine.Container) -> (addresses: String, routes: String) {
        var addresses = "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n"
        var routes = ""
        for (k, e) in c.endpoints.enumerated() {
            let net = e.ip.split(separator: ".").dropLast().joined(separator: ".")
            addresses += "\(k + 2): eth\(k)    inet \(e.ip)/24 brd \(net).255 scope global eth\(k)\\       valid_lft forever preferred_lft forever\n"
            if k == 0 { routes += "default via \(net).1 dev eth0 \n" }
            routes += "\(net).0/24 dev eth\(k) scope link  src \(e.ip) \n"
        }
        return (addresses, routes)
    }

    /// Commands inside a container of this image, answered as the engine would.
    static func commands(_ image: Image) -> @Sendable (InMemoryEngine.Container, [String]) -> (exitCode: Int, output: String) {
        { c, command in
            let (addresses, routes) = ipOutput(c)
            let hasIP = image != .neither
            if command == RangeStatus.insideCommand, image == .shellAndIP {
                return (0, addresses + "\(RangeStatus.exitMarker) 0\n" + routes + "\(RangeStatus.exitMarker) 0\n")
            }
            if command == ["ip", "-o", "-4", "addr", "show"], hasIP { return (0, addresses) }
            if command == ["ip", "route", "show"], hasIP { return (0, routes) }
            return (127, "OCI runtime exec failed: exec failed: unable to start container process: exec: \"\(command[0])\": executable file not found in $PATH\r\n")
        }
    }

    /// Runs status's collection as the command does (through the retrying wrapper); returns the
    /// views and the calls the engine received for it.
    static func status(_ engine: InMemoryEngine, _ compiled: DesiredRange, parallelism: Int = 8, namespaceHelper: Bool = true) throws -> ([VMStatus], [InMemoryEngine.Call]) {
        engine.resetCalls()
        let e = RetryingEngine(engine)
        let (_, views) = RangeStatus.collect(compiled, inventory: try e.inventory(), engine: e, parallelism: parallelism, namespaceHelper: namespaceHelper)
        return (views, engine.calls)
    }

    /// The namespace helper's answer: `insideCommand`'s script as busybox runs it in each VM.
    static let helperAnswers: @Sendable (InMemoryEngine.Container, String) -> String = { c, script in
        guard script == RangeStatus.insideCommand[2] else { return "" }
        let (addresses, routes) = ipOutput(c)
        return addresses + "\(RangeStatus.exitMarker) 0\n" + routes + "\(RangeStatus.exitMarker) 0\n"
    }

    /// With the namespace helper: one call reads every VM, whatever the VMs' image, their NICs and
    /// their count; each NIC's real name comes from inside.
    @Test(arguments: Image.allCases)
    func oneHelperReadsEveryVMWhateverTheImageTheNICsAndTheCount(_ image: Image) throws {
        for vms in [5, 10] {
            for nics in [1, 3] {
                let (engine, compiled) = try Self.applied(Self.manifest(vms: vms, nics: nics))
                engine.commands = Self.commands(image)
                engine.helperScripts = Self.helperAnswers
                let (views, received) = try Self.status(engine, compiled)
                #expect(received.map(\.name) == ["inventory", "readNamespaces"], "\(image), \(vms) VMs x \(nics) NICs")
                #expect(views.count == vms && views.allSatisfy { $0.nics.count == nics && $0.nics.allSatisfy { !$0.predicted } })
                #expect(views.allSatisfy { $0.routes.first?.hasPrefix("default via 10.200.200.1 dev eth0") == true }, "\(views.map(\.routes))")
            }
        }
    }

    /// `--read-with exec`: no helper with the host's processes; each VM read in its own image.
    @Test func readWithExecRunsNoNamespaceHelper() throws {
        let (engine, compiled) = try Self.applied(Self.manifest(vms: 3, nics: 1))
        engine.commands = Self.commands(.shellAndIP)
        engine.helperScripts = Self.helperAnswers
        let (views, received) = try Self.status(engine, compiled, namespaceHelper: false)
        #expect(received.map(\.name) == ["inventory", "execOutput", "execOutput", "execOutput"])
        #expect(views.allSatisfy { $0.nics.allSatisfy { !$0.predicted } })
    }

    /// A VM the helper could not enter (its output missing or not the read's) is read on its own.
    @Test func aVMTheHelperCouldNotReadIsReadOnItsOwn() throws {
        let (engine, compiled) = try Self.applied(Self.manifest(vms: 3, nics: 2))
        let missed = try #require(engine.container(named: "t-vm01")).id
        engine.commands = Self.commands(.shellAndIP)
        engine.helperScripts = { c, script in c.id == missed ? "nsenter: can't open '/proc/42/ns/net': No such file or directory\n" : Self.helperAnswers(c, script) }
        let (views, received) = try Self.status(engine, compiled)
        #expect(received.map(\.name) == ["inventory", "readNamespaces", "execOutput"] && received.last?.target == missed)
        #expect(views.allSatisfy { $0.nics.allSatisfy { !$0.predicted } })
    }

    /// Without the namespace helper (the engine refuses it): each VM is read on its own, with a
    /// constant number of calls per VM whatever its NICs and the VM count.
    @Test(arguments: Image.allCases)
    func theEngineCallsPerVMAreTheSameWhateverItsNICsAndTheVMCount(_ image: Image) throws {
        var calls: [String: Int] = [:]
        for vms in [5, 10] {
            for nics in [1, 3] {
                let (engine, compiled) = try Self.applied(Self.manifest(vms: vms, nics: nics))
                engine.commands = Self.commands(image)
                engine.namespaceReader = false
                let (views, received) = try Self.status(engine, compiled)
                calls["\(vms)x\(nics)"] = received.count
                // One inventory and the refused helper, then for each VM exactly the calls of its
                // image, on its own container.
                #expect(received.filter { $0.name == "inventory" }.count == 1)
                #expect(received.filter { $0.name == "readNamespaces" }.count == 1)
                let byContainer = Dictionary(grouping: received.filter { $0.name != "inventory" && $0.name != "readNamespaces" }, by: \.target)
                #expect(byContainer.count == vms)
                for (_, list) in byContainer { #expect(list.map(\.name) == image.callsPerVM, "\(image), \(vms) VMs x \(nics) NICs") }
                #expect(views.allSatisfy { $0.nics.count == nics && $0.nics.allSatisfy { $0.predicted == (image == .neither) } })
            }
        }
        #expect(calls["5x1"] == calls["5x3"] && calls["10x1"] == calls["10x3"], "\(calls)")
        #expect(calls["10x1"]! - calls["5x1"]! == 5 * image.callsPerVM.count, "\(calls)")
    }

    @Test func viewsKeepManifestOrderWhenTheReadsFinishInAnotherOrder() throws {
        let vms = 6
        let (engine, compiled) = try Self.applied(Self.manifest(vms: vms, nics: 2))
        engine.namespaceReader = false
        let first = try #require(engine.container(named: "t-vm00")).id
        let othersDone = DispatchSemaphore(value: 0)
        let finished = Finished()
        let answer = Self.commands(.shellAndIP)
        engine.commands = { c, command in
            if c.id == first {
                // The first VM's read ends only once every other read has ended (the 30 s are a
                // guard against a hang should the reads run one after another, not a measure).
                let deadline = DispatchTime.now() + 30
                for _ in 1..<vms {
                    if othersDone.wait(timeout: deadline) == .timedOut { finished.add("timed out") }
                }
            }
            defer {
                finished.add(c.name)
                if c.id != first { othersDone.signal() }
            }
            return answer(c, command)
        }
        let (views, _) = try Self.status(engine, compiled, parallelism: vms)
        #expect(finished.names.last == "t-vm00" && !finished.names.contains("timed out"), "\(finished.names)")
        #expect(views.map(\.hostname) == (0..<vms).map { String(format: "vm%02d", $0) })
        // Each view holds its own VM's reads: its routes name its own addresses.
        for v in views {
            let container = try #require(engine.container(named: v.dockerName))
            #expect(v.routes == Self.ipOutput(container).routes.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(v.nics.map(\.ip) == container.endpoints.map { $0.ip } && v.nics.allSatisfy { !$0.predicted })
        }
    }

    @Test func noMoreReadsRunAtOnceThanTheParallelism() throws {
        let (engine, compiled) = try Self.applied(Self.manifest(vms: 9, nics: 1))
        engine.namespaceReader = false
        let gauge = Gauge()
        let answer = Self.commands(.shellAndIP)
        engine.commands = { c, command in
            // The first three reads wait for one another: three must be able to run at once.
            gauge.enter(holdingFirst: 3)
            defer { gauge.leave() }
            return answer(c, command)
        }
        let (views, _) = try Self.status(engine, compiled, parallelism: 3)
        #expect(views.count == 9 && gauge.most == 3, "\(gauge.most) reads at once")
    }

    @Test func stoppedAndAbsentVMsAreNotRead() throws {
        let (engine, compiled) = try Self.applied(Self.manifest(vms: 3, nics: 2))
        engine.commands = Self.commands(.shellAndIP)
        engine.helperScripts = Self.helperAnswers
        engine.modifyContainer(named: "t-vm01") { $0.running = false }
        try engine.removeContainer(id: try #require(engine.container(named: "t-vm02")).id)
        let (views, calls) = try Self.status(engine, compiled)
        #expect(views.map(\.state) == ["running", "exited", "absent"])
        #expect(calls.map(\.name) == ["inventory", "readNamespaces"])
        #expect(calls.last?.target == (try #require(engine.container(named: "t-vm00")).id), "the helper enters only the running VM")
    }

    @Test(arguments: [
        // busybox: both reads worked.
        ("2: eth0    inet 10.0.0.2/24\nrangectl-status-exit 0\ndefault via 10.0.0.1 dev eth0\nrangectl-status-exit 0\n",
         "2: eth0    inet 10.0.0.2/24\n", 0, "default via 10.0.0.1 dev eth0\n", 0),
        // sh without ip.
        ("rangectl-status-exit 127\nrangectl-status-exit 127\n", "", 127, "", 127),
    ])
    func theInsideOutputSplitsIntoItsTwoReads(_ output: String, _ addresses: String, _ addressStatus: Int, _ routes: String, _ routeStatus: Int) throws {
        let read = try #require(RangeStatus.insideOutputs(output))
        #expect(read.addresses.text == addresses && read.addresses.status == addressStatus)
        #expect(read.routes.text == routes && read.routes.status == routeStatus)
    }

    @Test(arguments: [
        "OCI runtime exec failed: exec failed: unable to start container process: exec: \"sh\": executable file not found in $PATH\r\n",
        "",
        "2: eth0    inet 10.0.0.2/24rangectl-status-exit 0\ndefault via 10.0.0.1 dev eth0\nrangectl-status-exit 0\n",
    ])
    func anOutputWithoutBothStatusLinesIsNotTaken(_ output: String) {
        #expect(RangeStatus.insideOutputs(output) == nil)
    }
}

/// The containers whose reads ended, in the order they ended. Thread-safe.
private final class Finished: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ name: String) { lock.lock(); list.append(name); lock.unlock() }
    var names: [String] { lock.lock(); defer { lock.unlock() }; return list }
}

/// How many callers are inside at once, and the most there ever were. Thread-safe.
private final class Gauge: @unchecked Sendable {
    private let condition = NSCondition()
    private var now = 0
    private var entered = 0
    private var peak = 0

    /// Enters; each of the first `n` callers waits until `n` are inside (a minute at most: a
    /// guard against a hang, not a measure).
    func enter(holdingFirst n: Int) {
        condition.lock()
        defer { condition.unlock() }
        now += 1
        entered += 1
        peak = max(peak, now)
        guard entered <= n else { return }
        condition.broadcast()
        let deadline = Date().addingTimeInterval(60)
        while entered < n, condition.wait(until: deadline) {}
    }

    func leave() { condition.lock(); now -= 1; condition.unlock() }
    var most: Int { condition.lock(); defer { condition.unlock() }; return peak }
}
