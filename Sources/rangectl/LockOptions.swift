import ArgumentParser
import Engine
import Foundation
import RangeDiagnostics

/// `--lock-timeout`: how long `apply` and `destroy` wait for another run of the same range.
struct LockOptions: ParsableArguments {
    @Option(help: "Seconds to wait for another apply or destroy of this range to finish (0: fail at once).")
    var lockTimeout: Double = 0

    func validate() throws {
        guard lockTimeout >= 0 else { throw ValidationError("--lock-timeout cannot be negative") }
    }

    /// Takes the range's lock on the engine, or a `range-locked` diagnostic naming who holds it
    /// and how long it waited (on `clock`, the system's but in tests).
    func acquire(_ range: String, on engine: any ContainerEngine, clock: any EngineClock = SystemClock()) -> Result<RangeLock, Diagnostic> {
        do {
            return .success(try RangeLock.acquire(range, on: engine, timeout: lockTimeout, clock: clock))
        } catch let LockError.held(holder, name, waited) {
            let expiry = ISO8601DateFormatter().string(from: holder.expires)
            let waitedText = waited > 0 ? String(format: "; waited %.0f s", waited) : ""
            return .failure(.error(.rangeLocked, "range \(range) is locked by \(holder) (lock \(name) on the engine, expires \(expiry)): another apply or destroy is running\(waitedText). Wait for it with --lock-timeout SECONDS; if its holder is gone for good, `docker rm \(name)` frees it", at: nil))
        } catch {
            return .failure(.engine(error, endpoint: engine.endpoint))
        }
    }
}
