import FerryCore
import FerryWire
import NIOCore
import Testing

/// The required property: a recorded stream cut at every possible byte offset — inside multi-byte UTF-8
/// (Arabic, emoji, flags), inside CRLF pairs, inside `data:` — decodes to exactly the same events.
@Suite("Streams split at every byte offset")
struct StreamSplittingTests {
    static let openAIExpected: [ChatEvent] = [
        .start(StreamStart(id: "chatcmpl-7f3a", model: "Qwen/Qwen2.5-1.5B-Instruct", created: 1_732_000_000)),
        .textDelta("مرحبا"), .textDelta(" بالعالم"), .textDelta(" 🚀🇳🇴"), .textDelta(" café"),
        .toolCallDelta(ToolCallDelta(index: 0, id: "call_a", name: "get_weather", arguments: "")),
        .toolCallDelta(ToolCallDelta(index: 0, arguments: "{\"city\": \"القاهرة")),
        .toolCallDelta(ToolCallDelta(index: 1, id: "call_b", name: "get_time", arguments: "{\"tz\":")),
        .toolCallDelta(ToolCallDelta(index: 0, arguments: "\"}")),
        .toolCallDelta(ToolCallDelta(index: 1, arguments: " \"UTC\"}")),
        .finish(StreamFinish(reason: .toolCalls, usage: Usage(promptTokens: 31, completionTokens: 19, cachedPromptTokens: 16))),
    ]

    @Test("OpenAI SSE (LF)")
    func openAIEverySplit() throws {
        let body = try fixture("openai-chat-stream.sse")
        #expect(try openAIEvents([ByteBuffer(bytes: body)]) == Self.openAIExpected)
        try assertEverySplit(body, expected: Self.openAIExpected, decode: { try openAIEvents($0) })
    }

    @Test("OpenAI SSE with CRLF and CR line endings")
    func openAIOtherLineEndings() throws {
        let body = try fixture("openai-chat-stream.sse")
        for ending: [UInt8] in [[13, 10], [13]] {
            let converted = body.flatMap { $0 == 10 ? ending : [$0] }
            try assertEverySplit(converted, expected: Self.openAIExpected, decode: { try openAIEvents($0) })
        }
    }

    @Test("Ollama NDJSON")
    func ollamaEverySplit() throws {
        let body = try fixture("ollama-chat-stream.ndjson")
        let events = try ollamaEvents([ByteBuffer(bytes: body)])
        guard case .start(let start) = events.first, case .toolCallDelta(let call) = events[4] else {
            Issue.record("unexpected events \(events)")
            return
        }
        #expect(start.model == "llama3.2:latest")
        #expect(start.created == 1_795_255_200)
        #expect(Array(events[1...3]) == [.textDelta("مرحبا"), .textDelta(" 👋🏽"), .textDelta(" naïve")])
        #expect(call.index == 0 && call.name == "get_weather")
        #expect(call.arguments == #"{"city":"Zürich","days":3}"#)
        #expect(call.id?.hasPrefix("call_0_") == true, "Ollama sends no id: one is synthesised")
        #expect(events.last == .finish(StreamFinish(reason: .toolCalls, usage: Usage(promptTokens: 26, completionTokens: 12), loadDuration: .milliseconds(20))), "the backend's load time is kept")
        try assertEverySplit(body, expected: events, decode: { try ollamaEvents($0) })
    }

    @Test("Gemini SSE (CRLF frames) and the JSON array form give the same events")
    func geminiEverySplit() throws {
        let sse = try fixture("gemini-stream.sse")
        let array = try fixture("gemini-stream.json")
        let events = try geminiSSEEvents([ByteBuffer(bytes: sse)])
        #expect(events.count == 5)
        #expect(events[1] == .textDelta("こんにちは"))
        #expect(events[2] == .textDelta(" مرحبا 🎉"))
        guard case .toolCallDelta(let call) = events[3] else {
            Issue.record("expected a tool call, got \(events[3])")
            return
        }
        #expect(call.name == "get_weather" && call.arguments == #"{"city":"Lagos","unit":"celsius"}"#)
        #expect(events[4] == .finish(StreamFinish(reason: .toolCalls, usage: Usage(promptTokens: 12, completionTokens: 9))))
        #expect(try geminiArrayEvents([ByteBuffer(bytes: array)]) == events)
        try assertEverySplit(sse, expected: events, decode: { try geminiSSEEvents($0) })
        try assertEverySplit(array, expected: events, decode: { try geminiArrayEvents($0) })
    }

    @Test("many random cuts at once", arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func randomMultiCuts(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let body = try fixture("openai-chat-stream.sse")
        for _ in 0..<50 {
            let cuts = (0..<Int.random(in: 2...40, using: &random)).map { _ in Int.random(in: 0...body.count, using: &random) }
            #expect(try openAIEvents(chunks(body, cuts: cuts)) == Self.openAIExpected)
        }
    }

    /// Decodes `body` cut once at every offset, and fed one byte at a time.
    private func assertEverySplit(_ body: [UInt8], expected: [ChatEvent], decode: ([ByteBuffer]) throws -> [ChatEvent]) throws {
        for offset in 0...body.count {
            let events = try decode(chunks(body, cuts: [offset]))
            if events != expected {
                Issue.record("split at byte \(offset) of \(body.count) decoded differently: \(events)")
                return
            }
        }
        #expect(try decode(body.map { ByteBuffer(bytes: [$0]) }) == expected, "byte-at-a-time")
    }
}
