import FerryCore
import FerryProviders
import FerrySim
import Testing

@Suite("OllamaProvider and GeminiProvider against FerrySim")
struct OllamaAndGeminiProviderTests {
    @Test("Ollama: chat, stream, tool call, generate, embed, models, health")
    func ollama() async throws {
        try await withBackend(.instant(dialect: .ollama)) { url, _, http in
            let ollama = OllamaProvider(name: "ollama", endpoint: try BackendEndpoint(url + "/v1", versionSuffixes: OllamaProvider.versionSuffixes), http: http)
            let request = ChatRequest(model: "demo", messages: [.user("Hello")])
            let whole = try await ollama.chat(request)
            #expect(try await ChatStreamAssembler.assemble(try await ollama.streamChat(request)).text == whole.text)
            let tool = ToolDefinition(name: "get_weather", parameters: ["type": "object", "properties": ["city": ["type": "string"]]])
            let call = try await ollama.chat(ChatRequest(model: "demo", messages: [.user("get_weather please")], tools: [tool]))
            #expect(call.message.toolCalls.first?.name == "get_weather")
            #expect(call.finishReason == .toolCalls)
            let generated = try await ollama.complete(CompletionRequest(model: "demo", prompt: "Why?", sampling: .init(maxTokens: 4)))
            #expect(generated.finishReason == .length)
            #expect(try await ollama.embed(EmbeddingRequest(model: "demo", inputs: ["x"])).embeddings.first?.count == 384)
            #expect(try await ollama.models().map(\.id) == ["demo:latest"])
            let shown = try await ollama.show(model: "demo")
            #expect(shown.capabilities.contains(.tools) && shown.contextLength == 8192)
            #expect(try await ollama.version() == "0.12.0")
            let report = await ollama.health()
            #expect(report.status == .healthy && report.answeredBy?.endpoint == "/api/version")
        }
    }

    @Test("Ollama: a model that is not pulled names the local models and the pull command")
    func ollamaNotPulled() async throws {
        try await withBackend(.instant(dialect: .ollama, models: ["qwen2.5:0.5b"])) { url, _, http in
            let ollama = OllamaProvider(name: "ollama", endpoint: try BackendEndpoint(url), http: http)
            do {
                _ = try await ollama.chat(ChatRequest(model: "llama3.2", messages: [.user("x")]))
                Issue.record("expected modelNotFound")
            } catch let error as FerryError {
                #expect(error.code == .modelNotFound)
                #expect(error.servedModels == ["qwen2.5:0.5b"])
                #expect(error.hint.contains("ollama pull llama3.2"))
            }
        }
    }

    @Test("Gemini: chat, stream, function call, completion as one turn, embeddings, models")
    func gemini() async throws {
        try await withBackend(.instant(dialect: .gemini, models: ["gemini-2.0-flash"])) { url, _, http in
            let gemini = GeminiProvider(name: "gemini", endpoint: try BackendEndpoint(url + "/v1beta", versionSuffixes: GeminiProvider.versionSuffixes), apiKey: "key", http: http)
            let request = ChatRequest(model: "gemini-2.0-flash", messages: [.system("Be brief"), .user("Explain tides")])
            let whole = try await gemini.chat(request)
            #expect(!whole.text.isEmpty)
            #expect(try await ChatStreamAssembler.assemble(try await gemini.streamChat(request)).text == whole.text)
            let tool = ToolDefinition(name: "get_weather", parameters: ["type": "object", "properties": ["city": ["type": "string"]]])
            let call = try await gemini.chat(ChatRequest(model: "gemini-2.0-flash", messages: [.user("get_weather in Lagos")], tools: [tool]))
            #expect(call.message.toolCalls.first?.argumentsValue?["city"] != nil)
            #expect(try await gemini.complete(CompletionRequest(model: "auto", prompt: "x", sampling: .init(maxTokens: 2))).usage?.completionTokens == 2)
            #expect(try await gemini.embed(EmbeddingRequest(model: "gemini-2.0-flash", inputs: ["a", "b"])).embeddings.count == 2)
            #expect(try await gemini.models().map(\.id) == ["gemini-2.0-flash"])
            do {
                _ = try await gemini.chat(ChatRequest(model: "gemini-9", messages: [.user("x")]))
                Issue.record("expected modelNotFound")
            } catch let error as FerryError {
                #expect(error.code == .modelNotFound && error.servedModels == ["gemini-2.0-flash"])
            }
        }
    }
}
