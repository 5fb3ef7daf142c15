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

    static let responsesRequest = Fields<ResponsesRequest.CodingKeys>(name: "ResponsesRequest", samples: [
        .model: #""m""#, .input: #""hi""#, .instructions: #""Be brief.""#,
        .tools: #"[{"type":"function","name":"f","parameters":{"type":"object"}}]"#, .text: #"{"format":{"type":"json_object"}}"#,
        .reasoning: #"{"effort":"low"}"#, .store: "false", .stream: "true", .temperature: "0.5", .user: #""u""#, .metadata: #"{"k":"v"}"#,
        .toolChoice: #""auto""#, .previousResponseID: #""resp_1""#, .topP: "0.9", .maxOutputTokens: "64", .parallelToolCalls: "false",
    ], required: [.model])

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

    @Test("Responses requests: the fast reader reads what Codable reads, input as a string or message items")
    func responsesRequests() throws {
        #expect(try check(ResponsesRequest.self, Self.responsesRequest) > 8, "the reader should take most requests")
        let items = [
            #"[{"role":"user","content":"hi"}]"#,
            #"[{"type":"message","role":"developer","content":"Be brief."},{"role":"user","content":"caf\u00e9 \"x\""}]"#,
            #"[{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":"Paris."}]"#,
            #"[{"role":"user","content":[{"type":"input_text","text":"parts go to Codable"}]}]"#,
            #"[{"type":"function_call_output","call_id":"c","output":"so do other items"}]"#,
            #"[]"#, "null",
        ]
        var taken = 0
        for input in items {
            let text = #"{"model":"m","input":\#(input)}"#
            let reference = try JSONDecoder().decode(ResponsesRequest.self, from: Data(text.utf8))
            if let fast = fastRead(text) {
                taken += 1
                #expect(fast == reference, "\(text): the hand-written reader read\n\(fast)\nCodable read\n\(reference)")
            }
        }
        #expect(taken == 5)
        #expect(fastRead(#"{"input":"no model"}"#) == nil)
    }

    private func fastRead(_ text: String) -> ResponsesRequest? {
        JSONScanner.read(Array(text.utf8)) { try ResponsesRequest.read(&$0) }
    }

    @Test("Responses: responses, output items and every stream frame written as Codable writes them, or declined")
    func responses() throws {
        var request = ResponsesRequest(model: "m", input: .text("hi"))
        request.instructions = "Be \"brief\"\n"
        request.temperature = 0.7
        request.topP = 1
        request.maxOutputTokens = 64
        request.previousResponseID = "resp_0"
        request.store = false
        request.user = "u"
        request.parallelToolCalls = false
        request.toolChoice = .mode("required")
        request.text = ResponsesText(format: .init(type: "json_object"))
        var response = ResponsesResponse(id: "resp_1", model: "m", createdAt: 1_796_000_000, request: request)
        try expectSameWrite(response)
        try expectSameWrite(ResponsesResponse(id: "resp_2", model: "m", createdAt: 0, request: ResponsesRequest(model: "m", input: nil)))
        let calls = [ToolCall(id: "call_1", name: "get_weather", arguments: #"{"city":"Oslo"}"#)]
        let answer = ChatResponse(
            id: "c", model: "m", created: 0, message: ChatMessage(role: .assistant, content: [.text("Sunny, 20 °C\t✓")], toolCalls: calls),
            finishReason: .length, usage: Usage(promptTokens: 12, completionTokens: 5, cachedPromptTokens: 4)
        )
        response.complete(with: answer)
        #expect(response.writesPlainly && response.output.count == 2)
        try expectSameWrite(response)
        response.error = ResponsesError(code: "server_error", message: "The backend \"v\" failed")
        try expectSameWrite(response)
        var noFormat = response
        noFormat.text = ResponsesText(format: nil)
        try expectSameWrite(noFormat)
        for item in response.output { try expectSameWrite(item) }
        try expectSameWrite(ResponsesItem.message(ResponsesMessage(role: "user", content: .text("plain"))))

        // What only Codable writes is declined, and Codable writes it.
        var withTools = response
        withTools.tools = [ResponsesTool(name: "f", description: nil, parameters: ["type": "object"], strict: true)]
        var withMetadata = response
        withMetadata.metadata = ["k": "v"]
        var withSchema = response
        withSchema.text = ResponsesText(format: .init(type: "json_schema", name: "s", schema: ["type": "object"]))
        var forcedTool = response
        forcedTool.toolChoice = .function("f")
        for declined in [withTools, withMetadata, withSchema, forcedTool] {
            var buffer = ByteBuffer()
            #expect(!buffer.writeFastJSON(declined) && buffer.readableBytes == 0)
        }
        #expect(!ResponsesItem.functionCallOutput(callID: "c", output: "o").writesPlainly)

        let part = ResponsesContentPart(type: "output_text", text: "so far")
        let item = response.output[0]
        try expectSameWrite(ResponsesStreamEncoder.ResponseEvent(type: "response.completed", sequenceNumber: 9, response: response))
        try expectSameWrite(ResponsesStreamEncoder.ItemEvent(type: "response.output_item.done", sequenceNumber: 3, outputIndex: 1, item: item))
        try expectSameWrite(ResponsesStreamEncoder.PartEvent(type: "response.content_part.added", sequenceNumber: 4, itemID: "msg_1_0", outputIndex: 0, part: part))
        try expectSameWrite(ResponsesStreamEncoder.TextDone(type: "response.output_text.done", sequenceNumber: 5, itemID: "msg_1_0", outputIndex: 0, text: "all \"of\" it"))
        try expectSameWrite(ResponsesStreamEncoder.ArgumentsDelta(type: "response.function_call_arguments.delta", sequenceNumber: 6, itemID: "fc_1_1", outputIndex: 1, delta: #"{"ci"#))
        try expectSameWrite(ResponsesStreamEncoder.ArgumentsDone(type: "response.function_call_arguments.done", sequenceNumber: 7, itemID: "fc_1_1", outputIndex: 1, arguments: #"{"city":"Oslo"}"#))
    }

    @Test("JSON kinds are kept apart: 1, 1.0 and true differ")
    func strictJSON() throws {
        #expect(try StrictJSON.parse("1") != StrictJSON.parse("1.0"))
        #expect(try StrictJSON.parse("1") != StrictJSON.parse("true"))
        #expect(try StrictJSON.parse(#"{"a":[1,"x"],"b":null}"#) == StrictJSON.parse(#" { "b" : null , "a" : [ 1 , "\u0078" ] } "#))
    }
}
