import ArgumentParser
import Planner
import Workflows

/// `--locked` on `plan`, `apply` and `export`: the lock file beside the manifest must be there
/// and up to date (`LockFiles`).
struct LockFileOptions: ParsableArguments {
    @Flag(help: "Fail (exit 1, lock-stale) when FILE.lock is missing or would change, as cargo --locked does.")
    var locked = false

    /// The manifest planned offline with its lock's pins (`LockFiles.compile`), and the lock.
    func compile(_ parsed: ParsedManifest, manifest file: String, hosts: [String]) -> (Compilation, LockFile.Read?) {
        LockFiles.compile(parsed, manifest: file, hosts: hosts, locked: locked)
    }
}
