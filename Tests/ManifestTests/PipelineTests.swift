@testable import Manifest
import RangeDiagnostics
import Testing

/// Large input is read by libyaml on a second thread, and the VMs are decoded while the rest is
/// still being read. Both must give exactly what one thread reading everything first gives.
struct PipelineTests {
    /// A manifest of `vms` VMs with anchors, aliases, a repeated key, bad values and, optionally,
    /// a syntax error near the end.
    static func manifest(vms: Int, brokenAtEnd: Bool = false) -> [UInt8] {
        var text = "version: 1\nname: big\nbase: &img busybox:latest\nnetworks:\n"
        for n in 0..<20 { text += "  - {name: n\(n), subnet: 10.\(n).0.0/16}\n" }
        text += "vms:\n"
        for v in 0..<vms {
            switch v % 97 {
            case 3: text += "  - {hostname: vm\(v), image: *img, networks: [n1, n2], cpu: \"2\"}\n"
            case 5: text += "  - {hostname: vm\(v), image: Bad Image, networks: [n3]}\n"
            case 7: text += "  - &shared {hostname: vm\(v), image: busybox, networks: [n4]}\n"
            case 11: text += "  - *shared\n"
            case 13: text += "  - {hostname: vm\(v), hostname: again, image: busybox, networks: [n5]}\n"
            case 17: text += "  - just a string\n"
            default: text += "  - hostname: vm\(v)\n    image: busybox:latest\n    networks: [n\(v % 20), n\((v + 1) % 20)]\n"
            }
        }
        if brokenAtEnd { text += "  - {hostname: [unclosed\n" }
        return Array(text.utf8)
    }

    static func compose(_ bytes: [UInt8], pipelined: Bool, decodingVMs: Bool = false) -> ComposedDocument {
        var limits = ComposerLimits()
        limits.pipelineThreshold = pipelined ? 0 : Int.max
        return YAMLComposer(file: "big.yaml", limits: limits).compose(bytes, decodingVMs: decodingVMs)
    }

    @Test(arguments: [false, true])
    func pipelinedCompositionIsTheSameDocument(brokenAtEnd: Bool) {
        let bytes = Self.manifest(vms: 6000, brokenAtEnd: brokenAtEnd)
        let one = Self.compose(bytes, pipelined: false)
        let two = Self.compose(bytes, pipelined: true)
        #expect(bytes.count > 256 * 1024)
        #expect(one.stopped == brokenAtEnd && two.stopped == brokenAtEnd)
        #expect(one.document == two.document)
        #expect(one.rootID == two.rootID)
        #expect(one.diagnostics == two.diagnostics)
        #expect(one.diagnostics.contains { $0.code == .duplicateKey })
    }

    @Test func composerLimitsStopThePipelineCleanly() {
        // An alias bomb and deep nesting past the threshold: the reading thread is told to stop.
        var limits = ComposerLimits()
        limits.pipelineThreshold = 0
        var bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 { bomb += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        bomb += String(repeating: "# padding\n", count: 50_000)
        for text in [bomb, String(repeating: "[", count: 300_000)] {
            let doc = YAMLComposer(file: "t.yaml", limits: limits).compose(Array(text.utf8))
            #expect(doc.stopped && doc.rootID == nil)
            #expect(doc.diagnostics.map(\.code) == [.yamlLimit])
        }
    }

    @Test(arguments: [0, 60_000])
    func stoppingWhileTheReaderIsAheadEndsCleanly(keysBefore: Int) {
        // Too deep after `keysBefore` keys, then 150,000 more: the composer stops while the reading
        // thread has batches queued and may be waiting for room. (A semaphore released with its
        // count below where it started crashes the process, so this must leave them balanced.)
        var limits = ComposerLimits()
        limits.pipelineThreshold = 0
        var text = ""
        for i in 0..<keysBefore { text += "a\(i): v\n" }
        text += "deep: " + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "\n"
        for i in 0..<150_000 { text += "k\(i): v\n" }
        for _ in 0..<3 {
            let doc = YAMLComposer(file: "t.yaml", limits: limits).compose(Array(text.utf8))
            #expect(doc.stopped && doc.diagnostics.map(\.code) == [.yamlLimit])
        }
    }

    @Test(arguments: [false, true])
    func vmsDecodedWhileReadingAreTheVMsDecodedAfterwards(pipelined: Bool) {
        let bytes = Self.manifest(vms: 6000)
        let streamedDoc = Self.compose(bytes, pipelined: pipelined, decodingVMs: true)
        #expect(streamedDoc.streamed?.list != nil)
        #expect(streamedDoc.streamed?.vms.count ?? 0 > 5000)
        var streaming = ManifestDecoder(file: "big.yaml")
        let streamed = streaming.decode(streamedDoc)
        var plain = ManifestDecoder(file: "big.yaml")
        let decoded = plain.decode(Self.compose(bytes, pipelined: pipelined))
        #expect(String(describing: streamed) == String(describing: decoded))
        #expect(streaming.diagnostics.sortedBySource() == plain.diagnostics.sortedBySource())
        #expect(plain.diagnostics.contains { $0.code == .invalidName } && plain.diagnostics.contains { $0.code == .typeMismatch })
    }

    @Test func vmsOutsideTheRootListAreNotStreamed() {
        // `vms` through an alias, and a repeated `vms` key: decoded from the document as usual.
        let viaAlias = Array("version: 1\nname: t\nx: &v [{hostname: a, image: b, networks: [n]}]\nnetworks: []\nvms: *v\n".utf8)
        let repeated = Array("version: 1\nname: t\nnetworks: []\nvms: [{hostname: a, image: b, networks: [n]}]\nvms: [{hostname: z, image: b, networks: [n]}]\n".utf8)
        for bytes in [viaAlias, repeated] {
            let (raw, _) = ManifestReader.read(bytes, file: "t.yaml")
            #expect(raw?.vms.map { $0.hostname?.value } == ["a"])
        }
    }
}
