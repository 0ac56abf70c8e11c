import Foundation
import Testing
import TestSupport

/// `rangectl lock` and the lock file as validate, plan and `--locked` read it, through the
/// built binary in a temporary folder.
struct LockCommandTests {
    static func manifest(_ vms: [String]) -> String {
        "version: 1\nname: tlock\nnetworks:\n  - {name: a, subnet: 10.200.7.0/24}\nvms:\n"
            + vms.map { "  - {hostname: \($0), image: busybox, networks: [a]}\n" }.joined()
    }

    /// `plan --offline --json`'s address per VM.
    static func planned(_ path: String) throws -> [String: String] {
        let r = try rangectl("plan", "--offline", "--json", path)
        #expect(r.status == 0, "\(r.stdout)")
        let doc = try #require(try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any])
        var out: [String: String] = [:]
        for vm in doc["vms"] as? [[String: Any]] ?? [] {
            out[vm["hostname"] as? String ?? ""] = ((vm["interfaces"] as? [[String: Any]])?.first?["ip"] as? String) ?? ""
        }
        return out
    }

    @Test func theLockKeepsAddressesThroughEditsAndLockedRefusesAStaleOne() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("lab.yaml").path
            try Self.manifest(["web", "db"]).write(toFile: path, atomically: true, encoding: .utf8)
            // --locked with no lock yet: refused, before anything else.
            let none = try rangectl("plan", "--offline", "--locked", path)
            #expect(none.status == 1 && none.stderr.contains("has no lock file") && none.stderr.contains("[lock-stale]"), "\(none.stderr)")

            let wrote = try rangectl("lock", path)
            #expect(wrote.status == 0 && wrote.stdout == "\(path).lock: written (2 interfaces)\n", "\(wrote.stdout)\(wrote.stderr)")
            let lockText = try String(contentsOfFile: path + ".lock", encoding: .utf8)
            #expect(lockText.contains(#"{"ip": "10.200.7.10", "network": "a", "vm": "web"}"#), "\(lockText)")
            #expect(try rangectl("lock", path).stdout == "\(path).lock: up to date (2 interfaces)\n")
            #expect(try rangectl("plan", "--offline", "--locked", path).status == 0)

            // A VM inserted at the top takes a new address; web and db keep theirs.
            try Self.manifest(["new", "web", "db"]).write(toFile: path, atomically: true, encoding: .utf8)
            #expect(try Self.planned(path) == ["new": "10.200.7.12", "web": "10.200.7.10", "db": "10.200.7.11"])
            let stale = try rangectl("plan", "--offline", "--locked", path)
            #expect(stale.status == 1 && stale.stdout.isEmpty)
            #expect(stale.stderr == "\(path).lock:1:1: error: --locked: the lock would change (1 difference): + new on a 10.200.7.12; run `rangectl lock \(path)` and commit it [lock-stale]\n",
                    "\(stale.stderr)")
            #expect(try rangectl("validate", path).status == 0)

            // web removed: validate warns at the lock's line and still keeps db; lock prunes it.
            try Self.manifest(["new", "db"]).write(toFile: path, atomically: true, encoding: .utf8)
            let warned = try rangectl("validate", path)
            #expect(warned.status == 0 && warned.stderr.hasPrefix("\(path).lock:5:1: warning: the lock names VM 'web'") && warned.stderr.contains("[lock-pruned]"),
                    "\(warned.stderr)")
            #expect(try Self.planned(path) == ["new": "10.200.7.10", "db": "10.200.7.11"])
            let pruned = try rangectl("lock", path)
            #expect(pruned.status == 0 && pruned.stderr.isEmpty, "\(pruned.stderr)")
            #expect(pruned.stdout == "\(path).lock: updated (2 interfaces, 2 changed)\n  + new on a 10.200.7.10\n  - web on a 10.200.7.10\n", "\(pruned.stdout)")
            #expect(try rangectl("validate", path).stderr.isEmpty)
        }
    }

    @Test func anUnreadableLockStopsEveryCommandAndIsNeverOverwritten() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("lab.yaml").path
            try Self.manifest(["web"]).write(toFile: path, atomically: true, encoding: .utf8)
            let conflict = "<<<<<<< HEAD\n{\"format_version\": \"1\"}\n=======\n>>>>>>> other\n"
            try conflict.write(toFile: path + ".lock", atomically: true, encoding: .utf8)
            for command in [["validate"], ["plan", "--offline"], ["lock"]] {
                let r = try run(rangectlBinary, command + [path])
                #expect(r.status == 1 && r.stderr.contains("\(path).lock:1:1: error: the lock file cannot be read") && r.stderr.contains("[lock-invalid]"),
                        "\(command): \(r.stderr)")
            }
            #expect(try String(contentsOfFile: path + ".lock", encoding: .utf8) == conflict)
            #expect(try rangectl("lock", "-", stdin: Data(Self.manifest(["web"]).utf8)).status != 0)
        }
    }
}
