import FerryCore
import FerrySim
import FerryWire
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("FerrySim as vLLM, decoded through FerryWire")
struct VLLMDialectTests {
    @Test("chat: streamed and whole answers agree, are deterministic, and usage counts what was emitted")
    func chat() async throws {
        try await withSim(.instant(dialect: .vllm)) { sim in
            let body = #"{"model":"demo","messages":[{"role":"user","content":"Tell me about ferries"}]}"#
            let whole = try await sim.send(.post, "/v1/chat/completions", json: body)
            #expect(whole.status == .ok)
            let response = try WireJSON.decode(OpenAIChatCompletion.self, from: whole.bodyBytes).chatResponse()
            #expect(!response.text.isEmpty)
            #expect(response.finishReason == .stop)
            #expect(response.id.hasPrefix("chatcmpl-"))
            let again = try WireJSON.decode(OpenAIChatCompletion.self, from: try await sim.send(.post, "/v1/chat/completions", json: body).bodyBytes).chatResponse()
            #expect(again.text == response.text, "the same request gives the same text")

            let streamed = try await sim.send(.post, "/v1/chat/completions", json: #"{"model":"demo","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Tell me about ferries"}]}"#)
            #expect(streamed.headers[.contentType] == "text/event-stream")
            let events = try decodeStream(streamed.bodyBytes, dialect: .vllm)
            let assembled = try assemble(events)
            #expect(assembled.text == response.text)
            let deltas = events.filter { if case .textDelta = $0 { true } else { false } }.count
            #expect(assembled.usage?.completionTokens == deltas)
            #expect(assembled.usage == response.usage)
            #expect(streamed.text.hasSuffix("data: [DONE]\n\n"))
        }
    }

    @Test("max_tokens cuts with finish length; a stop sequence ends before it")
    func limits() async throws {
        try await withSim(.instant(dialect: .vllm)) { sim in
            let cut = try WireJSON.decode(OpenAIChatCompletion.self, from: try await sim.send(.post, "/v1/chat/completions", json: #"{"model":"demo","max_tokens":3,"messages":[{"role":"user","content":"x"}]}"#).bodyBytes).chatResponse()
            #expect(cut.finishReason == .length)
            #expect(cut.usage?.completionTokens == 3)
            let full = try WireJSON.decode(OpenAIChatCompletion.self, from: try await sim.send(.post, "/v1/chat/completions", json: #"{"model":"demo","messages":[{"role":"user","content":"x"}]}"#).bodyBytes).chatResponse()
            let words = full.text.split(separator: " ")
            let stopWord = String(words[words.count / 2])
            let body = String(decoding: try JSONEncoder().encode(["model": "demo", "stop": stopWord]), as: UTF8.self).dropLast() + #","messages":[{"role":"user","content":"x"}]}"#
            let stopped = try WireJSON.decode(OpenAIChatCompletion.self, from: try await sim.send(.post, "/v1/chat/completions", json: String(body)).bodyBytes).chatResponse()
            #expect(stopped.finishReason == .stop)
            #expect(!stopped.text.contains(stopWord))
            #expect(full.text.hasPrefix(stopped.text))
        }
    }

    @Test("a tool named in the last user message is called, streamed in fragments, with arguments that fit the schema")
    func toolCall() async throws {
        try await withSim(.instant(dialect: .vllm)) { sim in
            let body = #"{"model":"demo","stream":true,"messages":[{"role":"user","content":"Use get_weather for Oslo"}],"tools":[\#(weatherTool)]}"#
            let events = try decodeStream(try await sim.send(.post, "/v1/chat/completions", json: body).bodyBytes, dialect: .vllm)
            let fragments = events.filter { if case .toolCallDelta = $0 { true } else { false } }.count
            #expect(fragments > 2, "arguments arrive in several fragments")
            let response = try assemble(events)
            #expect(response.finishReason == .toolCalls)
            let call = try #require(response.message.toolCalls.first)
            #expect(call.name == "get_weather")
            let arguments = try #require(call.argumentsValue)
            #expect(arguments["city"]?.stringValue != nil)
            #expect(arguments["unit"] == "celsius")
            if case .integer(let days)? = arguments["days"] { #expect((1...7).contains(days)) } else { Issue.record("days is not an integer") }
            let none = try WireJSON.decode(OpenAIChatCompletion.self, from: try await sim.send(.post, "/v1/chat/completions", json: #"{"model":"demo","tool_choice":"none","messages":[{"role":"user","content":"Use get_weather"}],"tools":[\#(weatherTool)]}"#).bodyBytes).chatResponse()
            #expect(none.message.toolCalls.isEmpty)
        }
    }

    @Test("legacy completions, streamed and whole")
    func completions() async throws {
        try await withSim(.instant(dialect: .vllm)) { sim in
            let whole = try WireJSON.decode(OpenAICompletion.self, from: try await sim.send(.post, "/v1/completions", json: #"{"model":"demo","prompt":"Once upon a time","max_tokens":5}"#).bodyBytes).completionResponse()
            #expect(whole.finishReason == .length)
            #expect(whole.id.hasPrefix("cmpl-"))
            let streamed = try await sim.send(.post, "/v1/completions", json: #"{"model":"demo","prompt":"Once upon a time","max_tokens":5,"stream":true}"#)
            var assembler = ChatStreamAssembler()
            for event in try decodeStream(streamed.bodyBytes, dialect: .vllm, completion: true) { try assembler.consume(event) }
            #expect(assembler.completionResponse().text == whole.text)
        }
    }

    @Test("embeddings: deterministic, fixed size, unit length, float or base64")
    func embeddings() async throws {
        try await withSim(.instant(dialect: .vllm)) { sim in
            let floats = try WireJSON.decode(OpenAIEmbeddingResponse.self, from: try await sim.send(.post, "/v1/embeddings", json: #"{"model":"demo","input":["a","b","a"]}"#).bodyBytes).embeddingResponse()
            #expect(floats.embeddings.count == 3)
            #expect(floats.embeddings.allSatisfy { $0.count == 384 })
            #expect(floats.embeddings[0] == floats.embeddings[2])
            #expect(floats.embeddings[0] != floats.embeddings[1])
            #expect(abs(floats.embeddings[0].reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
            let base64 = try WireJSON.decode(OpenAIEmbeddingResponse.self, from: try await sim.send(.post, "/v1/embeddings", json: #"{"model":"demo","input":"a","encoding_format":"base64"}"#).bodyBytes)
            #expect(try base64.embeddingResponse().embeddings[0] == floats.embeddings[0])
        }
    }

    @Test("vLLM's extras: /health, /version, /metrics, /tokenize, /v1/models")
    func extras() async throws {
        try await withSim(.instant(dialect: .vllm, models: ["demo", "other"])) { sim in
            #expect(try await sim.send(.get, "/health").status == .ok)
            #expect(try await sim.send(.get, "/version").text.contains("version"))
            _ = try await sim.send(.post, "/v1/chat/completions", json: #"{"model":"demo","messages":[{"role":"user","content":"x"}]}"#)
            let metrics = try await sim.send(.get, "/metrics").text
            #expect(metrics.contains("vllm:request_success_total{model_name=\"demo\"} 1"))
            let tokenized = try await sim.send(.post, "/tokenize", json: #"{"model":"demo","prompt":"one two three"}"#).text
            #expect(tokenized.contains("\"count\":3"))
            let models = try WireJSON.decode(OpenAIModelList.self, from: try await sim.send(.get, "/v1/models").bodyBytes)
            #expect(models.models.map(\.id) == ["demo", "other"])
            #expect(models.models.first?.contextLength == 8192)
        }
    }

    @Test("errors: unknown model 404 in vLLM's words, malformed JSON and wrong types 400 naming the field")
    func errors() async throws {
        try await withSim(.instant(dialect: .vllm)) { sim in
            let missing = try await sim.send(.post, "/v1/chat/completions", json: #"{"model":"qwen","messages":[{"role":"user","content":"x"}]}"#)
            #expect(missing.status == .notFound)
            let parsed = try WireJSON.decode(OpenAIErrorBody.self, from: missing.bodyBytes)
            #expect(parsed.error.message == "The model `qwen` does not exist.")
            #expect(parsed.ferryError(status: 404, location: ErrorLocation()).location.model == "qwen")
            let malformed = try await sim.send(.post, "/v1/chat/completions", json: #"{"model": "demo", "messages": ["#)
            #expect(malformed.status == .badRequest)
            #expect(try WireJSON.decode(OpenAIErrorBody.self, from: malformed.bodyBytes).error.type == "BadRequestError")
            let wrongType = try await sim.send(.post, "/v1/chat/completions", json: #"{"model":"demo","messages":[{"role":"user","content":"x"}],"max_tokens":"many"}"#)
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.text.contains("max_tokens"))
            let noModel = try await sim.send(.post, "/v1/chat/completions", json: #"{"messages":[{"role":"user","content":"x"}]}"#)
            #expect(noModel.status == .badRequest)
            #expect(noModel.text.contains("model"))
            #expect(try await sim.send(.get, "/health").status == .ok, "still serving after bad input")
        }
    }
}
