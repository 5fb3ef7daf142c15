import FerryCore
@testable import FerryWire
import Foundation
import NIOCore
import Testing

/// Every hand-written reader and writer of the hot path against its Codable twin, field by field. Each type's
/// table has a sample for every one of its coding keys (`CaseIterable`): a field added to a wire type fails here
/// until it has a sample, and then until the hand-written reader reads it as Codable does (or declines the
/// document, so that Codable reads it) and the writer writes it as Codable does — instead of being dropped
/// silently by a reader that skips keys it does not know.
@Suite("Fast coding guards: every field, fast == Codable")
struct FastCodingGuardTests {
    /// A wire type's fields as JSON: a sample value (not null) for each coding key, and the keys a document needs.
    struct Fields<Key: CodingKey & CaseIterable & Hashable> {
        let name: String
        let samples: [Key: String]
        var required: [Key] = []

        func object(_ keys: [Key]) -> String {
            "{" + keys.map { "\"\($0.stringValue)\":\(samples[$0] ?? "null")" }.joined(separator: ",") + "}"
        }

        /// Documents to try: the required keys with each key in turn, then every key at once.
        var documents: [(label: String, json: String)] {
            let each = Key.allCases.map { key in ("\(name).\(key.stringValue)", object(required + (required.contains(key) ? [] : [key]))) }
            return each + [("\(name) with every field", object(Array(Key.allCases)))]
        }
    }

    private func expectCovers<Key>(_ fields: Fields<Key>, sourceLocation: SourceLocation = #_sourceLocation) {
        let missing = Key.allCases.filter { fields.samples[$0] == nil }.map(\.stringValue)
        #expect(missing.isEmpty, "\(fields.name): no sample for \(missing) — add one, then make the hand-written reader and writer handle it", sourceLocation: sourceLocation)
    }

    /// Reads each document with the hand-written reader and with Codable: where the reader takes it, the values are
    /// equal; then writes Codable's value both ways. Returns how many documents the hand-written reader took.
    @discardableResult
    private func check<Root: FastJSONDecodable & Codable & Equatable, Key>(
        _ root: Root.Type, _ fields: Fields<Key>, wrap: (String) -> String = { $0 }, write: (Root) throws -> Void = { _ in }, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Int {
        expectCovers(fields, sourceLocation: sourceLocation)
        var taken = 0
        for (label, object) in fields.documents {
            let text = wrap(object)
            let reference = try JSONDecoder().decode(Root.self, from: Data(text.utf8))
            if let fast = JSONScanner.read(Array(text.utf8), { try Root.read(&$0) }) {
                taken += 1
                #expect(fast == reference, "\(label): the hand-written reader read\n\(fast)\nCodable read\n\(reference)\nfrom \(text)", sourceLocation: sourceLocation)
            }
            try write(reference)
        }
        return taken
    }

    /// The hand-written writer (when it does not decline) writes the JSON Codable writes, kinds kept apart.
    private func expectSameWrite<Value: FastJSONEncodable & Encodable>(_ value: Value, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var buffer = ByteBuffer()
        guard buffer.writeFastJSON(value) else { return }
        let fast = try StrictJSON.parse(buffer.readableBytesView)
        let codable = try JSONEncoder().encode(value)
        let reference = try StrictJSON.parse(codable)
        #expect(fast == reference, "the hand-written writer wrote\n\(String(buffer: buffer))\nCodable wrote\n\(String(decoding: codable, as: UTF8.self))", sourceLocation: sourceLocation)
    }

    // MARK: Samples

    static let toolCall = #"[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}}]"#
    static let streamedToolCall = #"[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\""}}]"#
    static let usage = #"{"prompt_tokens":24,"completion_tokens":48,"total_tokens":72,"prompt_tokens_details":{"cached_tokens":16}}"#

    static let request = Fields<OpenAIChatRequest.CodingKeys>(name: "OpenAIChatRequest", samples: [
        .model: #""m""#, .messages: #"[{"role":"user","content":"hi"}]"#,
        .tools: #"[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object"}}}]"#,
        .toolChoice: #""auto""#, .temperature: "0.5", .topP: "0.9", .topK: "40", .maxTokens: "64", .maxCompletionTokens: "32",
        .stop: #""\n""#, .seed: "7", .presencePenalty: "0.25", .frequencyPenalty: "-0.5", .responseFormat: #"{"type":"json_object"}"#,
        .stream: "true", .streamOptions: #"{"include_usage":true}"#, .user: #""u""#, .n: "1",
    ], required: [.model, .messages])

    static let streamOptions = Fields<OpenAIStreamOptions.CodingKeys>(name: "OpenAIStreamOptions", samples: [.includeUsage: "false"])

    static let message = Fields<OpenAIMessage.CodingKeys>(name: "OpenAIMessage", samples: [
        .role: #""assistant""#, .content: #""Paris.""#, .name: #""ann""#, .toolCalls: toolCall, .toolCallID: #""call_1""#,
        .reasoningContent: #""thinking""#,
    ], required: [.role])

    static let completion = Fields<OpenAIChatCompletion.CodingKeys>(name: "OpenAIChatCompletion", samples: [
        .id: #""chatcmpl-1""#, .object: #""chat.completion""#, .created: "1767225600", .model: #""m""#,
        .choices: #"[{"index":0,"message":{"role":"assistant","content":"Paris."},"logprobs":null,"finish_reason":"stop"}]"#,
        .usage: usage, .systemFingerprint: #""fp_1""#,
    ], required: [.id, .object, .created, .model, .choices])

    static let completionChoice = Fields<OpenAIChatCompletion.Choice.CodingKeys>(name: "OpenAIChatCompletion.Choice", samples: [
        .index: "0", .message: #"{"role":"assistant","content":"Paris."}"#, .logprobs: #"{"content":[]}"#, .finishReason: #""length""#,
    ], required: [.index, .message])

    static let usageFields = Fields<OpenAIUsage.CodingKeys>(name: "OpenAIUsage", samples: [
        .promptTokens: "24", .completionTokens: "48", .totalTokens: "72", .promptTokensDetails: #"{"cached_tokens":16}"#,
    ], required: [.promptTokens, .totalTokens])

    static let promptDetails = Fields<OpenAIUsage.PromptDetails.CodingKeys>(name: "OpenAIUsage.PromptDetails", samples: [.cachedTokens: "16"])

    static let chunk = Fields<OpenAIChatCompletionChunk.CodingKeys>(name: "OpenAIChatCompletionChunk", samples: [
        .id: #""c1""#, .object: #""chat.completion.chunk""#, .created: "1", .model: #""m""#,
        .choices: #"[{"index":0,"delta":{"content":" Paris"},"logprobs":null,"finish_reason":null}]"#, .usage: usage,
        .error: #"{"message":"the backend failed","type":"server_error","param":null,"code":500}"#,
    ])

    static let delta = Fields<OpenAIChatCompletionChunk.Delta.CodingKeys>(name: "OpenAIChatCompletionChunk.Delta", samples: [
        .role: #""assistant""#, .content: #""Paris""#, .toolCalls: streamedToolCall, .reasoningContent: #""hmm""#,
    ])

    static let chunkChoice = Fields<OpenAIChatCompletionChunk.Choice.CodingKeys>(name: "OpenAIChatCompletionChunk.Choice", samples: [
        .index: "0", .delta: #"{"content":"x"}"#, .logprobs: #"{"content":[]}"#, .finishReason: #""stop""#,
    ], required: [.index])

    static let ollamaRequest = Fields<OllamaChatRequest.CodingKeys>(name: "OllamaChatRequest", samples: [
        .model: #""qwen2.5:1.5b""#, .messages: #"[{"role":"user","content":"hi"}]"#,
        .tools: #"[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]"#, .format: #""json""#,
        .options: #"{"temperature":0.1,"num_predict":8}"#, .stream: "false", .keepAlive: #""5m""#, .think: "true",
    ], required: [.model, .messages])

    static let ollamaMessage = Fields<OllamaMessage.CodingKeys>(name: "OllamaMessage", samples: [
        .role: #""assistant""#, .content: #""hi""#, .images: #"["aGk="]"#,
        .toolCalls: #"[{"function":{"name":"f","arguments":{"city":"Oslo","days":2}}}]"#, .toolName: #""f""#, .thinking: #""t""#,
    ], required: [.role, .content])

    static let ollamaOptions = Fields<OllamaOptions.CodingKeys>(name: "OllamaOptions", samples: [
        .temperature: "0.1", .topP: "0.9", .topK: "40", .numPredict: "8", .numCtx: "2048", .seed: "3", .stop: #"["x","y"]"#,
        .presencePenalty: "0.5", .frequencyPenalty: "0.25",
    ])

    static let ollamaResponse = Fields<OllamaChatResponse.CodingKeys>(name: "OllamaChatResponse", samples: [
        .model: #""qwen2.5:1.5b""#, .createdAt: #""2026-01-01T00:00:00.000000Z""#, .message: #"{"role":"assistant","content":"hi"}"#,
        .done: "true", .doneReason: #""stop""#, .totalDuration: "5000", .loadDuration: "1000", .promptEvalCount: "2",
        .promptEvalDuration: "3000", .evalCount: "4", .evalDuration: "4000", .error: #""boom""#,
    ])

    // MARK: Tests

    @Test("OpenAI chat requests, their messages and stream options")
    func requests() throws {
        let write = { (request: OpenAIChatRequest) in try expectSameWrite(request) }
        #expect(try check(OpenAIChatRequest.self, Self.request, write: write) > 10, "the reader should take most requests")
        try check(OpenAIChatRequest.self, Self.streamOptions, wrap: { #"{"model":"m","messages":[],"stream_options":\#($0)}"# }, write: write)
        try check(OpenAIChatRequest.self, Self.message, wrap: { #"{"model":"m","messages":[\#($0)]}"# }, write: write)
        #expect(try check(OpenAIMessage.self, Self.message, write: { try expectSameWrite($0) }) > 3)
    }

    @Test("OpenAI whole answers, their choices and usage")
    func answers() throws {
        let write = { (answer: OpenAIChatCompletion) in try expectSameWrite(answer) }
        #expect(try check(OpenAIChatCompletion.self, Self.completion, write: write) > 5)
        let answer = { (choice: String) in #"{"id":"x","object":"chat.completion","created":0,"model":"m","choices":[\#(choice)]}"# }
        try check(OpenAIChatCompletion.self, Self.completionChoice, wrap: answer, write: write)
        try check(OpenAIChatCompletion.self, Self.message, wrap: { answer(#"{"index":0,"message":\#($0),"finish_reason":"stop"}"#) }, write: write)
        try check(OpenAIChatCompletion.self, Self.usageFields, wrap: { #"{"id":"x","object":"chat.completion","created":0,"model":"m","choices":[],"usage":\#($0)}"# }, write: write)
        try check(OpenAIChatCompletion.self, Self.promptDetails, wrap: { #"{"id":"x","object":"chat.completion","created":0,"model":"m","choices":[],"usage":{"prompt_tokens":1,"total_tokens":1,"prompt_tokens_details":\#($0)}}"# }, write: write)
        #expect(try check(OpenAIUsage.self, Self.usageFields, write: { try expectSameWrite($0) }) == Self.usageFields.documents.count)
    }

    @Test("OpenAI stream chunks, their choices and deltas")
    func chunks() throws {
        let write = { (chunk: OpenAIChatCompletionChunk) in try expectSameWrite(chunk) }
        #expect(try check(OpenAIChatCompletionChunk.self, Self.chunk, write: write) > 5)
        try check(OpenAIChatCompletionChunk.self, Self.chunkChoice, wrap: { #"{"id":"c","choices":[\#($0)]}"# }, write: write)
        try check(OpenAIChatCompletionChunk.self, Self.delta, wrap: { #"{"id":"c","choices":[{"index":0,"delta":\#($0)}]}"# }, write: write)
        try check(OpenAIChatCompletionChunk.self, Self.usageFields, wrap: { #"{"id":"c","choices":[],"usage":\#($0)}"# }, write: write)
    }

    @Test("Ollama chat requests, their messages and options; Ollama answers written")
    func ollama() throws {
        #expect(try check(OllamaChatRequest.self, Self.ollamaRequest) > 3)
        try check(OllamaChatRequest.self, Self.ollamaMessage, wrap: { #"{"model":"m","messages":[\#($0)]}"# })
        try check(OllamaChatRequest.self, Self.ollamaOptions, wrap: { #"{"model":"m","messages":[],"options":\#($0)}"# })
        expectCovers(Self.ollamaResponse)
        for (_, object) in Self.ollamaResponse.documents {
            try expectSameWrite(try JSONDecoder().decode(OllamaChatResponse.self, from: Data(object.utf8)))
        }
        for (_, object) in Self.ollamaMessage.documents {
            try expectSameWrite(try JSONDecoder().decode(OllamaChatResponse.self, from: Data(#"{"model":"m","message":\#(object),"done":false}"#.utf8)))
        }
    }

    @Test("JSON kinds are kept apart: 1, 1.0 and true differ")
    func strictJSON() throws {
        #expect(try StrictJSON.parse("1") != StrictJSON.parse("1.0"))
        #expect(try StrictJSON.parse("1") != StrictJSON.parse("true"))
        #expect(try StrictJSON.parse(#"{"a":[1,"x"],"b":null}"#) == StrictJSON.parse(#" { "b" : null , "a" : [ 1 , "\u0078" ] } "#))
    }
}
