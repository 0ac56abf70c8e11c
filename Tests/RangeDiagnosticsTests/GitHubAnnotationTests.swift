import Foundation
import RangeDiagnostics
import Testing

/// Diagnostics as GitHub Actions workflow commands, compared byte for byte with
/// `Golden/github-annotations.txt`, and read back as the Actions runner reads them.
/// Re-record on purpose with `RANGECTL_RECORD_GOLDEN=1 swift test --filter GitHubAnnotationTests`,
/// then review the diff; the golden is never written when the variable is unset.
struct GitHubAnnotationTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/github-annotations.txt")
    static let recording = ProcessInfo.processInfo.environment["RANGECTL_RECORD_GOLDEN"] == "1"

    /// One of each kind, in the order of the golden's lines.
    static let cases: [Diagnostic] = [
        // An error over a span on one line, with a note at its own place.
        .error(.duplicateName, "network 'dmz' is already defined at line 4", at: at(12, 11, 12, 14),
               notes: [DiagnosticNote("first defined here", at: at(4, 11, 4, 14))]),
        // A warning at a point.
        .warning(.invalidPin, "pinned address 10.0.1.300 of web01 is not valid; it is assigned anew", at: at(3, 9)),
        // A block list (ends at the start of the next line) and a literal block over three lines.
        .error(.typeMismatch, "'labels' must be a mapping", at: at(6, 3, 7, 1)),
        .error(.typeMismatch, "'env' must be a mapping", at: at(1, 4, 4, 1)),
        // No place in a file.
        .error(.engineUnreachable, "cannot reach the engine at unix:///var/run/docker.sock: Couldn't connect to server", at: nil),
        // Everything the runner would read as syntax, a line break and raw controls in the message,
        // and in the file name.
        .error(.invalidIP, "'10%,0:1\nx\u{1B}]0;pwned\u{07}\r' is not an IPv4 address, 100% sure: see a,b::c",
               at: Location(file: "dir,x:y/50%\u{202E}.yaml", line: 2, column: 5, endLine: 2, endColumn: 9)),
    ]

    @Test func everyKindMatchesTheGolden() throws {
        let actual = GitHubAnnotationRenderer().render(Self.cases)
        if Self.recording {
            try FileManager.default.createDirectory(at: Self.golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: Self.golden, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: Self.golden, encoding: .utf8)
        #expect(actual == expected, "github-annotations.txt differs; re-record with RANGECTL_RECORD_GOLDEN=1 if the change is intended")
    }

    @Test func eachDiagnosticIsOneLineOfPrintableText() {
        let out = GitHubAnnotationRenderer().render(Self.cases)
        #expect(out.hasSuffix("\n"))
        let lines = out.dropLast().utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(Substring($0)) }
        #expect(lines.count == Self.cases.count)
        for line in lines {
            #expect(line.hasPrefix("::"))
            #expect(!line.unicodeScalars.contains(where: TextEscaping.isEscaped), "\(line)")
        }
    }

    /// What the runner gets out of each line is the text form's file, message and notes.
    @Test func theRunnerReadsBackTheVisibleText() {
        let commands = GitHubAnnotationRenderer().render(Self.cases).split(separator: "\n").map { WorkflowCommand(String($0)) }
        #expect(commands.map(\.name) == ["error", "warning", "error", "error", "error", "error"])
        #expect(commands.map { $0.properties["title"] } == Self.cases.map(\.code.rawValue))

        let duplicate = commands[0]
        #expect(duplicate.properties == ["file": "lab.yaml", "line": "12", "col": "11", "endLine": "12", "endColumn": "13",
                                         "title": "duplicate-name"])
        #expect(duplicate.data == "network 'dmz' is already defined at line 4\nlab.yaml:4:11: note: first defined here")
        #expect(commands[1].properties["col"] == "9" && commands[1].properties["endColumn"] == "9")
        #expect(commands[2].properties == ["file": "lab.yaml", "line": "6", "col": "3", "endLine": "6", "title": "type-mismatch"])
        #expect(commands[3].properties == ["file": "lab.yaml", "line": "1", "endLine": "3", "title": "type-mismatch"])
        #expect(commands[4].properties == ["title": "engine-unreachable"])

        let hostile = commands[5]
        #expect(hostile.properties["file"] == #"dir,x:y/50%\u{202E}.yaml"#)
        #expect(hostile.data == #"'10%,0:1\nx\e]0;pwned\a\r' is not an IPv4 address, 100% sure: see a,b::c"#)
        #expect(hostile.data == TextEscaping.visible(Self.cases[5].message))
    }

    @Test func dataAndPropertiesArePercentEncodedAfterTheTextIsMadeVisible() {
        #expect(TextEscaping.workflowCommandData(["a%b,c:d", "e\rf\ng"]) == #"a%25b,c:d%0Ae\rf\ng"#)
        #expect(TextEscaping.workflowCommandProperty("a%b,c:d\u{7}") == #"a%25b%2Cc%3Ad\a"#)
        #expect(TextEscaping.workflowCommandData(["plain"]) == "plain")
    }
}

/// A workflow command read the way actions/runner reads one (`ActionCommand.TryParseV2`): the
/// name after the leading `::`, properties up to the next `::` split at `,` and the first `=`,
/// then the runner's unescaping of properties and data.
struct WorkflowCommand {
    var name = ""
    var properties: [String: String] = [:]
    var data = ""

    init(_ line: String) {
        guard line.hasPrefix("::"), let end = line.dropFirst(2).range(of: "::") else { return }
        let info = line[line.index(line.startIndex, offsetBy: 2)..<end.lowerBound]
        let parts = info.split(separator: " ", maxSplits: 1)
        name = parts.first.map(String.init) ?? ""
        if parts.count == 2 {
            for property in parts[1].split(separator: ",") {
                let pair = property.split(separator: "=", maxSplits: 1)
                if pair.count == 2 { properties[String(pair[0])] = Self.unescape(String(pair[1]), property: true) }
            }
        }
        data = Self.unescape(String(line[end.upperBound...]), property: false)
    }

    /// The runner's order: `%25` last, so `%253A` reads back as `%3A`.
    static func unescape(_ s: String, property: Bool) -> String {
        var s = s.replacingOccurrences(of: "%0D", with: "\r").replacingOccurrences(of: "%0A", with: "\n")
        if property { s = s.replacingOccurrences(of: "%3A", with: ":").replacingOccurrences(of: "%2C", with: ",") }
        return s.replacingOccurrences(of: "%25", with: "%")
    }
}
