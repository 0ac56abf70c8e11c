import Foundation
import Testing
import TestSupport

/// How diagnostics reach the reader: one line per diagnostic and note through a pipe (so logs,
/// CI and every golden keep the compiler form), the source line and a caret on a terminal, and
/// the span and notes in JSON.
struct DiagnosticOutputTests {
    static let conflict = """
    version: 1
    name: t
    networks:
      - name: dmz
        subnet: 10.0.1.0/24
      - name: dmz
        subnet: 10.0.2.0/24
    vms: []

    """

    @Test func throughAPipeEachDiagnosticAndNoteIsOneLine() throws {
        let r = try rangectl("validate", "-", stdin: Data(Self.conflict.utf8))
        #expect(r.status == 1)
        #expect(r.stderr == """
            <stdin>:6:11: error: network 'dmz' is already defined at line 4 [duplicate-name]
            <stdin>:4:11: note: first defined here

            """)
    }

    @Test func jsonCarriesTheEndAndTheNotes() throws {
        let r = try rangectl("validate", "--json", "-", stdin: Data(Self.conflict.utf8))
        #expect(r.status == 1)
        #expect(r.stderr.isEmpty)
        let doc = try #require(try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any])
        let d = try #require((doc["diagnostics"] as? [[String: Any]])?.first)
        #expect(d["line"] as? Int == 6 && d["column"] as? Int == 11)
        #expect(d["end"] as? [String: Int] == ["line": 6, "column": 14])
        let notes = try #require(d["notes"] as? [[String: Any]])
        #expect(notes.count == 1)
        #expect(notes.first?["message"] as? String == "first defined here")
        #expect(notes.first?["file"] as? String == "<stdin>")
        #expect(notes.first?["line"] as? Int == 4 && notes.first?["column"] as? Int == 11)
        #expect(notes.first?["end"] as? [String: Int] == ["line": 4, "column": 14])
    }

    /// `script` gives the command a terminal (its standard error among them); NO_COLOR takes the
    /// colour away, not the source lines.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func onATerminalTheSourceLineAndACaretFollow() throws {
        try withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("lab.yaml")
            try Data(Self.conflict.utf8).write(to: file)
            for command in ["validate", "plan --offline"] {
                let r = try run(URL(fileURLWithPath: "/usr/bin/script"),
                                ["-qec", "'\(rangectlBinary.path)' \(command) lab.yaml", "/dev/null"],
                                environment: ["NO_COLOR": "1"], directory: dir)
                #expect(r.status == 1)
                #expect(r.stdout.replacingOccurrences(of: "\r\n", with: "\n") == """
                    lab.yaml:6:11: error: network 'dmz' is already defined at line 4 [duplicate-name]
                        6 |   - name: dmz
                          |           ^~~
                    lab.yaml:4:11: note: first defined here
                        4 |   - name: dmz
                          |           ^~~

                    """, "\(command)")
            }
        }
    }
}
