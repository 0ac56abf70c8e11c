import Foundation
import Glibc
import Testing
import TestSupport

/// `rangectl export compose` as a user runs it: where the file goes, its mode, the warnings, the
/// lock file's addresses, invalid input and usage errors.
struct ExportCommandTests {
    static let manifest = """
        version: 1
        name: texport
        networks:
          - {name: lan, subnet: 10.200.9.0/24}
          - {name: dmz, subnet: 10.200.8.0/24}
        vms:
          - {hostname: web, image: busybox:latest, networks: [lan, dmz], disk_gb: 20}
          - {hostname: db, image: busybox:latest, networks: [lan]}

        """

    @Test func outWritesWhatStandardOutputShowsAndWarnsOnStandardError() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("lab.yaml").path
            try Self.manifest.write(toFile: path, atomically: true, encoding: .utf8)
            let shown = try rangectl("export", "compose", path)
            #expect(shown.status == 0)
            #expect(shown.stdout.hasPrefix("# The range texport as a Compose file, written by `rangectl export compose --target v1`.\n"))
            #expect(shown.stdout.contains("  web:\n") && shown.stdout.contains("container_name: texport-web\n"))
            // Warnings in the compiler form, at the VM and at its disk_gb, never in the file's place.
            let warnings = shown.stderr.split(separator: "\n").map(String.init)
            #expect(warnings.count == 2, "\(shown.stderr)")
            #expect(warnings.allSatisfy { $0.hasPrefix("\(path):7:") && $0.contains(": warning: web: ") && $0.hasSuffix("[export-dropped]") }, "\(shown.stderr)")

            let out = dir.appendingPathComponent("docker-compose.yml").path
            let written = try rangectl("export", "compose", "--out", out, path)
            #expect(written.status == 0 && written.stdout.isEmpty && written.stderr == shown.stderr)
            #expect(try String(contentsOfFile: out, encoding: .utf8) == shown.stdout)
            var info = stat()
            #expect(stat(out, &info) == 0 && info.st_mode & 0o777 == 0o644)

            // The same manifest, the same bytes, in another process and through standard input.
            #expect(try rangectl("export", "compose", path).stdout == shown.stdout)
            let piped = try rangectl("export", "compose", "-", stdin: Data(Self.manifest.utf8))
            #expect(piped.status == 0 && piped.stdout == shown.stdout)
            #expect(piped.stderr.hasPrefix("<stdin>:7:"), "\(piped.stderr)")
        }
    }

    @Test func addressesComeFromTheLockFileAsPlanGivesThem() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("lab.yaml").path
            try Self.manifest.write(toFile: path, atomically: true, encoding: .utf8)
            // --locked refuses an export with no lock, as plan does.
            let none = try rangectl("export", "compose", "--locked", path)
            #expect(none.status == 1 && none.stdout.isEmpty && none.stderr.contains("[lock-stale]"), "\(none.stderr)")
            #expect(try rangectl("lock", path).status == 0)
            // db was locked at .11; with web's lan NIC static elsewhere it would be .10 unlocked.
            try Self.manifest.replacingOccurrences(of: "networks: [lan, dmz]", with: "networks: [{network: lan, ip: 10.200.9.50}, dmz]")
                .write(toFile: path, atomically: true, encoding: .utf8)
            let exported = try rangectl("export", "compose", path)
            #expect(exported.status == 0, "\(exported.stderr)")
            #expect(exported.stdout.contains("      lan:\n        ipv4_address: 10.200.9.11\n"), "\(exported.stdout)")
            let plan = try rangectl("plan", "--offline", path)
            #expect(plan.stdout.contains("eth0 lan 10.200.9.11"), "\(plan.stdout)")
        }
    }

    @Test func secretLookingEnvKeepsTheFileItsOwners() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("lab.yaml").path, out = dir.appendingPathComponent("c.yml").path
            try Self.manifest.replacingOccurrences(of: "networks: [lan]}", with: "networks: [lan], env: {DB_PASSWORD: \"s3cr$t\"}}")
                .write(toFile: path, atomically: true, encoding: .utf8)
            let r = try rangectl("export", "compose", "--out", out, path)
            #expect(r.status == 0, "\(r.stderr)")
            var info = stat()
            #expect(stat(out, &info) == 0 && info.st_mode & 0o777 == 0o600)
            // Compose needs the value itself ($ doubled: Compose reads $$ as $).
            #expect(try String(contentsOfFile: out, encoding: .utf8).contains("      DB_PASSWORD: \"s3cr$$t\"\n"))
        }
    }

    @Test func anInvalidManifestWritesNothing() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("lab.yaml").path, out = dir.appendingPathComponent("c.yml").path
            try Self.manifest.replacingOccurrences(of: "10.200.8.0/24", with: "10.200.9.0/25").write(toFile: path, atomically: true, encoding: .utf8)
            let r = try rangectl("export", "compose", "--out", out, path)
            #expect(r.status == 1 && r.stdout.isEmpty && r.stderr.contains("[subnet-overlap]"), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
            let unwritable = try rangectl("export", "compose", "--out", dir.appendingPathComponent("no/such/dir.yml").path, "manifests/seed-lab.yaml")
            #expect(unwritable.status == 1 && unwritable.stderr.contains("cannot write the Compose file to") && unwritable.stderr.contains("[file-unreadable]"),
                    "\(unwritable.stderr)")
        }
    }

    @Test func anUnknownTargetIsAUsageError() throws {
        let r = try rangectl("export", "compose", "--target", "v3", "manifests/seed-lab.yaml")
        #expect(r.status != 0 && r.stdout.isEmpty && r.stderr.contains("--target"), "\(r.stderr)")
        let help = try rangectl("export", "compose", "--help")
        #expect(help.status == 0 && help.stdout.contains("--target <v1|v2>"), "\(help.stdout)")
    }
}
