import Engine
import Testing

/// The script of the helper that reads many VMs' namespaces, and how its output is split.
struct NamespaceReadingTests {
    @Test func theScriptEntersEachNamespaceAfterItsMarker() {
        let script = NamespaceReading.script([(id: "abc", pid: 41), (id: "def", pid: 42)])
        #expect(script.split(separator: "\n").map(String.init) == [
            "command -v nsenter >/dev/null 2>&1 || { echo rangectl-ns-missing; exit 3; }",
            "echo 'rangectl-ns abc'; nsenter -t 41 -n sh -c \"$RANGECTL_READ\" </dev/null 2>&1",
            "echo 'rangectl-ns def'; nsenter -t 42 -n sh -c \"$RANGECTL_READ\" </dev/null 2>&1",
            "echo rangectl-ns-end",
        ])
    }

    @Test func theOutputIsFinishedAtTheLastLineOrWhenNsenterIsMissing() {
        #expect(!NamespaceReading.finished(""))
        #expect(!NamespaceReading.finished("rangectl-ns abc\n2: eth0\n"))
        #expect(!NamespaceReading.finished("rangectl-ns abc\nxrangectl-ns-end\n"))
        #expect(NamespaceReading.finished("rangectl-ns abc\n2: eth0\nrangectl-ns-end\n"))
        #expect(NamespaceReading.finished("rangectl-ns-missing\n"))
        #expect(NamespaceReading.sections("rangectl-ns abc\n2: eth0\nrangectl-ns-end\n") == ["abc": "2: eth0\n"])
    }

    @Test func eachContainersOutputIsItsOwnAndAnImageWithoutNsenterIsNil() {
        let output = "rangectl-ns abc\n2: eth0    inet 10.0.0.2/24\nx 0\nrangectl-ns def\nnsenter: can't open '/proc/42/ns/net'\nrangectl-ns ghi\n"
        #expect(NamespaceReading.sections(output) == [
            "abc": "2: eth0    inet 10.0.0.2/24\nx 0\n",
            "def": "nsenter: can't open '/proc/42/ns/net'\n",
            "ghi": "\n",
        ])
        #expect(NamespaceReading.sections("rangectl-ns-missing\n") == nil)
        #expect(NamespaceReading.sections("") == [:])
    }
}
