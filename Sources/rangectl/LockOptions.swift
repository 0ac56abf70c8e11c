import ArgumentParser

/// `--lock-timeout`: how long `apply` and `destroy` wait for another run of the same range
/// (`RangeLocking` takes the lock).
struct LockOptions: ParsableArguments {
    @Option(help: "Seconds to wait for another apply or destroy of this range to finish (0: fail at once).")
    var lockTimeout: Double = 0

    func validate() throws {
        guard lockTimeout >= 0 else { throw ValidationError("--lock-timeout cannot be negative") }
    }
}
