import Engine
import Manifest
import Plan
import Planner
import RangeDiagnostics

/// What `apply` carries out: a manifest (already compiled offline, with its lock file), or a
/// plan saved with `plan --out` (its JSON document).
public enum ApplySource: Sendable {
    case manifest(ParsedManifest, validated: Compilation, lock: LockFile.Read?)
    case saved(JSONValue, file: String)
}

/// How `apply` (and `destroy`) prepare: where VMs may be placed, what is pulled, which instances,
/// how long the range's lock is waited for, how many pulls run at once.
public struct ApplySettings: Sendable {
    public var hosts: [String]
    public var pull: PullPolicy
    public var instances: [String]
    public var lockTimeout: Double
    public var parallelism: Int

    /// Whether the plan may count on apply's pulls (a missing image is then a warning).
    public var pulling: Bool { pull != .never }

    public init(hosts: [String] = [], pull: PullPolicy = .missing, instances: [String] = [], lockTimeout: Double = 0, parallelism: Int = 8) {
        self.hosts = hosts
        self.pull = pull
        self.instances = instances
        self.lockTimeout = lockTimeout
        self.parallelism = parallelism
    }
}

/// A plan ready to be carried out: made under the range's lock (which the caller releases
/// after the apply), against the engine it was made on, with the images it needed pulled.
public struct PreparedApply {
    public var live: LivePlan
    /// The engine it was planned on; nil when it was never reached.
    public var engine: (any ContainerEngine)?
    /// The range's lock, held; nil when it was not taken.
    public var lock: RangeLock?
    /// The pulls made before the plan (in the order of `ImageNeeds.toPull`).
    public var pulls: [ImagePulling.Outcome]

    /// Whether the plan may be carried out: valid, with a desired range, on an engine that was read.
    public var ready: Bool { live.plan.valid && live.plan.desired != nil && engine != nil && live.inventory != nil }

    static func refused(_ range: String, _ diagnostics: [Diagnostic], engine: (any ContainerEngine)? = nil, lock: RangeLock? = nil) -> PreparedApply {
        PreparedApply(live: .refused(range, diagnostics), engine: engine, lock: lock, pulls: [])
    }
}

/// The workflows of `apply` and `destroy` up to the changes, for the commands and the tests:
/// connect, take the range's lock, observe, plan (a saved plan only if the engine still holds what
/// it was planned against), pull what is missing and plan again. An invalid manifest or saved plan
/// never reaches the engine. The commands add the terminal, the confirmation and the exit codes.
public enum ApplyPreparing {
    /// `pulled` hears each pull as it ends (from the pulling threads, one at a time).
    public static func prepare(_ source: ApplySource, settings: ApplySettings, clock: any EngineClock = SystemClock(),
                               connect: () -> Result<any ContainerEngine, Diagnostic>,
                               pulled: @escaping @Sendable (ImagePulling.Outcome) -> Void = { _ in }) -> PreparedApply {
        switch source {
        case let .manifest(parsed, first, lockFile):
            guard first.valid, first.desired != nil else { return .refused(first.rangeName, first.diagnostics) }
            let (engine, lock): (any ContainerEngine, RangeLock)
            switch connectAndLock(first.rangeName, earlier: first.diagnostics, settings: settings, clock: clock, connect: connect) {
            case let .refused(prepared): return prepared
            case let .ready(e, l): (engine, lock) = (e, l)
            }
            let replan = {
                LivePlanning.plan(parsed, validated: first, hosts: settings.hosts, lock: lockFile, pulling: settings.pulling,
                                  instances: settings.instances, engine: { .success(engine) })
            }
            let (live, pulls) = ImagePulling.pullThenReplan(replan(), policy: settings.pull, engine: engine,
                                                            parallelism: settings.parallelism, progress: pulled, replan: replan)
            return PreparedApply(live: live, engine: engine, lock: lock, pulls: pulls)
        case let .saved(document, file):
            return saved(document, file: file, settings: settings, clock: clock, connect: connect, pulled: pulled)
        }
    }

    /// `destroy`: every object the range owns by label (of `settings.instances` only, when given),
    /// planned for removal under the range's lock.
    public static func teardown(_ range: String, settings: ApplySettings, clock: any EngineClock = SystemClock(),
                                connect: () -> Result<any ContainerEngine, Diagnostic>) -> PreparedApply {
        let (engine, lock): (any ContainerEngine, RangeLock)
        switch connectAndLock(range, settings: settings, clock: clock, connect: connect) {
        case let .refused(prepared): return prepared
        case let .ready(e, l): (engine, lock) = (e, l)
        }
        do {
            let live = LivePlanning.teardown(range, instances: settings.instances, inventory: try engine.inventory(), endpoint: engine.endpoint)
            return PreparedApply(live: live, engine: engine, lock: lock, pulls: [])
        } catch {
            return .refused(range, [.engine(error, endpoint: engine.endpoint)], engine: engine, lock: lock)
        }
    }

    /// A saved plan is applied only if the engine still holds exactly what it was planned against
    /// (`LivePlanning.saved`), checked under the range's lock.
    private static func saved(_ document: JSONValue, file: String, settings: ApplySettings, clock: any EngineClock,
                              connect: () -> Result<any ContainerEngine, Diagnostic>,
                              pulled: @escaping @Sendable (ImagePulling.Outcome) -> Void) -> PreparedApply {
        let saved: SavedPlan
        switch SavedPlan.read(document) {
        case let .failure(e): return .refused("", [.error(.stalePlan, "\(file) is not a plan that can be applied: \(e.reason)", at: nil)])
        case let .success(s): saved = s
        }
        let range = saved.desired.name
        let (engine, lock): (any ContainerEngine, RangeLock)
        switch connectAndLock(range, settings: settings, clock: clock, connect: connect) {
        case let .refused(prepared): return prepared
        case let .ready(e, l): (engine, lock) = (e, l)
        }
        let replan = { LivePlanning.saved(saved, file: file, inventory: try engine.observe(for: saved.desired), endpoint: engine.endpoint,
                                          pulling: settings.pulling) }
        do {
            let first = try replan()
            var failure: (any Error)?
            let (live, pulls) = ImagePulling.pullThenReplan(first, policy: settings.pull, engine: engine,
                                                            parallelism: settings.parallelism, progress: pulled) {
                do { return try replan() } catch { failure = error; return first }
            }
            if let failure { throw failure }
            return PreparedApply(live: live, engine: engine, lock: lock, pulls: pulls)
        } catch {
            return .refused(range, [.engine(error, endpoint: engine.endpoint)], engine: engine, lock: lock)
        }
    }

    private enum Connection {
        case ready(any ContainerEngine, RangeLock)
        case refused(PreparedApply)
    }

    /// Connected, with the range's lock held; or refused with the diagnostic that stopped it
    /// (after `earlier`, the offline plan's warnings).
    private static func connectAndLock(_ range: String, earlier: [Diagnostic] = [], settings: ApplySettings, clock: any EngineClock,
                                       connect: () -> Result<any ContainerEngine, Diagnostic>) -> Connection {
        let engine: any ContainerEngine
        switch connect() {
        case let .failure(d): return .refused(.refused(range, earlier + [d]))
        case let .success(e): engine = e
        }
        switch RangeLocking.acquire(range, on: engine, timeout: settings.lockTimeout, clock: clock) {
        case let .failure(d): return .refused(.refused(range, earlier + [d], engine: engine))
        case let .success(lock): return .ready(engine, lock)
        }
    }
}
