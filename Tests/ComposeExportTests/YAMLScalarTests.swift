import Manifest
import ComposeExport
import Foundation
import Testing

/// The scalar emitter: the style each string gets, and that every string reads back exactly, as
/// a value and as a key, through libyaml (YAML 1.2, the project's reader) and PyYAML (YAML 1.1,
/// what Compose 1.29 reads with).
struct YAMLScalarTests {
    @Test(arguments: [
        // Plain: names, images, addresses, CIDRs, versions, paths, sysctl keys.
        ("busybox:latest", "busybox:latest"), ("127.0.0.1:5000/team/kali:2024.1", "127.0.0.1:5000/team/kali:2024.1"),
        ("busybox@sha256:abc", "busybox@sha256:abc"), ("10.0.1.10", "10.0.1.10"), ("10.0.1.0/24", "10.0.1.0/24"),
        ("1.2.3", "1.2.3"), ("1.2.3-rc1", "1.2.3-rc1"), ("/bin/sh", "/bin/sh"), ("net.ipv4.ip_forward", "net.ipv4.ip_forward"), ("seed-lab-web01", "seed-lab-web01"),
        ("NET_ADMIN", "NET_ADMIN"), ("_x", "_x"), ("a=b", "a=b"), ("http://example.com/x", "http://example.com/x"),
        // Keywords of YAML 1.2 or 1.1, numbers, dates, sexagesimals: quoted.
        ("", "\"\""), ("null", "\"null\""), ("NULL", "\"NULL\""), ("~", "\"~\""), ("true", "\"true\""), ("False", "\"False\""),
        ("yes", "\"yes\""), ("No", "\"No\""), ("on", "\"on\""), ("OFF", "\"OFF\""), ("y", "\"y\""), ("n", "\"n\""),
        ("1", "\"1\""), ("512m", "\"512m\""), ("1.5", "\"1.5\""), ("010", "\"010\""), ("0x1F", "\"0x1F\""), ("0o17", "\"0o17\""),
        ("1e5", "\"1e5\""), ("1_000", "\"1_000\""), ("2001-12-14", "\"2001-12-14\""), ("1:30", "\"1:30\""), (".inf", "\".inf\""),
        ("-1", "\"-1\""), ("+1", "\"+1\""),
        // Indicators, blanks, comments, colons.
        ("a b", "\"a b\""), ("a: b", "\"a: b\""), ("key:", "\"key:\""), ("a #b", "\"a #b\""), ("#x", "\"#x\""), ("- x", "\"- x\""),
        ("-x", "\"-x\""), ("*alias", "\"*alias\""), ("&a", "\"&a\""), ("!tag", "\"!tag\""), ("%x", "\"%x\""), ("@x", "\"@x\""),
        ("`x", "\"`x\""), ("[a]", "\"[a]\""), ("{a}", "\"{a}\""), ("a,b", "\"a,b\""), ("'q'", "\"'q'\""), ("trail ", "\"trail \""),
        ("---", "\"---\""), ("...", "\"...\""), ("<<", "\"<<\""), ("=", "\"=\""), ("?x", "\"?x\""), ("|x", "\"|x\""), (">x", "\">x\""),
        ("$HOME", "\"$HOME\""),
        // Escapes.
        ("say \"hi\"", #""say \"hi\"""#), (#"C:\temp"#, #""C:\\temp""#), ("a\nb", #""a\nb""#), ("tab\there", #""tab\there""#),
        ("\u{1B}]0;x\u{07}", #""\e]0;x\a""#), ("\u{0}", #""\0""#), ("\r", #""\r""#), ("\u{7F}", #""\x7F""#), ("\u{85}", #""\x85""#),
        ("\u{9B}", #""\x9B""#), ("\u{2028}\u{2029}", #""\L\P""#), ("\u{202E}evil", #""\u202Eevil""#), ("\u{FEFF}", #""\uFEFF""#),
        ("\u{FFFE}", #""\uFFFE""#),
        // Any other character as it is.
        ("café", "\"café\""), ("日本", "\"日本\""), ("👩‍💻", "\"👩‍💻\""),
    ])
    func style(_ text: String, _ expected: String) {
        #expect(YAMLScalar.inline(text) == expected)
    }

    /// Strings that must read back exactly, whatever style they get.
    static let hostile: [String] = [
        "", " ", "plain", "a: b", "a #b", "x:", ":x", "- x", "? x", "'", "\"", "\\", "\\n", "null", "Yes", "ON", "1.0", "0o17", "0x1F",
        "1:30", "190:20:30", "2001-12-14T21:59:43.10-05:00", "=", "<<", "&a *a", "!!str", "%TAG", "a\tb", "\ttab first", "trailing\t",
        "new\nline", "two\n\nbreaks\n", "\n", "crlf\r\nline", "lone\rcr", "\u{0}\u{1}\u{7}\u{8}\u{B}\u{C}\u{1B}\u{1F}\u{7F}",
        "\u{80}\u{85}\u{9F}", "\u{A0}nbsp", "\u{2028}\u{2029}", "\u{FEFF}bom", "\u{FFFE}\u{FFFF}", "\u{200E}\u{200F}\u{202A}\u{202E}\u{2066}\u{2069}\u{061C}",
        "e\u{301}", "日本語", "🇫🇷👩‍💻", "\u{10FFFF}", "\u{FFFD}", "# not a comment", "k: v\nk2: v2", "- item", "|\nliteral", ">\nfolded",
        "--- doc", "... end", "$VAR ${X:-y} $$", String(repeating: "x", count: 3000), "10.0.1.0/24", "1.2.3", "busybox:latest",
    ]

    /// Each string as a value, and as a key (numbered first, as a key must be unique), through `YAMLBlock`.
    static func document(_ strings: [String]) -> String {
        let values = strings.enumerated().map { YAMLBlock.Entry("v\($0.offset)", .string($0.element)) }
        let keys = strings.enumerated().map { YAMLBlock.Entry("k\($0.offset)-" + $0.element, .int($0.offset)) }
        return YAMLBlock.mapping(values + [.init("keys", .mapping(keys))]).document()
    }

    static func expected(_ strings: [String]) -> [String: Read] {
        var out: [String: Read] = [:]
        for (k, s) in strings.enumerated() { out["v\(k)"] = .string(s) }
        var keys: [String: Read] = [:]
        for (k, s) in strings.enumerated() { keys["k\(k)-" + s] = .number(Double(k)) }
        out["keys"] = .map(keys)
        return out
    }

    @Test func everyStringReadsBackThroughLibyaml() throws {
        let read = try #require(readWithLibyaml(Self.document(Self.hostile)))
        guard case let .map(m) = read else { Issue.record("not a mapping"); return }
        for (key, value) in Self.expected(Self.hostile) { #expect(m[key] == value, "\(key)") }
        #expect(m.count == Self.hostile.count + 1)
    }

    @Test(.enabled(if: pyyamlAvailable || toolsRequired, "PyYAML is not installed (scripts/setup.sh installs it)"))
    func everyStringReadsBackThroughPyYAML() throws {
        guard case let .map(m) = try readWithPyYAML(Self.document(Self.hostile)) else { Issue.record("not a mapping"); return }
        for (key, value) in Self.expected(Self.hostile) { #expect(m[key] == value, "\(key)") }
        #expect(m.count == Self.hostile.count + 1)
    }

    @Test(arguments: hostile)
    func neverWritesARawControlOrLineBreak(_ text: String) {
        for out in [YAMLScalar.inline(text), YAMLScalar.commentText(text)] {
            #expect(!out.unicodeScalars.contains(where: YAMLScalar.mustEscape), "\(out.debugDescription)")
        }
    }

    @Test func commentsStayOnOneLineAndShowWhatTheyEscape() throws {
        #expect(YAMLScalar.commentText("plain: text # and more") == "plain: text # and more")
        #expect(YAMLScalar.commentText(#"C:\temp"#) == #"C:\temp"#)
        #expect(YAMLScalar.commentText("a\nb\u{1B}c\\") == #"a\nb\ec\\"#)
        // A comment holding what would break a document reads back as nothing but a comment.
        let doc = "# " + YAMLScalar.commentText("x\nkey: value\u{2028}other: 1") + "\nk: v\n"
        #expect(readWithLibyaml(doc) == .map(["k": .string("v")]))
        if pyyamlAvailable { #expect(try readWithPyYAML(doc) == .map(["k": .string("v")])) }
    }
}
