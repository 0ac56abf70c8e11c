import Foundation
import Testing
import TestSupport

/// Shell completions come from the argument parser (`--generate-completion-script`); the manifest
/// argument of every command offers `.yaml`, `.yml` and `.json` files (and directories).
struct CompletionTests {
    static let commands = ["validate", "plan", "apply", "destroy", "status"]

    @Test(arguments: ["bash", "zsh", "fish"])
    func everyShellGetsAScriptNamingEveryCommandAndTheManifestExtensions(_ shell: String) throws {
        let r = try rangectl("--generate-completion-script", shell)
        #expect(r.status == 0, "\(r.stderr)")
        for command in Self.commands + ["schema"] { #expect(r.stdout.contains(command), "\(shell): \(command)") }
        #expect(r.stdout.contains("yml") && r.stdout.contains("json"))
    }

    /// The bash script, sourced in a real bash, completes `rangectl COMMAND <TAB>` in a directory
    /// with a manifest of each extension, a text file and a folder.
    @Test func bashOffersManifestsAndFoldersOnly() throws {
        let script = try rangectl("--generate-completion-script", "bash")
        try withTemporaryDirectory { dir in
            let scriptPath = dir.appendingPathComponent("rangectl.bash")
            try script.stdout.write(to: scriptPath, atomically: true, encoding: .utf8)
            for f in ["lab.yaml", "lab.yml", "plan.json", "notes.txt"] {
                FileManager.default.createFile(atPath: dir.appendingPathComponent(f).path, contents: Data())
            }
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
            for command in Self.commands {
                let probe = """
                source '\(scriptPath.path)'
                COMP_WORDS=(rangectl \(command) ""); COMP_CWORD=2; COMP_LINE="rangectl \(command) "; COMP_POINT=${#COMP_LINE}
                _rangectl rangectl "" \(command)
                printf '%s\\n' "${COMPREPLY[@]}" | sort
                """
                let r = try run(URL(fileURLWithPath: "/bin/bash"), ["--norc", "-c", probe], directory: dir)
                #expect(r.status == 0, "\(command): \(r.stderr)")
                // Not notes.txt, nor the script itself.
                #expect(r.stdout == "lab.yaml\nlab.yml\nplan.json\nsub\n", "\(command): \(r.stdout)")
            }
        }
    }
}
