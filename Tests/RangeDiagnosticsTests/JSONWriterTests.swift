import RangeDiagnostics
import Testing

/// The streaming JSON writer that plans (tens of megabytes) are written with.
@Suite struct JSONWriterTests {
    static let sample: JSONValue = .object([
        ("s", .string("a\"b\\c\n\t\u{1}é")),
        ("n", .int(-42)),
        ("big", .int(Int.max)),
        ("small", .int(Int.min)),
        ("zero", .int(0)),
        ("t", .bool(true)),
        ("none", .null),
        ("empty", .array([])),
        ("nothing", .object([])),
        ("list", .array([.int(1), .object([("k", .string("v"))]), .array([])])),
    ])

    @Test func compactOutputIsExact() {
        #expect(Self.sample.serialized() == #"{"s":"a\"b\\c\n\t\u0001é","n":-42,"big":9223372036854775807,"small":-9223372036854775808,"zero":0,"t":true,"none":null,"empty":[],"nothing":{},"list":[1,{"k":"v"},[]]}"#)
    }

    @Test func prettyOutputIndentsByTwoAndKeepsEmptyContainersShort() {
        let text = JSONValue.object([("a", .array([.int(1), .object([])])), ("b", .object([("c", .null)]))]).serialized(pretty: true)
        #expect(text == "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": {\n    \"c\": null\n  }\n}")
    }

    @Test func writtenDocumentsParseBackToTheSameValue() {
        for pretty in [false, true] {
            let parsed = JSONValue.parse(Self.sample.serialized(pretty: pretty))
            #expect(parsed == Self.sample.canonical, "pretty: \(pretty)")
        }
    }

    @Test func chunksReachTheSinkInOrderAndWhole() {
        final class Collected: @unchecked Sendable { var bytes: [UInt8] = []; var chunks = 0 }
        let collected = Collected()
        var w = JSONWriter(out: JSONOutput(chunkSize: 64) { collected.bytes += $0; collected.chunks += 1 })
        let value = JSONValue.array((0..<200).map { .object([("i", .int($0)), ("s", .string("x\($0)"))]) })
        value.write(into: &w)
        w.finish()
        #expect(collected.chunks > 10)
        #expect(String(decoding: collected.bytes, as: UTF8.self) == value.serialized())
    }
}
