import ArgumentParser
import Glibc

// Usage errors exit 1 like every other error (CLI.md knows 0, 1 and 2); help and version exit 0.
signal(SIGPIPE, SIG_IGN) // a closed pipe (rangectl plan | head) ends output quietly
MallocTuning.apply()
do {
    var command = try RangeCtl.parseAsRoot()
    try command.run()
} catch {
    if RangeCtl.exitCode(for: error) == .validationFailure {
        Terminal.writeError(RangeCtl.fullMessage(for: error) + "\n")
        exit(1)
    }
    RangeCtl.exit(withError: error)
}
