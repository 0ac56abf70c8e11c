import Manifest
import Plan
import Planner
import RangeDiagnostics
import Testing

/// The lock file: its exact text, read back as pins, so that no edit of the VM list moves an
/// address another VM holds; pruning, staleness and unreadable locks.
struct LockFileTests {
    static let networks = "  - {name: a, subnet: 10.200.1.0/24}\n  - {name: b, subnet: 10.200.2.0/24}"
    static func vm(_ name: String, _ nets: String = "[a, b]") -> String { "  - {hostname: \(name), image: busybox, networks: \(nets)}" }
    static let base = ["web", "db", "Mail", "jump"].map { vm($0) }

    func plannedLock(_ vms: [String], lock: LockFile? = nil) throws -> LockFile {
        let text = manifest(networks: Self.networks, vms: vms.joined(separator: "\n"))
        let read = lock.map { LockFile.read(Array($0.text.utf8), file: "t.yaml.lock") }
        let c = RangeCompiler.plan(RangeCompiler.parse(Array(text.utf8), file: "t.yaml"), lock: read)
        let desired = try #require(c.desired, "\(c.diagnostics.map(\.message))")
        return LockFile(desired)
    }

    func addresses(_ lock: LockFile) -> [String: String] {
        Dictionary(lock.entries.map { ("\($0.vm)/\($0.network)", $0.ip.description) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func theTextIsSortedJSONWithOneInterfacePerLine() throws {
        let lock = try plannedLock([Self.vm("web"), Self.vm("Mail", "[b]")])
        #expect(lock.text == """
            {
              "format_version": "1",
              "interfaces": [
                {"ip": "10.200.2.11", "network": "b", "vm": "Mail"},
                {"ip": "10.200.1.10", "network": "a", "vm": "web"},
                {"ip": "10.200.2.10", "network": "b", "vm": "web"}
              ],
              "range": "t"
            }

            """)
        // Read back, it is the same lock, each entry at its own line.
        let read = LockFile.read(Array(lock.text.utf8), file: "t.yaml.lock")
        #expect(read.diagnostics.isEmpty && read.lock == lock && read.lock?.lines == [4, 5, 6])
    }

    @Test(arguments: [
        ("reordered", ["jump", "Mail", "db", "web"].map { LockFileTests.vm($0) }),
        ("one inserted at the top", [LockFileTests.vm("new")] + LockFileTests.base),
        ("one inserted in the middle", Array(LockFileTests.base[0..<2]) + [LockFileTests.vm("new")] + Array(LockFileTests.base[2...])),
        ("the first removed", Array(LockFileTests.base.dropFirst())),
        ("two removed and one added at the top", [LockFileTests.vm("new")] + [LockFileTests.base[1], LockFileTests.base[3]]),
    ])
    func noLockedAddressMovesWhenVMsAreEdited(_ what: String, _ vms: [String]) throws {
        let locked = try plannedLock(Self.base)
        let after = addresses(try plannedLock(vms, lock: locked))
        for (key, ip) in addresses(locked) where after[key] != nil {
            #expect(after[key] == ip, "\(what): \(key) moved from \(ip) to \(after[key]!)")
        }
    }

    @Test func withoutTheLockAnInsertAtTheTopMovesEveryAddress() throws {
        // What the lock is for: offline, nothing else remembers the earlier addresses.
        let before = addresses(try plannedLock(Self.base))
        let after = addresses(try plannedLock([Self.vm("new")] + Self.base))
        #expect(before.keys.allSatisfy { after[$0] != before[$0] })
    }

    @Test func entriesForVMsOrNetworksTheManifestNoLongerHasAreWarnedAtTheirLines() throws {
        let locked = try plannedLock(Self.base)   // db, jump, Mail, web: two NICs each
        let text = manifest(networks: "  - {name: a, subnet: 10.200.1.0/24}", vms: ["web", "jump", "Mail"].map { Self.vm($0, "[a]") }.joined(separator: "\n"))
        let read = LockFile.read(Array(locked.text.utf8), file: "t.yaml.lock")
        let c = RangeCompiler.plan(RangeCompiler.parse(Array(text.utf8), file: "t.yaml"), lock: read)
        let warned = c.diagnostics.filter { $0.code == .lockPruned }.map { "\($0.location!.file):\($0.location!.line) \($0.message.split(separator: ",")[0])" }
        #expect(warned == [
            "t.yaml.lock:4 the lock names VM 'db'",
            "t.yaml.lock:5 the lock names VM 'db'",
            "t.yaml.lock:7 the lock names network 'b' (for jump)",
            "t.yaml.lock:9 the lock names network 'b' (for Mail)",
            "t.yaml.lock:11 the lock names network 'b' (for web)",
        ])
        #expect(c.valid)
        let kept = addresses(LockFile(c.desired!))
        #expect(kept["web/a"] == addresses(locked)["web/a"] && kept["jump/a"] == addresses(locked)["jump/a"])
    }

    @Test func differencesNameEveryInterfaceThatChanges() throws {
        let old = LockFile(range: "t", entries: [
            .init(vm: "a", network: "n", ip: IPv4Address("10.0.0.10")!), .init(vm: "b", network: "n", ip: IPv4Address("10.0.0.11")!),
        ])
        let new = LockFile(range: "t", entries: [
            .init(vm: "a", network: "n", ip: IPv4Address("10.0.0.12")!), .init(vm: "c", network: "n", ip: IPv4Address("10.0.0.13")!),
        ])
        #expect(old.differences(to: new) == ["~ a on n 10.0.0.10 -> 10.0.0.12", "+ c on n 10.0.0.13", "- b on n 10.0.0.11"])
        #expect(new.differences(to: new).isEmpty)
    }

    @Test(arguments: [
        ("<<<<<<< HEAD\n{}", 1, "it is not a JSON object"),
        (#"{"format_version": "2", "interfaces": [], "range": "t"}"#, 1, "format_version"),
        (#"{"format_version": "1", "range": "t"}"#, 1, "needs \"range\""),
        ("{\n  \"format_version\": \"1\",\n  \"interfaces\": [\n    {\"ip\": \"10.0.0.300\", \"network\": \"a\", \"vm\": \"x\"}\n  ],\n  \"range\": \"t\"\n}\n", 4, "'10.0.0.300' is not an IPv4 address"),
        ("{\n  \"format_version\": \"1\",\n  \"interfaces\": [\n    {\"ip\": \"10.0.0.3\", \"vm\": \"x\"}\n  ],\n  \"range\": \"t\"\n}\n", 4, "needs \"vm\", \"network\" and \"ip\""),
    ])
    func anUnreadableLockIsALocatedErrorAndNothingIsPlanned(_ text: String, _ line: Int, _ why: String) {
        let read = LockFile.read(Array(text.utf8), file: "t.yaml.lock")
        #expect(read.lock == nil)
        let d = read.diagnostics
        #expect(d.count == 1 && d[0].code == .lockInvalid && d[0].location?.line == line && d[0].message.contains(why), "\(d.map(\.message))")
        let c = RangeCompiler.plan(RangeCompiler.parse(Array(manifest(networks: Self.networks, vms: Self.vm("x")).utf8), file: "t.yaml"), lock: read)
        #expect(!c.valid)
    }
}
