import FerryCore
import FerryWire
import NIOCore
import Testing

@Suite("SSE, NDJSON and JSON-array framing")
struct FramingTests {
    private func events(_ text: String) throws -> [ServerSentEvent] {
        var decoder = SSEDecoder()
        var result: [ServerSentEvent] = []
        try decoder.feed(ByteBuffer(string: text)) { result.append($0) }
        try decoder.finish { result.append($0) }
        return result
    }

    @Test("fields, multi-line data, comments, one optional space, BOM")
    func sseFields() throws {
        let parsed = try events("\u{FEFF}: comment\nevent: update\nid: 7\nretry: 1500\ndata:first\ndata:  second\n\ndata\n\n")
        #expect(parsed.count == 2)
        #expect(parsed[0].event == "update")
        #expect(parsed[0].id == "7")
        #expect(parsed[0].retry == 1500)
        #expect(parsed[0].text == "first\n second")
        #expect(parsed[1].text == "", "a bare `data` line is an empty data field")
        #expect(parsed[1].event == nil, "the event type resets after dispatch")
        #expect(parsed[1].id == "7", "the last event id persists")
    }

    @Test("raw SSE with event types, ids and multi-line data over CRLF, split at every offset")
    func sseEverySplit() throws {
        let text = "event: delta\r\nid: 1\r\ndata: مرحبا\r\ndata: 🚀 two\r\n\r\n: note\r\nevent: done\r\ndata: {\"é\":1}\r\n\r\n"
        let body = Array(text.utf8)
        let expected = [
            ServerSentEvent(event: "delta", text: "مرحبا\n🚀 two", id: "1"),
            ServerSentEvent(event: "done", text: "{\"é\":1}", id: "1"),
        ]
        for offset in 0...body.count {
            var decoder = SSEDecoder()
            var parsed: [ServerSentEvent] = []
            for chunk in chunks(body, cuts: [offset]) { try decoder.feed(chunk) { parsed.append($0) } }
            try decoder.finish { parsed.append($0) }
            #expect(parsed == expected, "split at \(offset)")
        }
    }

    @Test("a block without data dispatches nothing; unknown fields are ignored")
    func sseNoData() throws {
        #expect(try events("event: ping\n\nfoo: bar\n\n").isEmpty)
    }

    @Test("an event whose blank line never came is still delivered at the end")
    func sseTrailingEvent() throws {
        #expect(try events("data: {\"a\":1}").map(\.text) == ["{\"a\":1}"])
        #expect(try events("data: x\n").map(\.text) == ["x"])
    }

    @Test("[DONE] is recognised")
    func sseDone() throws {
        #expect(try events("data: [DONE]\n\n").first?.isDoneMarker == true)
    }

    @Test("an oversized line is an error, not unbounded memory")
    func sseBounded() {
        var decoder = SSEDecoder(maxEventBytes: 64)
        #expect(throws: FerryError.self) {
            try decoder.feed(ByteBuffer(string: "data: " + String(repeating: "x", count: 100))) { _ in }
        }
    }

    @Test("the encoder writes frames the decoder reads back, multi-line data included")
    func sseRoundTrip() throws {
        var buffer = ByteBuffer()
        SSEEncoder.write(ServerSentEvent(event: "message", text: "line one\nline two", id: "3"), into: &buffer)
        SSEEncoder.writeData(Array("{\"k\":\"ü\"}".utf8), into: &buffer)
        SSEEncoder.writeDone(into: &buffer)
        let parsed = try events(String(buffer: buffer))
        #expect(parsed.map(\.text) == ["line one\nline two", "{\"k\":\"ü\"}", "[DONE]"])
        #expect(parsed[0].event == "message" && parsed[0].id == "3")
    }

    @Test("NDJSON: CRLF, blank lines, a last line without newline")
    func ndjsonLines() throws {
        var decoder = NDJSONDecoder()
        var lines: [String] = []
        try decoder.feed(ByteBuffer(string: "{\"a\":1}\r\n\n  \n{\"b\":2}\n{\"c\":")) { lines.append(String(decoding: $0, as: UTF8.self)) }
        try decoder.feed(ByteBuffer(string: "3}")) { lines.append(String(decoding: $0, as: UTF8.self)) }
        try decoder.finish { lines.append(String(decoding: $0, as: UTF8.self)) }
        #expect(lines == ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"])
    }

    @Test("NDJSON lines are bounded")
    func ndjsonBounded() {
        var decoder = NDJSONDecoder(maxLineBytes: 8)
        #expect(throws: FerryError.self) { try decoder.feed(ByteBuffer(string: "{\"long\":\"line\"}")) { _ in } }
    }

    @Test("JSON array: brackets and commas inside strings do not split elements")
    func jsonArrayStrings() throws {
        var decoder = JSONArrayStreamDecoder()
        var elements: [String] = []
        try decoder.feed(ByteBuffer(string: #" [ {"t":"a],{\"b"} , {"n":[1,{"x":"}"}]} ] "#)) { elements.append(String(decoding: $0, as: UTF8.self)) }
        try decoder.finish()
        #expect(elements == [#"{"t":"a],{\"b"}"#, #"{"n":[1,{"x":"}"}]}"#])
    }

    @Test("JSON array: an unclosed array is an error at the end")
    func jsonArrayUnclosed() throws {
        var decoder = JSONArrayStreamDecoder()
        try decoder.feed(ByteBuffer(string: #"[{"a":1},"#)) { _ in }
        #expect(throws: FerryError.self) { try decoder.finish() }
        var empty = JSONArrayStreamDecoder()
        try empty.feed(ByteBuffer(string: "[]")) { _ in Issue.record("no elements expected") }
        try empty.finish()
    }
}
