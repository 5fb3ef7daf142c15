import FerryCore
import FerryWire
import Foundation
import NIOCore
import Testing

@Suite("Ollama dialect")
struct OllamaWireTests {
    @Test("a chat request maps to core and back: options, format, images, tool calls as objects")
    func requestRoundTrip() throws {
        let body = #"""
            {"model":"llama3.2","stream":false,"format":{"type":"object","properties":{"a":{"type":"integer"}}},
             "options":{"temperature":0.1,"top_k":20,"num_predict":32,"seed":3,"stop":"END"},
             "messages":[{"role":"system","content":"s"},
               {"role":"user","content":"look","images":["/9j/4AAQSkZJRg=="]},
               {"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Oslo"}}}]},
               {"role":"tool","content":"{\"temp\":3}","tool_name":"get_weather"}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}
            """#
        let wire = try WireJSON.decode(OllamaChatRequest.self, from: bytes(body))
        let core = try wire.chatRequest()
        #expect(core.sampling == SamplingParameters(temperature: 0.1, topK: 20, maxTokens: 32, stop: ["END"], seed: 3))
        #expect(core.responseFormat == .jsonSchema(name: "response", schema: ["type": "object", "properties": ["a": ["type": "integer"]]], strict: nil))
        #expect(core.messages[1].images.first?.inlineData?.mimeType == "image/jpeg")
        let call = try #require(core.messages[2].toolCalls.first)
        #expect(call.name == "get_weather" && call.arguments == #"{"city":"Oslo"}"#)
        #expect(call.id.hasPrefix("call_0_"))
        #expect(core.messages[3].role == .tool && core.messages[3].name == "get_weather")
        let again = try WireJSON.decode(OllamaChatRequest.self, from: Array(try WireJSON.encode(OllamaChatRequest(core, stream: false))))
        let core2 = try again.chatRequest()
        #expect(core2.messages == core.messages)
        #expect(core2.sampling == core.sampling)
        #expect(core2.responseFormat == core.responseFormat)
        #expect(again.messages[2].toolCalls?.first?.function.arguments == ["city": "Oslo"], "arguments go out as an object")
        #expect(again.messages[2].toolCalls?.first?.id == nil, "no id on Ollama's wire")
    }

    @Test("an image address cannot go to Ollama: the error says why")
    func imageURLRejected() {
        let request = ChatRequest(model: "m", messages: [ChatMessage(role: .user, content: [.image(ImageSource(url: "https://x/cat.png"))])])
        #expect(throws: FerryError.self) { _ = try OllamaChatRequest(request, stream: true) }
    }

    @Test("missing model: Ollama's words")
    func missingModel() throws {
        let wire = try WireJSON.decode(OllamaChatRequest.self, from: bytes(#"{"model":"","messages":[{"role":"user","content":"x"}]}"#))
        #expect(throws: FerryError.self) { _ = try wire.chatRequest() }
    }

    @Test("OpenAI-style tool fragments are written as one whole Ollama call, and read back")
    func crossDialectToolCalls() throws {
        let events = StreamSplittingTests.openAIExpected
        let body = try encode(events, with: OllamaStreamEncoder(kind: .chat))
        let lines = String(decoding: body, as: UTF8.self).split(separator: "\n")
        let callLine = try #require(lines.first { $0.contains("tool_calls") })
        let chunk = try WireJSON.decode(OllamaChatResponse.self, from: Array(callLine.utf8))
        let calls = try #require(chunk.message?.toolCalls)
        #expect(calls.map(\.function.name) == ["get_weather", "get_time"])
        #expect(calls[0].function.arguments == ["city": "القاهرة"])
        #expect(calls[1].function.arguments == ["tz": "UTC"])
        let last = try WireJSON.decode(OllamaChatResponse.self, from: Array(lines.last!.utf8))
        #expect(last.done == true && last.doneReason == "stop")
        #expect(last.promptEvalCount == 31 && last.evalCount == 19)
        #expect((last.totalDuration ?? -1) >= 0, "durations are nanoseconds, measured")
        var assembler = ChatStreamAssembler()
        for event in try ollamaEvents([ByteBuffer(bytes: body)]) { try assembler.consume(event) }
        let response = assembler.response()
        #expect(response.text == "مرحبا بالعالم 🚀🇳🇴 café")
        #expect(response.message.toolCalls.map(\.arguments) == [#"{"city":"القاهرة"}"#, #"{"tz":"UTC"}"#])
        #expect(response.finishReason == .toolCalls)
    }

    @Test("generate stream, an error line, and a body cut before done")
    func generateAndErrors() throws {
        let events: [ChatEvent] = [.start(StreamStart(id: "g", model: "m:latest", created: 1)), .textDelta("Hi"), .finish(StreamFinish(reason: .length, usage: Usage(promptTokens: 2, completionTokens: 1)))]
        let body = try encode(events, with: OllamaStreamEncoder(kind: .generate))
        let decoded = try ollamaEvents([ByteBuffer(bytes: body)], kind: .generate)
        #expect(Array(decoded.dropFirst()) == Array(events.dropFirst()))
        let failed = try ollamaEvents([ByteBuffer(string: "{\"error\":\"model \\\"x\\\" not found, try pulling it first\"}\n")])
        guard case .error(let error) = failed.last else {
            Issue.record("expected an error event, got \(failed)")
            return
        }
        #expect(error.code == .modelNotFound && error.location.model == "x")
        let cut = try ollamaEvents([ByteBuffer(string: "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"a\"},\"done\":false}\n")])
        guard case .error(let interrupted) = cut.last else {
            Issue.record("expected an interruption, got \(cut)")
            return
        }
        #expect(interrupted.code == .streamInterrupted)
    }

    @Test("model names: the tag defaults to latest")
    func modelNames() {
        #expect(OllamaModelName.normalized("llama3") == "llama3:latest")
        #expect(OllamaModelName.normalized("hf.co/org/model:Q4") == "hf.co/org/model:Q4")
        #expect(OllamaModelName.matches("qwen2.5:latest", "qwen2.5"))
    }

    @Test("durations split at the first token; a reported load time comes out of prompt evaluation")
    func timingsSplitAtTheFirstToken() {
        let begun = ContinuousClock.now
        let first = begun + .milliseconds(300), end = begun + .milliseconds(800)
        let plain = OllamaTimings(begun: begun, firstToken: first, end: end)
        #expect(plain == OllamaTimings(total: 800_000_000, load: 0, promptEval: 300_000_000, eval: 500_000_000))
        let loaded = OllamaTimings(begun: begun, firstToken: first, end: end, load: .milliseconds(100))
        #expect(loaded == OllamaTimings(total: 800_000_000, load: 100_000_000, promptEval: 200_000_000, eval: 500_000_000))
        let overstated = OllamaTimings(begun: begun, firstToken: first, end: end, load: .seconds(5))
        #expect(overstated.load == 300_000_000 && overstated.promptEval == 0, "a load longer than the wait is cut to it")
        let noTokens = OllamaTimings(begun: begun, firstToken: nil, end: end)
        #expect(noTokens.promptEval == 800_000_000 && noTokens.eval == 0)
    }
}
