import FerryCore
@testable import FerryWire
import Foundation
import NIOCore
import Testing

/// The hand-written JSON readers and writers of the hot path must agree with the Codable conformances on every
/// input: the same values out of the same bytes, the same JSON out of the same values, and a miss (so Codable
/// decides) on whatever they do not handle.
@Suite("Fast JSON coding")
struct FastJSONCodingTests {
    // MARK: Reading

    static let chunks = [
        #"{"id":"c1","object":"chat.completion.chunk","created":1767225600,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}"#,
        #"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":" Paris"},"logprobs":null,"finish_reason":null}]}"#,
        #"{"id":"c1","choices":[{"index":0,"delta":{"content":"tab\tquote\" slash\\/ nl\n é 😀 \u00e9\ud83d\ude00 \u0001"},"finish_reason":null}]}"#,
        #" { "id" : "c1" , "choices" : [ { "delta" : { "reasoning_content" : "hmm" } , "index" : 0 } ] , "extra" : { "a" : [ 1 , 2.5e3 , true , false , null , "x\"y" ] } } "#,
        #"{"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"stop","stop_reason":null}]}"#,
        #"{"id":"c1","choices":[],"usage":{"prompt_tokens":24,"completion_tokens":48,"total_tokens":72,"prompt_tokens_details":{"cached_tokens":16}}}"#,
        #"{"id":"c1","choices":null,"usage":{"prompt_tokens":24,"total_tokens":72,"prompt_tokens_details":null}}"#,
        #"{"id":"c1","choices":[{"index":1,"delta":null,"finish_reason":"length"}],"usage":null,"error":null}"#,
    ]

    @Test("stream chunks: the fast reader takes the common ones and reads what Codable reads")
    func chunksAgree() throws {
        for text in Self.chunks {
            let fast = try #require(fastRead(OpenAIChatCompletionChunk.self, text), "missed: \(text)")
            #expect(fast == (try JSONDecoder().decode(OpenAIChatCompletionChunk.self, from: Data(text.utf8))), "\(text)")
        }
    }

    static let answers = [
        #"{"id":"chatcmpl-1","object":"chat.completion","created":1767225600,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"Ferries carry passengers.","tool_calls":[]},"logprobs":null,"finish_reason":"stop","stop_reason":null}],"usage":{"prompt_tokens":24,"total_tokens":72,"completion_tokens":48,"prompt_tokens_details":null}}"#,
        #"{"id":"x","object":"chat.completion","created":0,"model":"m","choices":[{"message":{"role":"assistant","content":null,"reasoning_content":"think"},"finish_reason":null}],"system_fingerprint":"fp"}"#,
    ]

    @Test("whole answers: the fast reader reads what Codable reads")
    func answersAgree() throws {
        for text in Self.answers {
            let fast = try #require(fastRead(OpenAIChatCompletion.self, text), "missed: \(text)")
            #expect(fast == (try JSONDecoder().decode(OpenAIChatCompletion.self, from: Data(text.utf8))))
        }
    }

    static let requests = [
        #"{"model":"bench","messages":[{"role":"user","content":"What does a ferry do?"}],"max_tokens":64}"#,
        #"{"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi","name":"ann"},{"role":"assistant","content":null}],"temperature":0.7,"top_p":1,"top_k":40,"max_completion_tokens":9,"stop":"\n","seed":-3,"presence_penalty":-0.5,"frequency_penalty":1e-2,"stream":true,"stream_options":{"include_usage":true},"user":"u","n":1,"tools":null,"metadata":{"k":"v"}}"#,
    ]

    @Test("requests: the fast reader reads what Codable reads")
    func requestsAgree() throws {
        for text in Self.requests {
            let fast = try #require(fastRead(OpenAIChatRequest.self, text), "missed: \(text)")
            #expect(fast == (try JSONDecoder().decode(OpenAIChatRequest.self, from: Data(text.utf8))))
        }
    }

    @Test("Ollama chat: the fast reader reads the request Codable reads; the writer writes the answer Codable writes")
    func ollamaAgrees() throws {
        let texts = [
            #"{"model":"bench","messages":[{"role":"user","content":"What does a ferry do?"}],"stream":false,"options":{"num_predict":64}}"#,
            #"{"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"tool","content":"{}","tool_name":"f"},{"role":"assistant","thinking":"hm"}],"options":{"temperature":0.2,"top_p":0.9,"top_k":4,"num_ctx":2048,"seed":1,"stop":"\n","presence_penalty":0,"frequency_penalty":0.1,"mirostat":0},"keep_alive":null}"#,
        ]
        for text in texts {
            let fast = try #require(fastRead(OllamaChatRequest.self, text), "missed: \(text)")
            #expect(fast == (try JSONDecoder().decode(OllamaChatRequest.self, from: Data(text.utf8))))
        }
        #expect(fastRead(OllamaChatRequest.self, #"{"model":"m","messages":[{"role":"user","content":"x","images":["aGk="]}]}"#) == nil)
        #expect(fastRead(OllamaChatRequest.self, #"{"model":"m","messages":[],"format":"json"}"#) == nil)

        var answer = OllamaChatResponse(model: "m", createdAt: "2026-11-21T00:00:00Z", message: OllamaMessage(role: "assistant", content: "Hi \"there\"\n"), done: true)
        try expectSameJSON(answer)
        answer.doneReason = "stop"
        answer.totalDuration = 1_234_567
        answer.loadDuration = 0
        answer.promptEvalCount = 3
        answer.promptEvalDuration = 12
        answer.evalCount = 4
        answer.evalDuration = 56
        answer.message?.thinking = "hmm"
        try expectSameJSON(answer)
        answer.message?.toolCalls = [OllamaToolCall(function: .init(name: "f", arguments: .object([:])))]
        var buffer = ByteBuffer()
        #expect(buffer.writeFastJSON(answer) == false && buffer.readableBytes == 0)
        try expectSameJSON(answer)
    }

    @Test("shapes the fast reader does not handle go to Codable, which reads them")
    func missesFallBack() throws {
        let toolChunk = #"{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]}}]}"#
        let errorChunk = #"{"error":{"message":"boom","type":"server_error","code":500}}"#
        let partsRequest = #"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}"#
        let listStop = #"{"model":"m","messages":[],"stop":["a","b"]}"#
        let toolAnswer = #"{"id":"x","object":"chat.completion","created":0,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}"#
        #expect(fastRead(OpenAIChatCompletionChunk.self, toolChunk) == nil)
        #expect(fastRead(OpenAIChatCompletionChunk.self, errorChunk) == nil)
        #expect(fastRead(OpenAIChatRequest.self, partsRequest) == nil)
        #expect(fastRead(OpenAIChatRequest.self, listStop) == nil)
        #expect(fastRead(OpenAIChatCompletion.self, toolAnswer) == nil)
        // WireJSON falls back and reads them all.
        #expect(try WireJSON.decode(OpenAIChatCompletionChunk.self, from: Array(toolChunk.utf8)).choices?.first?.delta.toolCalls?.first?.id == "call_1")
        #expect(try WireJSON.decode(OpenAIChatCompletionChunk.self, from: Array(errorChunk.utf8)).error?.message == "boom")
        #expect(try WireJSON.decode(OpenAIChatRequest.self, from: Array(partsRequest.utf8)).messages.first?.isPlainText == false)
        #expect(try WireJSON.decode(OpenAIChatRequest.self, from: Array(listStop.utf8)).stop == .many(["a", "b"]))
        #expect(try WireJSON.decode(OpenAIChatCompletion.self, from: Array(toolAnswer.utf8)).choices.first?.message.toolCalls?.count == 1)
    }

    @Test("malformed or mistyped input misses, and Codable decides (it accepts a trailing comma, say)", arguments: [
        #"{"id":"c1","choices":[{"index":0,"delta":{"content":"x"}}],}"#,      // trailing comma
        #"{"id":"c1" "choices":[]}"#,                                           // missing comma
        #"{"id":"c1","choices":[{"index":0,"delta":{"content":"x"}}]"#,        // truncated
        "{\"id\":\"a\u{01}b\"}",                                                // raw control character
        #"{"id":"\ud83d"}"#,                                                    // lone surrogate
        #"{"id":"c1","created":1.5}"#,                                          // not an integer
        #"{"id":"c1","choices":[{"index":"0"}]}"#,                              // wrong type
        #"{"id":"c1"} {}"#,                                                     // trailing data
    ])
    func malformedMisses(text: String) throws {
        #expect(fastRead(OpenAIChatCompletionChunk.self, text) == nil)
        let reference = try? JSONDecoder().decode(OpenAIChatCompletionChunk.self, from: Data(text.utf8))
        if let reference {
            #expect(try WireJSON.decode(OpenAIChatCompletionChunk.self, from: Array(text.utf8)) == reference)
        } else {
            #expect(throws: FerryError.self) { try WireJSON.decode(OpenAIChatCompletionChunk.self, from: Array(text.utf8)) }
        }
    }

    // MARK: Writing

    @Test("stream chunks: the fast writer writes the JSON Codable writes")
    func chunkWriting() throws {
        let values: [OpenAIChatCompletionChunk] = [
            OpenAIChatCompletionChunk(id: "c1", created: 7, model: "m", choices: [.init(delta: .init(role: "assistant", content: ""))]),
            OpenAIChatCompletionChunk(id: "c\"1", created: 7, model: "m/é", choices: [.init(delta: .init(content: "a\u{0}b\u{1f}\n\t\\😀"))]),
            OpenAIChatCompletionChunk(id: "c1", created: 7, model: "m", choices: [.init(delta: .init(), finishReason: "stop")]),
            OpenAIChatCompletionChunk(id: "c1", created: 7, model: "m", choices: [], usage: OpenAIUsage(Usage(promptTokens: 3, completionTokens: 4, cachedPromptTokens: 2))),
        ]
        for value in values { try expectSameJSON(value) }
        let toolChunk = OpenAIChatCompletionChunk(id: "c", created: 0, model: "m", choices: [.init(delta: .init(toolCalls: [OpenAIToolCall(id: "x", type: "function", function: .init(name: "f", arguments: ""))]))])
        var buffer = ByteBuffer()
        #expect(buffer.writeFastJSON(toolChunk) == false && buffer.readableBytes == 0)
        try expectSameJSON(toolChunk)   // WireJSON falls back to Codable
    }

    @Test("answers and requests: the fast writer writes the JSON Codable writes")
    func answerAndRequestWriting() throws {
        var answer = OpenAIChatCompletion(
            id: "chatcmpl-1", created: 1, model: "m",
            choices: [.init(index: 0, message: OpenAIMessage(role: "assistant", content: .text("Hi \"you\"")), finishReason: "stop")],
            usage: OpenAIUsage(Usage(promptTokens: 1, completionTokens: 2))
        )
        try expectSameJSON(answer)
        answer.systemFingerprint = "fp"
        answer.choices[0].message.reasoningContent = "because"
        answer.choices[0].finishReason = nil
        try expectSameJSON(answer)

        var request = OpenAIChatRequest(model: "m", messages: [
            OpenAIMessage(role: "system", content: .text("Be brief.")), OpenAIMessage(role: "user", content: .text("Hi"), name: "ann"),
            OpenAIMessage(role: "tool", content: .text("{}"), toolCallID: "call_1"),
        ])
        try expectSameJSON(request)
        request.temperature = 0.7
        request.topP = 1
        request.topK = 40
        request.maxTokens = 64
        request.stop = .many(["\n", "END"])
        request.seed = 7
        request.presencePenalty = -0.5
        request.frequencyPenalty = 1e-5
        request.stream = true
        request.streamOptions = OpenAIStreamOptions(includeUsage: true)
        request.user = "u"
        request.n = 1
        try expectSameJSON(request)
        request.toolChoice = .mode("auto")
        var buffer = ByteBuffer()
        #expect(buffer.writeFastJSON(request) == false && buffer.readableBytes == 0)
        try expectSameJSON(request)
    }

    @Test("strings survive the writer and the reader unchanged")
    func stringRoundTrip() throws {
        let texts = ["", "plain", "\"quoted\" \\ back/slash", "\u{0}\u{1}\u{8}\u{c}\u{1f}\u{7f}", "line\nbreak\r\ttab", "é 日本 😀 👩‍👩‍👧", String(repeating: "long ", count: 200)]
        for text in texts {
            var buffer = ByteBuffer()
            // Room for 4 bytes first: longer strings are written by the second pass, with the room they need.
            buffer.writeWithByteWriter(estimatedSize: 4) { $0.writeJSONString(text) }
            let bytes = Array(buffer.readableBytesView)
            #expect(try JSONDecoder().decode(String.self, from: Data(bytes)) == text)
            #expect(JSONScanner.read(bytes) { try $0.string() } == text)
        }
    }

    // MARK: Helpers

    private func fastRead<Value: FastJSONDecodable>(_ type: Value.Type, _ text: String) -> Value? {
        JSONScanner.read(Array(text.utf8)) { try Value.read(&$0) }
    }

    /// WireJSON's bytes and Foundation's describe the same JSON (same keys, nulls included, same values of the same kinds).
    private func expectSameJSON<Value: Encodable>(_ value: Value, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var buffer = ByteBuffer()
        try WireJSON.encode(value, into: &buffer)
        let fast = try StrictJSON.parse(buffer.readableBytesView)
        let reference = try StrictJSON.parse(JSONEncoder().encode(value))
        #expect(fast == reference, "\(String(buffer: buffer))", sourceLocation: sourceLocation)
    }
}

@Suite("Timestamps")
struct TimestampsTests {
    @Test("rfc3339 writes what ISO8601DateFormatter writes", arguments: [0, 951_782_400.5, 1_767_225_600.125, 1_709_164_799.999, 4_102_444_800.042, -86_400.25])
    func sameAsFoundation(seconds: Double) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = Date(timeIntervalSince1970: seconds)
        #expect(Timestamps.rfc3339(date) == formatter.string(from: date))
    }

    @Test("httpDate writes an IMF-fixdate, as a POSIX DateFormatter does", arguments: [0, 951_782_400, 1_795_310_576, 1_709_164_799, 4_102_444_800, -86_401] as [Int64])
    func httpDate(seconds: Int64) {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        #expect(Timestamps.httpDate(seconds: seconds) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))))
    }
}
