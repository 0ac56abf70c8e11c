@testable import Manifest
import RangeDiagnostics
import Testing

func compose(_ text: String, limits: ComposerLimits = ComposerLimits()) -> ComposedDocument {
    YAMLComposer(file: "t.yaml", limits: limits).compose(Array(text.utf8))
}

func rootEntries(_ text: String) -> [MapEntry] {
    guard case let .mapping(entries)? = compose(text).root?.kind else { return [] }
    return entries
}

struct ScalarResolutionTests {
    @Test(arguments: [
        ("on", ScalarValue.string), ("yes", .string), ("no", .string), ("off", .string), ("y", .string),
        ("true", .bool(true)), ("False", .bool(false)), ("TRUE", .bool(true)),
        ("010", .int(10)), ("0x10", .int(16)), ("0o10", .int(8)), ("-7", .int(-7)), ("+3", .int(3)),
        ("1.5", .float), ("1e3", .float), (".inf", .float), (".nan", .float),
        ("~", .null), ("null", .null), ("", .null),
        ("10.0.1.0/24", .string), ("1.2.3.4", .string), ("0x", .string), ("0o9", .string), ("12abc", .string),
        ("99999999999999999999", .float),
    ])
    func coreSchema(_ text: String, _ expected: ScalarValue) {
        #expect(ScalarResolver.resolve(text) == expected)
    }

    @Test func quotedScalarsStayStrings() {
        let entries = rootEntries("a: \"010\"\nb: 'true'\nc: !!str 12\n")
        #expect(entries.map { $0.value.scalar?.value } == [.string, .string, .string])
        #expect(entries.map { $0.value.scalar?.text } == ["010", "true", "12"])
    }
}

struct ComposerTests {
    @Test func nodesCarryStartAndEnd() throws {
        let entries = rootEntries("name: lab\nlist:\n  - a\n  - bb\n")
        #expect(entries[0].key.start == Mark(line: 1, column: 1))
        #expect(entries[0].value.start == Mark(line: 1, column: 7))
        #expect(entries[0].value.end == Mark(line: 1, column: 10))
        guard case let .sequence(items) = entries[1].value.kind else { Issue.record("not a sequence"); return }
        #expect(items.map(\.start) == [Mark(line: 3, column: 5), Mark(line: 4, column: 5)])
    }

    @Test func columnsCountCharactersNotBytes() {
        let entries = rootEntries("é: [ü, x]\n")
        guard case let .sequence(items)? = entries.first?.value.kind else { Issue.record("no sequence"); return }
        #expect(items.map(\.start.column) == [5, 8])
    }

    @Test func jsonIsParsedWithPositions() {
        let entries = rootEntries("{\n\t\"version\": 1,\n  \"name\":\"x\"\n}\n")
        #expect(entries.map { $0.key.scalar?.text } == ["version", "name"])
        #expect(entries[1].value.start == Mark(line: 3, column: 10))
        #expect(entries[0].value.scalar?.value == .int(1))
    }

    @Test func aliasesExpandToTheAnchoredValue() {
        let entries = rootEntries("a: &x [1, 2]\nb: *x\n")
        guard case let .sequence(items) = entries[1].value.kind else { Issue.record("alias not expanded"); return }
        #expect(items.map { $0.scalar?.text } == ["1", "2"])
        #expect(entries[1].value.start == Mark(line: 2, column: 4))
    }

    @Test func billionLaughsIsADiagnostic() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 {
            text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let doc = compose(text)
        #expect(doc.root == nil)
        #expect(doc.diagnostics.map(\.code) == [.yamlLimit])
    }

    @Test func modestAliasUseIsAllowed() {
        var text = "base: &n [a, b]\nvms:\n"
        for i in 0..<2000 { text += "  - {h: \(i), n: *n}\n" }
        let doc = compose(text)
        #expect(doc.diagnostics.isEmpty)
        #expect(doc.root != nil)
    }

    @Test func deepNestingIsADiagnosticNotACrash() {
        for text in [String(repeating: "[", count: 100_000), String(repeating: "- ", count: 5_000) + "x", String(repeating: "{a: ", count: 10_000)] {
            let doc = compose(text)
            #expect(doc.diagnostics.map(\.code).first == .yamlLimit || doc.diagnostics.map(\.code).first == .yamlSyntax)
            #expect(doc.root == nil)
        }
    }

    @Test func repeatedKeyKeepsTheFirstValue() {
        let doc = compose("a: 1\nb: 2\na: 3\n")
        #expect(doc.diagnostics.map(\.code) == [.duplicateKey])
        #expect(doc.diagnostics.first?.location == SourceLocation(file: "t.yaml", line: 3, column: 1, endLine: 3, endColumn: 2))
        #expect(doc.diagnostics.first?.notes == [DiagnosticNote("first given here", at: SourceLocation(file: "t.yaml", line: 1, column: 1, endLine: 1, endColumn: 2))])
        guard case let .mapping(entries)? = doc.root?.kind else { Issue.record("no root"); return }
        #expect(entries.map { $0.value.scalar?.text } == ["1", "2"])
    }

    @Test func repeatedKeyInALargeMappingIsFound() {
        var text = ""
        for i in 0..<40 { text += "k\(i): \(i)\n" }
        text += "k7: again\n"
        #expect(compose(text).diagnostics.map(\.code) == [.duplicateKey])
        #expect(compose(text).diagnostics.first?.location?.line == 41)
    }

    @Test func secondDocumentIsRejected() {
        #expect(compose("a: 1\n---\nb: 2\n").diagnostics.map(\.code) == [.yamlSyntax])
    }

    @Test func undefinedAliasIsRejected() {
        #expect(compose("a: *nothing\n").diagnostics.map(\.code) == [.yamlSyntax])
    }

    @Test func invalidUTF8IsLocated() {
        var bytes = Array("name: ok\nx: ab".utf8)
        bytes.append(0xFF)
        let doc = YAMLComposer(file: "t.yaml").compose(bytes)
        #expect(doc.diagnostics.map(\.code) == [.yamlSyntax])
        #expect(doc.diagnostics.first?.location?.line == 2)
        #expect(doc.diagnostics.first?.location?.column == 6)
    }

    @Test func hugeScalarIsKept() {
        let big = String(repeating: "x", count: 10_000_000)
        let entries = rootEntries("a: \(big)\n")
        #expect(entries.first?.value.scalar?.text.utf8.count == 10_000_000)
    }

    @Test func emptyStreamHasNoRoot() {
        let doc = compose("")
        #expect(doc.root == nil && doc.diagnostics.isEmpty && !doc.stopped)
        let comments = compose("# only a comment\n")
        #expect(comments.root == nil && comments.diagnostics.isEmpty)
    }
}

struct ShellWordsTests {
    @Test(arguments: [
        ("sleep infinity", ["sleep", "infinity"]),
        ("  sh -c 'echo hi there'  ", ["sh", "-c", "echo hi there"]),
        ("echo \"a \\\"b\\\"\" c\\ d", ["echo", "a \"b\"", "c d"]),
        ("''", [""]),
    ])
    func splits(_ text: String, _ words: [String]) {
        #expect(ShellWords.split(text) == words)
    }

    @Test func unterminatedQuoteIsNil() {
        #expect(ShellWords.split("echo 'oops") == nil)
        #expect(ShellWords.split("echo \\") == nil)
    }
}
