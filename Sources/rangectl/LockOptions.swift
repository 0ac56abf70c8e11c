import ArgumentParser
import Engine
import RangeDiagnostics
import Workflows

/// `--lock-timeout`: how long `apply` and `destroy` wait for another run of the same range.
struct LockOptions: ParsableArguments {
    @Option(help: "Seconds to wait for another apply or destroy of this range to finish (0: fail at once).")
    var lockTimeout: Double = 0

    func validate() throws {
        guard lockTimeout >= 0 else { throw ValidationError("--lock-timeout cannot be negative") }
    }

    /// Takes the range's lock on the engine (`RangeLocking`), waiting `--lock-timeout` on `clock`.
    func acquire(_ range: String, on engine: any ContainerEngine, clock: any EngineClock = SystemClock()) -> Result<RangeLock, Diagnostic> {
        RangeLocking.acquire(range, on: engine, timeout: lockTimeout, clock: clock)
    }
}
