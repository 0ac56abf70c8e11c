import ArgumentParser
import Planner
import RangeDiagnostics
import Workflows

/// `rangectl lock FILE`: writes `FILE.lock`, every interface's address as the manifest plans
/// with the lock it replaces (so nothing already locked moves), entries for VMs or networks the
/// manifest no longer has pruned. Needs no engine.
struct LockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock",
        abstract: "Write FILE.lock: every interface's address, read back as pins by validate, plan and apply."
    )

    @Argument(help: "The manifest (YAML or JSON).", completion: .manifest)
    var file: String

    @OptionGroup var diagnostics: DiagnosticsOptions

    func validate() throws {
        if file == "-" { throw ValidationError("the lock is written beside the manifest: name a file, not standard input") }
    }

    func run() throws {
        let format = diagnostics.format
        let input = try ManifestInput.read(file).orExit(format)
        let path = LockFiles.path(beside: file)!
        let previous = LockFiles.read(beside: file)
        let compilation = RangeCompiler.plan(RangeCompiler.parse(input.bytes, file: input.displayName), lock: previous)
        // Entries it prunes are listed below as removals, not warned about.
        Terminal.printDiagnostics(compilation.diagnostics.filter { $0.code != .lockPruned }, source: input.forSourceLines, format: format)
        guard compilation.valid, let desired = compilation.desired else { throw ExitCode(1) }
        let lock = LockFile(desired)
        let before = previous?.lock.map(\.sorted)
        let onDisk = previous == nil ? nil : (try? ManifestInput.read(path).get())?.bytes
        if let onDisk, onDisk == Array(lock.text.utf8) {
            Terminal.write("\(path): up to date (\(lock.entries.count) interfaces)\n")
            return
        }
        if let failure = OutputFile.replace(path, with: Array(lock.text.utf8), mode: 0o644, what: "the lock") {
            Terminal.printDiagnostics([failure], format: format)
            throw ExitCode(1)
        }
        let changes = before.map { $0.differences(to: lock) } ?? []
        Terminal.write("\(path): \(before == nil ? "written" : "updated") (\(lock.entries.count) interfaces\(before == nil ? "" : ", \(changes.count) changed"))\n"
                       + changes.map { "  \($0)\n" }.joined())
    }
}
