import Engine
import Foundation
import RangeDiagnostics

/// The range's lock on the engine (`RangeLock`) as `apply` and `destroy` take it: held, or a
/// `range-locked` diagnostic naming who holds it and how long it was waited for.
public enum RangeLocking {
    /// Takes the lock of `range`, waiting up to `timeout` seconds on `clock` for another run to end.
    public static func acquire(_ range: String, on engine: any ContainerEngine, timeout: Double,
                               clock: any EngineClock = SystemClock()) -> Result<RangeLock, Diagnostic> {
        do {
            return .success(try RangeLock.acquire(range, on: engine, timeout: timeout, clock: clock))
        } catch let LockError.held(holder, name, waited) {
            let expiry = ISO8601DateFormatter().string(from: holder.expires)
            let waitedText = waited > 0 ? String(format: "; waited %.0f s", waited) : ""
            return .failure(.error(.rangeLocked, "range \(range) is locked by \(holder) (lock \(name) on the engine, expires \(expiry)): another apply or destroy is running\(waitedText). Wait for it with --lock-timeout SECONDS; if its holder is gone for good, `docker rm \(name)` frees it", at: nil))
        } catch {
            return .failure(.engine(error, endpoint: engine.endpoint))
        }
    }
}
