import Foundation
import Engine
import Plan
import RangeDiagnostics
import Verify

/// `verify` against a live range: the probes its policy implies, each run by helper containers
/// in the VMs' network namespaces (nothing is installed in the VMs), up to `parallelism` at once;
/// probes that share a listener run one after another.
public enum LiveVerify {
    /// What stops the probes of `plan` (`ProbePlanner.plan(desired)`) before any runs: the helper
    /// image missing on a node that holds a probed VM (`image-missing`), or lacking one of
    /// `ProbeCommands.tools` (`helper-missing-tool`).
    public static func preflight(_ desired: DesiredRange, plan: ProbePlan, inventory: EngineInventory, engine: any ContainerEngine) -> [Diagnostic] {
        var hosts: [String?] = []
        for p in plan.probes {
            for end in [p.source, p.destination] {
                let host = desired.vms.first { $0.dockerName == end.container }?.host
                if !hosts.contains(host) { hosts.append(host) }
            }
        }
        let states: [(host: String?, state: HelperImageState)]
        do {
            states = try engine.helperImage(ProbeCommands.tools, range: desired, hosts: hosts, inventory: inventory)
        } catch {
            return [.engine(error, endpoint: engine.endpoint)]
        }
        let location = desired.policy?.location
        return states.compactMap { host, state in
            let on = host.map { "the engine of node \($0)" } ?? "the engine"
            switch state {
            case .ready: return nil
            case .absent:
                return .error(.imageMissing, "helper image \(desired.helperImage) is not present on \(on); verify runs its probes in it (pull it, or set helper_image)", at: location)
            case let .lacks(missing):
                return .error(.helperMissingTool, "helper image \(desired.helperImage) on \(on) lacks \(missing.joined(separator: ", ")), which verify's probes need; set helper_image to an image with Debian's busybox (README, \"verify\")", at: location)
            }
        }
    }

    /// The report of `plan`'s probes of `desired` (compiled against this live state) on `engine`,
    /// whose `inventory` was just read.
    public static func run(_ desired: DesiredRange, plan: ProbePlan, inventory: EngineInventory, engine: any ContainerEngine,
                           parallelism: Int, deadline: Int) -> VerifyReport {
        let running = Dictionary(inventory.observed(desired).containers.filter { $0.state == .running }.map { ($0.name, $0.id) },
                                 uniquingKeysWith: { first, _ in first })
        let helpers = EngineProbeHelpers(engine: engine, range: desired, ids: running)
        let probes = plan.probes
        let groups = ProbeRunner.groups(probes)
        let ran = Concurrent.map(groups, width: parallelism) { group in
            group.map { i -> (Int, ProbeResult) in
                let p = probes[i]
                for end in [p.source, p.destination] where running[end.container] == nil {
                    return (i, ProbeResult(probe: p, outcome: .failed("\(end.name) is not running (apply the range first)")))
                }
                return (i, ProbeRunner.run(p, helpers: helpers, deadline: deadline))
            }
        }
        var results = [ProbeResult?](repeating: nil, count: probes.count)
        for (i, r) in ran.joined() { results[i] = r }
        return VerifyReport(range: desired.name, results: results.compactMap { $0 }, skipped: plan.skipped)
    }
}

/// `ProbeHelpers` over an engine: VM containers named as the plan names them, found by id.
struct EngineProbeHelpers: ProbeHelpers {
    let engine: any ContainerEngine
    let range: DesiredRange
    /// Running VM containers of the range: engine name to id.
    let ids: [String: String]

    func id(_ container: String) throws -> String {
        guard let id = ids[container] else { throw EngineError.unsupported("\(container) is not running") }
        return id
    }

    func start(_ script: String, in container: String) throws -> String {
        try engine.startHelper(script: script, in: id(container), range: range, owner: "verify")
    }

    func output(_ handle: String) throws -> (text: String, ended: Bool) { try engine.helperOutput(id: handle) }

    func remove(_ handle: String) { try? engine.removeContainer(id: handle) }

    func run(_ script: String, in container: String) throws -> String {
        try engine.runHelper(script: script, in: id(container), range: range, owner: "verify").output
    }
}
