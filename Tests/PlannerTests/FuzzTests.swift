import Foundation
import Manifest
import Plan
import Planner
import RangeDiagnostics
import Testing
import TestSupport

/// Hostile manifests: a mutation fuzzer over the parser and the planner, seeded from manifests/.
/// Every input must end without a crash, and either valid or rejected with located diagnostics
/// only. How long an input takes is printed (the slowest, and which it was), never asserted: that
/// is the machine's figure; the work hostile input can cause is bounded by the composer's limits,
/// which ManifestTests asserts as behaviour (yaml-limit for alias bombs and deep nesting).
/// RANGECTL_FUZZ_INPUTS sets the count (default 100,000), RANGECTL_FUZZ_SEED replays a run.
/// Inputs that found bugs are kept in FuzzCorpus/ and replayed every run.
@Suite(.serialized)
struct FuzzTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let packageRoot = root.deletingLastPathComponent().deletingLastPathComponent()

    static func seeds() throws -> [[UInt8]] {
        let dir = packageRoot.appendingPathComponent("manifests")
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().map {
            Array(try Data(contentsOf: dir.appendingPathComponent($0)))
        }
    }

    /// Pieces that break parsers and planners: structure, anchors, numbers, names crafted against
    /// engine names and labels, unicode look-alikes, invalid UTF-8.
    static let tokens: [[UInt8]] = [
        "{", "}", "[", "]", ":", ", ", "- ", "\n", "\n  ", "\t", "&a ", "*a", "<<: *a", "!!str ", "!!int ", "? ", "|\n  x", ">-\n  x",
        "~", "null", "true", "on", "0x7fffffffffffffff", "99999999999999999999", "-1", "0", "010", "1e309", ".nan",
        "../../etc", "a b", "web01\u{0}", "wеb01" /* Cyrillic e */, "ｗｅｂ", "\u{202E}evil", String(repeating: "x", count: 300),
        "255.255.255.255", "0.0.0.0/0", "10.0.0.0/8", "10.0.0.1/24", "1.2.3", "::1", "io.rangectl.range",
        "networks: [a, a]", "vms: []", "name: -bad", "hostname: -", "routes: [{to: default, via: 10.0.1.1}]", "router: x",
        "bridge_ip: 10.0.1.254", "reserved: 70000", "'unterminated", "\"esc\\u0000\"", "---\n", "...\n", "%YAML 1.2\n",
    ].map { Array($0.utf8) } + [[0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF], [0x00]]

    struct Outcome {
        var inputs = 0
        var valid = 0
        var rejected = 0
        var slowest: Double = 0
        /// The slowest input, described, for the printed figure.
        var slowestInput = ""
        var failures: [String] = []
    }

    /// Compiles one input and checks what must hold whatever the input.
    static func check(_ input: [UInt8], into outcome: inout Outcome) {
        let start = DispatchTime.now().uptimeNanoseconds
        let compiled = RangeCompiler.compile(input, file: "fuzz.yaml", pins: [])
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        outcome.inputs += 1
        if seconds > outcome.slowest {
            outcome.slowest = seconds
            outcome.slowestInput = describe(input)
        }
        if let range = compiled.desired {
            outcome.valid += 1
            // A valid plan is sound: every address in its subnet, none twice on a network (an
            // instance's network being its own: keys as `EngineNames.key`).
            let subnets = Dictionary(range.networks.map { ($0.key, $0.subnet) }, uniquingKeysWith: { a, _ in a })
            var seen: Set<String> = []
            for vm in range.vms {
                let key = { (i: DesiredInterface) in EngineNames.key(i.network, instance: vm.instance) }
                for i in vm.interfaces where subnets[key(i)].map({ !$0.contains(i.ip) }) ?? true || !seen.insert("\(key(i))/\(i.ip)").inserted {
                    outcome.failures.append("unsound address \(i.ip) on \(i.network): \(describe(input))")
                }
            }
        } else {
            outcome.rejected += 1
            let errors = compiled.diagnostics.filter { $0.severity == .error }
            if errors.isEmpty { outcome.failures.append("rejected without an error: \(describe(input))") }
            for e in errors where e.location == nil || e.location!.line < 1 || e.location!.column < 1 {
                outcome.failures.append("unlocated \(e.code.rawValue): \(e.message): \(describe(input))")
            }
        }
        // Shown with their source lines, the diagnostics of any input hold no control character
        // but the line ends, and every diagnostic and note is a line of its own with its two.
        let rendered = DiagnosticRenderer(colour: false, sources: [FileID("fuzz.yaml"): SourceText(input)]).render(compiled.diagnostics)
        if rendered.unicodeScalars.contains(where: { $0 != "\n" && TextEscaping.isEscaped($0) }) {
            outcome.failures.append("a control character shown: \(describe(input))")
        }
        let headers = rendered.split(separator: "\n").filter { !$0.hasPrefix(" ") }.count
        if headers != compiled.diagnostics.reduce(0, { $0 + 1 + $1.notes.count }) {
            outcome.failures.append("source lines not where they belong: \(describe(input))")
        }
    }

    static func describe(_ input: [UInt8]) -> String {
        "\(input.count) bytes, base64 " + Data(input.prefix(400)).base64EncodedString()
    }

    static func mutate(_ input: [UInt8], _ seeds: [[UInt8]], _ rng: inout SplitMix64) -> [UInt8] {
        var out = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let at = out.isEmpty ? 0 : Int.random(in: 0...out.count, using: &rng)
            switch Int.random(in: 0..<8, using: &rng) {
            case 0: if at < out.count { out[at] = UInt8.random(in: 0...255, using: &rng) }
            case 1: out.insert(contentsOf: tokens.randomElement(using: &rng)!, at: at)
            case 2:
                let end = min(out.count, at + Int.random(in: 1...40, using: &rng))
                if at < end { out.removeSubrange(at..<end) }
            case 3:
                let end = min(out.count, at + Int.random(in: 1...80, using: &rng))
                if at < end { out.insert(contentsOf: Array(out[at..<end]), at: end) }
            case 4:
                let other = seeds.randomElement(using: &rng)!
                let from = Int.random(in: 0...other.count, using: &rng)
                out = Array(out[..<at]) + Array(other[from...])
            case 5: out.insert(contentsOf: Array(repeating: UInt8(ascii: "["), count: Int.random(in: 1...200, using: &rng)), at: at)
            case 6:
                // Swap a line with another: indentation and structure move.
                let lines = out.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                if lines.count > 2 {
                    var l = lines.map(Array.init)
                    l.swapAt(Int.random(in: 0..<l.count, using: &rng), Int.random(in: 0..<l.count, using: &rng))
                    out = Array(l.joined(separator: [UInt8(ascii: "\n")]))
                }
            default: out.insert(contentsOf: Array(String(Int.random(in: Int.min...Int.max, using: &rng)).utf8), at: at)
            }
        }
        return out.count > 200_000 ? Array(out.prefix(200_000)) : out
    }

    @Test func corpusOfInputsThatFoundBugs() throws {
        let dir = Self.root.appendingPathComponent("FuzzCorpus")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted()
        var outcome = Outcome()
        for f in files { Self.check(Array(try Data(contentsOf: dir.appendingPathComponent(f))), into: &outcome) }
        #expect(outcome.failures.isEmpty, "\(outcome.failures)")
        #expect(outcome.inputs == files.count && files.count >= 3)
    }

    /// Large manifests are read on two threads (libyaml on one, composing and decoding VMs on the
    /// other); forced onto that path, hostile inputs must give exactly what one thread gives.
    @Test func hostileInputsReadOnTwoThreadsGiveWhatOneThreadGives() throws {
        var one = ComposerLimits(), two = ComposerLimits()
        one.pipelineThreshold = .max
        two.pipelineThreshold = 0
        var rng = SplitMix64(state: 20261127)
        let seeds = try Self.seeds()
        let dir = Self.root.appendingPathComponent("FuzzCorpus")
        var inputs = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
            .map { Array(try Data(contentsOf: dir.appendingPathComponent($0))) } + seeds
        for _ in 0..<2000 { inputs.append(Self.mutate(seeds.randomElement(using: &rng)!, seeds, &rng)) }
        var differing = 0
        for input in inputs {
            let a = YAMLComposer(file: "f.yaml", limits: one).compose(input)
            let b = YAMLComposer(file: "f.yaml", limits: two).compose(input)
            let (rawA, diagnosticsA) = ManifestReader.read(input, file: "f.yaml", limits: one)
            let (rawB, diagnosticsB) = ManifestReader.read(input, file: "f.yaml", limits: two)
            if a.document != b.document || a.rootID != b.rootID || a.stopped != b.stopped || a.diagnostics != b.diagnostics
                || diagnosticsA != diagnosticsB || String(describing: rawA) != String(describing: rawB) {
                differing += 1
            }
        }
        #expect(differing == 0, "\(differing) of \(inputs.count) inputs differ")
    }

    @Test func hostileManifestsAreRejectedWithLocatedDiagnostics() throws {
        let env = ProcessInfo.processInfo.environment
        let count = env["RANGECTL_FUZZ_INPUTS"].flatMap(Int.init) ?? 100_000
        let seed = env["RANGECTL_FUZZ_SEED"].flatMap(UInt64.init) ?? UInt64(Date().timeIntervalSince1970 * 1000)
        var rng = SplitMix64(state: seed)
        let seeds = try Self.seeds()
        var pool = seeds
        var outcome = Outcome()
        let start = Date()
        while outcome.inputs < count && outcome.failures.count < 20 {
            let input = Self.mutate(pool.randomElement(using: &rng)!, seeds, &rng)
            Self.check(input, into: &outcome)
            // Keep some survivors as parents, so mutations go deeper than one step from a seed.
            if outcome.inputs % 7 == 0 { pool[Int.random(in: 0..<pool.count, using: &rng)] = input }
            if outcome.inputs % 97 == 0 { pool = seeds }
        }
        let elapsed = Date().timeIntervalSince(start)
        print("fuzz: \(outcome.inputs) inputs (seed \(seed)) in \(String(format: "%.1f", elapsed)) s: \(outcome.valid) valid, \(outcome.rejected) rejected with located diagnostics, slowest \(String(format: "%.3f", outcome.slowest)) s (\(outcome.slowestInput.prefix(120))), \(outcome.failures.count) failures")
        #expect(outcome.failures.isEmpty, "seed \(seed): \(outcome.failures.prefix(5))")
        #expect(outcome.inputs >= count)
    }
}
