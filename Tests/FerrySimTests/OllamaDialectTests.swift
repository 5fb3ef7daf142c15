import FerryCore
import FerrySim
import FerryWire
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("FerrySim as Ollama, decoded through FerryWire")
struct OllamaDialectTests {
    @Test("chat streams NDJSON by default; stream:false gives one answer with nanosecond timings")
    func chat() async throws {
        try await withSim(.instant(dialect: .ollama)) { sim in
            let streamed = try await sim.send(.post, "/api/chat", json: #"{"model":"demo","messages":[{"role":"user","content":"hello"}]}"#)
            #expect(streamed.headers[.contentType] == "application/x-ndjson")
            let response = try assemble(try decodeStream(streamed.bodyBytes, dialect: .ollama))
            #expect(!response.text.isEmpty)
            #expect(response.model == "demo:latest")
            let whole = try WireJSON.decode(OllamaChatResponse.self, from: try await sim.send(.post, "/api/chat", json: #"{"model":"demo:latest","stream":false,"messages":[{"role":"user","content":"hello"}]}"#).bodyBytes)
            #expect(whole.done == true && whole.doneReason == "stop")
            #expect(try whole.chatResponse().text == response.text)
            #expect(whole.evalCount == response.usage?.completionTokens)
            #expect((whole.totalDuration ?? 0) >= (whole.evalDuration ?? 0))
        }
    }

    @Test("a tool call arrives whole, arguments as an object, no id")
    func toolCall() async throws {
        try await withSim(.instant(dialect: .ollama)) { sim in
            let body = #"{"model":"demo","messages":[{"role":"user","content":"call get_weather please"}],"tools":[\#(weatherTool)]}"#
            let streamed = try await sim.send(.post, "/api/chat", json: body)
            let line = try #require(streamed.text.split(separator: "\n").first { $0.contains("tool_calls") })
            #expect(!line.contains("\"id\""))
            let chunk = try WireJSON.decode(OllamaChatResponse.self, from: Array(line.utf8))
            #expect(chunk.message?.toolCalls?.first?.function.arguments["unit"] == "celsius")
            let response = try assemble(try decodeStream(streamed.bodyBytes, dialect: .ollama))
            #expect(response.message.toolCalls.first?.name == "get_weather")
            #expect(response.finishReason == .toolCalls)
        }
    }

    @Test("generate, embed, legacy embeddings")
    func generateAndEmbed() async throws {
        try await withSim(.instant(dialect: .ollama)) { sim in
            let generated = try WireJSON.decode(OllamaGenerateResponse.self, from: try await sim.send(.post, "/api/generate", json: #"{"model":"demo","prompt":"Why is the sky blue?","stream":false,"options":{"num_predict":4}}"#).bodyBytes)
            #expect(generated.doneReason == "length")
            #expect(generated.evalCount == 4)
            let streamed = try await sim.send(.post, "/api/generate", json: #"{"model":"demo","prompt":"Why is the sky blue?","options":{"num_predict":4}}"#)
            var assembler = ChatStreamAssembler()
            for event in try decodeStream(streamed.bodyBytes, dialect: .ollama, completion: true) { try assembler.consume(event) }
            #expect(assembler.completionResponse().text == generated.response)
            let embedded = try WireJSON.decode(OllamaEmbedResponse.self, from: try await sim.send(.post, "/api/embed", json: #"{"model":"demo","input":["a","b"]}"#).bodyBytes)
            #expect(embedded.embeddings.count == 2 && embedded.embeddings[0].count == 384)
            #expect(try await sim.send(.post, "/api/embeddings", json: #"{"model":"demo","prompt":"a"}"#).text.contains("embedding"))
        }
    }

    @Test("tags, show, ps, version, and the root")
    func metadata() async throws {
        try await withSim(.instant(dialect: .ollama, models: ["demo", "qwen2.5:0.5b"])) { sim in
            let tags = try WireJSON.decode(OllamaTagsResponse.self, from: try await sim.send(.get, "/api/tags").bodyBytes)
            #expect(tags.models.map(\.name) == ["demo:latest", "qwen2.5:0.5b"])
            let show = try WireJSON.decode(OllamaShowResponse.self, from: try await sim.send(.post, "/api/show", json: #"{"model":"demo"}"#).bodyBytes)
            #expect(show.capabilities?.contains("tools") == true)
            #expect(show.modelInfo(name: "demo").contextLength == 8192)
            #expect(try WireJSON.decode(OllamaPsResponse.self, from: try await sim.send(.get, "/api/ps").bodyBytes).models.count == 2)
            #expect(try WireJSON.decode(OllamaVersionResponse.self, from: try await sim.send(.get, "/api/version").bodyBytes).version == "0.12.0")
            #expect(try await sim.send(.get, "/").text == "Ollama is running")
        }
    }

    @Test("errors in Ollama's shape: missing model 400, unknown model 404, malformed JSON 400")
    func errors() async throws {
        try await withSim(.instant(dialect: .ollama)) { sim in
            let missing = try await sim.send(.post, "/api/chat", json: #"{"messages":[{"role":"user","content":"x"}]}"#)
            #expect(missing.status == .badRequest)
            let unknown = try await sim.send(.post, "/api/chat", json: #"{"model":"llama9","messages":[{"role":"user","content":"x"}]}"#)
            #expect(unknown.status == .notFound)
            #expect(try WireJSON.decode(OllamaErrorBody.self, from: unknown.bodyBytes).error == "model \"llama9\" not found, try pulling it first")
            let malformed = try await sim.send(.post, "/api/generate", json: "{nope")
            #expect(malformed.status == .badRequest)
            #expect(try WireJSON.decode(OllamaErrorBody.self, from: malformed.bodyBytes).error.contains("invalid"))
            #expect(try await sim.send(.post, "/api/show", json: #"{"model":"llama9"}"#).status == .notFound)
        }
    }
}
