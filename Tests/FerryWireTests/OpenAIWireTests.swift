import FerryCore
import FerryWire
import Foundation
import NIOCore
import Testing

@Suite("OpenAI dialect")
struct OpenAIWireTests {
    static let fullRequest = #"""
        {"model":"qwen","messages":[
          {"role":"system","content":"Be brief."},
          {"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}]},
          {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\"q\":\"x\"}"}}]},
          {"role":"tool","tool_call_id":"call_1","content":"{\"found\":true}"}],
         "tools":[{"type":"function","function":{"name":"lookup","description":"Search","parameters":{"type":"object","properties":{"q":{"type":"string","minLength":1}},"required":["q"]},"strict":true}}],
         "tool_choice":{"type":"function","function":{"name":"lookup"}},
         "temperature":0.2,"top_p":0.9,"top_k":40,"max_tokens":64,"stop":"\n\n","seed":7,"presence_penalty":0.5,"frequency_penalty":-0.5,
         "response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object"},"strict":true}},
         "stream":true,"stream_options":{"include_usage":true},"user":"u-1"}
        """#

    @Test("a full request maps to core and back without loss")
    func requestRoundTrip() throws {
        let wire = try WireJSON.decode(OpenAIChatRequest.self, from: bytes(Self.fullRequest))
        let core = try wire.chatRequest()
        #expect(core.messages.count == 4)
        #expect(core.messages[1].images == [ImageSource(url: "data:image/png;base64,iVBORw0KGgo=", detail: "low")])
        #expect(core.messages[2].toolCalls == [ToolCall(id: "call_1", name: "lookup", arguments: #"{"q":"x"}"#)])
        #expect(core.messages[2].content.isEmpty)
        #expect(core.messages[3].toolCallID == "call_1")
        #expect(core.tools.first?.parameters["properties"]?["q"]?["minLength"] == .integer(1))
        #expect(core.toolChoice == .function("lookup"))
        #expect(core.sampling == SamplingParameters(temperature: 0.2, topP: 0.9, topK: 40, maxTokens: 64, stop: ["\n\n"], seed: 7, presencePenalty: 0.5, frequencyPenalty: -0.5))
        #expect(core.responseFormat == .jsonSchema(name: "answer", schema: ["type": "object"], strict: true))
        #expect(core.includeUsage)
        #expect(core.user == "u-1")
        let again = try WireJSON.decode(OpenAIChatRequest.self, from: Array(try WireJSON.encode(OpenAIChatRequest(core, stream: true))))
        #expect(try again.chatRequest() == core)
    }

    @Test("an assistant message that only calls tools is sent with content null")
    func nullContent() throws {
        let message = OpenAIMessage(ChatMessage.assistant("", toolCalls: [ToolCall(id: "c", name: "f", arguments: "{}")]))
        let json = String(decoding: try WireJSON.encode(message), as: UTF8.self)
        #expect(json.contains("\"content\":null"))
    }

    @Test("bad requests name the field", arguments: [
        (#"{"model":"m","messages":[]}"#, "messages"),
        (#"{"model":"","messages":[{"role":"user","content":"x"}]}"#, "model"),
        (#"{"model":"m","messages":[{"role":"robot","content":"x"}]}"#, "messages[0].role"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"temperature":3}"#, "temperature"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":0}"#, "max_tokens"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":"sometimes"}"#, "tool_choice"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"n":2}"#, "n"),
    ])
    func badRequests(body: String, field: String) throws {
        let wire = try WireJSON.decode(OpenAIChatRequest.self, from: bytes(body))
        do {
            _ = try wire.chatRequest()
            Issue.record("expected an error for \(field)")
        } catch let error as FerryError {
            #expect(error.code == .badRequest)
            #expect(error.message.contains("`\(field)`"), "\(error.message)")
        }
    }

    @Test("wrong JSON types are reported with their path")
    func wrongTypes() {
        do {
            _ = try WireJSON.decode(OpenAIChatRequest.self, from: bytes(#"{"model":"m","messages":[{"role":"user","content":"x"}],"temperature":"hot"}"#))
            Issue.record("expected a decoding error")
        } catch let error as FerryError {
            #expect(error.message.contains("`temperature`"))
            #expect(error.message.contains("wrong type"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("the three error shapes parse; vLLM's unknown model becomes modelNotFound", arguments: [
        #"{"error":{"message":"The model `gpt-5` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}"#,
        #"{"object":"error","message":"The model `gpt-5` does not exist.","type":"NotFoundError","param":null,"code":404}"#,
        #"{"error":{"message":"The model `gpt-5` does not exist.","type":"NotFoundError","param":"model","code":404}}"#,
    ])
    func errorShapes(body: String) throws {
        let parsed = try WireJSON.decode(OpenAIErrorBody.self, from: bytes(body))
        #expect(parsed.error.message.contains("gpt-5"))
        let error = parsed.ferryError(status: 404, location: ErrorLocation(backend: "vllm", url: "http://h:8000"))
        #expect(error.code == .modelNotFound)
        #expect(error.location.model == "gpt-5")
        #expect(error.location.backend == "vllm")
    }

    @Test("a 429 keeps Retry-After; a 400 is a refusal of the request, answered as 400")
    func errorStatuses() throws {
        let body = try WireJSON.decode(OpenAIErrorBody.self, from: bytes(#"{"error":{"message":"slow","type":"rate_limit","param":null,"code":null}}"#))
        #expect(body.ferryError(status: 429, location: ErrorLocation(), retryAfter: .seconds(3)).retryAfter == .seconds(3))
        let refusal = body.ferryError(status: 400, location: ErrorLocation())
        #expect(refusal.code == .rejected && refusal.responseStatus == 400)
        #expect(body.ferryError(status: 500, location: ErrorLocation()).responseStatus == 502)
    }

    @Test("stream quirks: null choices, missing index, in-band error, body cut before finish")
    func streamQuirks() throws {
        let quirky = """
            data: {"id":"x","model":"m","created":1,"choices":[{"delta":{"content":"hi"}}]}

            data: {"id":"x","model":"m","created":1,"choices":[{"delta":{},"finish_reason":"length"}]}

            data: {"id":"x","model":"m","created":1,"choices":null,"usage":{"prompt_tokens":2,"completion_tokens":1,"total_tokens":3}}

            data: [DONE]


            """
        #expect(try openAIEvents([ByteBuffer(string: quirky)]) == [
            .start(StreamStart(id: "x", model: "m", created: 1)), .textDelta("hi"),
            .finish(StreamFinish(reason: .length, usage: Usage(promptTokens: 2, completionTokens: 1))),
        ])
        let inBand = "data: {\"id\":\"x\",\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"error\":{\"message\":\"engine died\",\"type\":\"InternalServerError\",\"code\":500}}\n\n"
        let events = try openAIEvents([ByteBuffer(string: inBand)])
        guard case .error(let error) = events.last else {
            Issue.record("expected an in-band error, got \(events)")
            return
        }
        #expect(error.code == .upstreamFailure && error.message.contains("engine died"))
        let cut = try openAIEvents([ByteBuffer(string: "data: {\"id\":\"x\",\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n")])
        guard case .error(let interrupted) = cut.last else {
            Issue.record("expected an interruption, got \(cut)")
            return
        }
        #expect(interrupted.code == .streamInterrupted)
    }

    @Test("encoder → decoder gives back the events, with usage only when asked")
    func streamRoundTrip() throws {
        let events = StreamSplittingTests.openAIExpected
        let withUsage = try encode(events, with: OpenAIStreamEncoder(kind: .chat, includeUsage: true))
        #expect(try openAIEvents([ByteBuffer(bytes: withUsage)]) == events)
        let withoutUsage = try encode(events, with: OpenAIStreamEncoder(kind: .chat, includeUsage: false))
        var expected = events
        expected[expected.count - 1] = .finish(StreamFinish(reason: .toolCalls, usage: nil))
        #expect(try openAIEvents([ByteBuffer(bytes: withoutUsage)]) == expected)
        #expect(String(decoding: withUsage, as: UTF8.self).hasSuffix("data: [DONE]\n\n"))
    }

    @Test("legacy completions stream and embeddings (float and base64) round-trip")
    func completionsAndEmbeddings() throws {
        let events: [ChatEvent] = [.start(StreamStart(id: "cmpl-1", model: "m", created: 5)), .textDelta("Once"), .textDelta(" upon"), .finish(StreamFinish(reason: .length, usage: Usage(promptTokens: 3, completionTokens: 2)))]
        let body = try encode(events, with: OpenAIStreamEncoder(kind: .completion, includeUsage: true))
        #expect(try openAIEvents([ByteBuffer(bytes: body)], kind: .completion) == events)
        let vectors: [[Float]] = [[0.25, -1, 3.5e-8], [1, 0, 0]]
        for format in ["float", "base64"] {
            let wire = OpenAIEmbeddingResponse(EmbeddingResponse(model: "e", embeddings: vectors, usage: Usage(promptTokens: 4, completionTokens: 0)), format: format)
            let decoded = try WireJSON.decode(OpenAIEmbeddingResponse.self, from: Array(try WireJSON.encode(wire)))
            #expect(try decoded.embeddingResponse().embeddings == vectors)
        }
        let request = try WireJSON.decode(OpenAIEmbeddingRequest.self, from: bytes(#"{"model":"e","input":"one"}"#))
        #expect(try request.embeddingRequest().inputs == ["one"])
    }

    @Test("a chat completion body maps to core and back")
    func responseRoundTrip() throws {
        let response = ChatResponse(
            id: "chatcmpl-1", model: "m", created: 9,
            message: .assistant("", toolCalls: [ToolCall(id: "c", name: "f", arguments: #"{"a":1}"#)]),
            finishReason: .toolCalls, usage: Usage(promptTokens: 1, completionTokens: 2, cachedPromptTokens: 1)
        )
        let wire = try WireJSON.decode(OpenAIChatCompletion.self, from: Array(try WireJSON.encode(OpenAIChatCompletion(response))))
        #expect(try wire.chatResponse() == response)
    }
}
