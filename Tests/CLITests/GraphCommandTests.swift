import Foundation
import Glibc
import Testing
import TestSupport

/// `rangectl graph` as a user runs it: formats, where the output goes, and Graphviz present or not.
struct GraphCommandTests {
    /// Graphviz's dot on PATH, when installed (scripts/setup.sh installs it).
    static let dot: URL? = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .map { URL(fileURLWithPath: String($0)).appendingPathComponent("dot") }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    /// Whether the tests that need dot run: where it is installed, and always in CI (where a
    /// missing dot is a missing install step, and must fail rather than skip).
    static let drawing = dot != nil || ProcessInfo.processInfo.environment["CI"] == "true"

    @Test(.enabled(if: drawing, "Graphviz's dot is not installed"))
    func svgIsDrawnByGraphvizOnStandardOutput() throws {
        let r = try rangectl("graph", "--format", "svg", "manifests/red-vs-blue.yaml")
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        #expect(r.stdout.contains("<svg") && r.stdout.hasSuffix("</svg>\n"))
        // Every VM, network and NIC is in the picture (Graphviz writes '-' as an entity in SVG text).
        let svg = r.stdout.replacingOccurrences(of: "&#45;", with: "-")
        for text in ["router01", "kali02", "siem01", "blue-core", "10.60.2.0/24", "eth0 10.60.0.2 (primary)", "eth1 10.60.1.11"] {
            #expect(svg.contains(">\(text)<"), "\(text)")
        }
    }

    @Test(.enabled(if: drawing, "Graphviz's dot is not installed"))
    func svgAndPNGGoToTheFileOfOut() throws {
        try withTemporaryDirectory { dir in
            let svg = dir.appendingPathComponent("r.svg"), png = dir.appendingPathComponent("r.png")
            let a = try rangectl("graph", "--format", "svg", "--out", svg.path, "manifests/segmented-range.yaml")
            let b = try rangectl("graph", "--format", "png", "--out", png.path, "manifests/segmented-range.yaml")
            #expect(a.status == 0 && a.stdout.isEmpty && b.status == 0 && b.stdout.isEmpty, "\(a.stderr) \(b.stderr)")
            #expect(try String(contentsOf: svg, encoding: .utf8).contains("<svg"))
            #expect(try Data(contentsOf: png).prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        }
    }

    @Test(arguments: ["svg", "png"])
    func withoutGraphvizTheErrorSaysWhatToInstall(_ format: String) throws {
        try withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("picture")
            let r = try rangectl("graph", "--format", format, "--out", out.path, "manifests/red-vs-blue.yaml", environment: ["PATH": dir.path])
            #expect(r.status == 1 && r.stdout.isEmpty)
            #expect(r.stderr.hasPrefix("rangectl: error: Graphviz's 'dot' is not on PATH") && r.stderr.contains("install graphviz"), "\(r.stderr)")
            #expect(r.stderr.hasSuffix("[graphviz-missing]\n"), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
    }

    /// A stand-in `dot`, alone on PATH: rangectl hands it the DOT text on standard input with
    /// `-T<format>` and writes what it prints; a `dot` that fails is `graphviz-failed` with what it said.
    @Test func graphvizGetsTheDOTTextAndItsFailureIsReported() throws {
        try withTemporaryDirectory { dir in
            let fake = dir.appendingPathComponent("dot")
            // Written through a close-on-exec descriptor: a process another test starts meanwhile
            // must not inherit it open for writing, or running the script fails (ETXTBSY).
            func standIn(_ script: String) throws {
                unlink(fake.path)
                let fd = open(fake.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
                try #require(fd >= 0)
                let bytes = Array(script.utf8)
                #expect(write(fd, bytes, bytes.count) == bytes.count)
                close(fd)
            }
            try standIn("#!/bin/sh\n[ \"$1\" = -Tsvg ] || exit 9\nexec /bin/cat\n")
            let drawn = try rangectl("graph", "--format", "svg", "manifests/seed-lab.yaml", environment: ["PATH": dir.path])
            let text = try rangectl("graph", "manifests/seed-lab.yaml").stdout
            #expect(drawn.status == 0 && drawn.stdout == text, "\(drawn.status) \(drawn.stderr)")

            try standIn("#!/bin/sh\n/bin/cat >/dev/null\necho 'Error: <stdin>: syntax error in line 1' >&2\nexit 3\n")
            let png = dir.appendingPathComponent("x.png")
            let failed = try rangectl("graph", "--format", "png", "--out", png.path, "manifests/seed-lab.yaml", environment: ["PATH": dir.path])
            #expect(failed.status == 1 && failed.stdout.isEmpty, "\(failed.status)")
            #expect(failed.stderr == "rangectl: error: \(fake.path) -Tpng failed (exit status 3): Error: <stdin>: syntax error in line 1 [graphviz-failed]\n")
            #expect(!FileManager.default.fileExists(atPath: png.path))
        }
    }

    @Test func textFormatsNeedNoGraphviz() throws {
        try withTemporaryDirectory { dir in
            for format in ["dot", "mermaid"] {
                let r = try rangectl("graph", "--format", format, "manifests/seed-lab.yaml", environment: ["PATH": dir.path])
                #expect(r.status == 0 && r.stderr.isEmpty && !r.stdout.isEmpty, "\(format): \(r.stderr)")
            }
        }
    }

    @Test func outWritesTheTextAndAnUnwritableOutIsAnError() throws {
        try withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("range.dot")
            let r = try rangectl("graph", "--out", out.path, "manifests/seed-lab.yaml")
            #expect(r.status == 0 && r.stdout.isEmpty)
            #expect(try String(contentsOf: out, encoding: .utf8) == (try rangectl("graph", "manifests/seed-lab.yaml")).stdout)
            let bad = try rangectl("graph", "--out", dir.appendingPathComponent("no/such/dir.dot").path, "manifests/seed-lab.yaml")
            #expect(bad.status == 1 && bad.stderr.contains("cannot write the picture to") && bad.stderr.contains("[file-unreadable]"), "\(bad.stderr)")
        }
    }

    @Test func aPictureIsNotWrittenToATerminal() throws {
        // `script` gives the command a terminal for standard output.
        let script = URL(fileURLWithPath: "/usr/bin/script")
        guard FileManager.default.isExecutableFile(atPath: script.path) else { return }
        let command = "\(rangectlBinary.path) graph --format png manifests/red-vs-blue.yaml"
        let r = try run(script, ["-qec", command, "/dev/null"])
        #expect(r.status == 1, "\(r.stdout)")
        #expect(r.stdout.contains("refusing to write PNG to a terminal: give --out FILE, or redirect standard output") && r.stdout.contains("[terminal-output]"), "\(r.stdout)")
        #expect(!r.stdout.contains("PNG\r\n\u{1A}"))
    }

    @Test func anInvalidManifestIsReportedAndNothingDrawn() throws {
        let r = try rangectl("graph", "-", stdin: Data(CommandTests.invalid.utf8))
        #expect(r.status == 1 && r.stdout.isEmpty)
        #expect(r.stderr.contains("<stdin>:6:43: error: network 'nowhere' is not defined in this range [unknown-network]"))
    }

    @Test func engineOptionsNeedLiveAndLiveNeedsAnEngine() throws {
        let r = try rangectl("graph", "--host", "unix:///nonexistent/docker.sock", "manifests/seed-lab.yaml")
        #expect(r.status == 1 && r.stdout.isEmpty && r.stderr.contains("--host and --engine are read only with --live"), "\(r.stderr)")
        let live = try rangectl("graph", "--live", "--host", "unix:///nonexistent/docker.sock", "manifests/seed-lab.yaml")
        #expect(live.status == 1 && live.stdout.isEmpty && live.stderr.contains("[engine-unreachable]"), "\(live.stderr)")
    }
}
