import FerryConfig
import FerryCore
import FerryProviders
import FerryRouter
import FerrySim
import Logging
import Testing

/// The worked example: `USE_VLLM=true` with vLLM and Ollama configured from the environment alone; vLLM fails,
/// requests fall back to Ollama; vLLM recovers, health probing puts it back, requests go to vLLM again.
@Suite("USE_VLLM=true falls back to Ollama and recovers")
struct UseVLLMFallbackTests {
    @Test func fallbackAndRecovery() async throws {
        let vllm = SimServer(configuration: .instant(dialect: .vllm, models: ["Qwen/Qwen2.5-1.5B-Instruct"]))
        let ollama = SimServer(configuration: .instant(dialect: .ollama, models: ["qwen2.5:1.5b"]))
        let http = ProviderHTTPClient()
        try await vllm.withRunning { vllmPort in
            try await ollama.withRunning { ollamaPort in
                let configuration = try await ConfigurationLoader.load(environment: [
                    "USE_VLLM": "true",
                    "VLLM_BASE_URL": "http://127.0.0.1:\(vllmPort)/v1", "VLLM_MODEL": "Qwen/Qwen2.5-1.5B-Instruct",
                    "OLLAMA_BASE_URL": "http://127.0.0.1:\(ollamaPort)", "OLLAMA_MODEL": "qwen2.5:1.5b",
                ])
                let router = try await RouterFactory.makeRouter(configuration, http: http)
                let request = ChatRequest(model: "default", messages: [.user("Hello")])
                #expect(try await router.chat(request).model == "Qwen/Qwen2.5-1.5B-Instruct", "vLLM first")
                vllm.engine.faults.replace(with: [try FaultSpec(parsing: "503")])
                let fallback = try await router.chat(request)
                #expect(fallback.model == "qwen2.5:1.5b", "Ollama while vLLM fails")
                let streamed = try await ChatStreamAssembler.assemble(try await router.streamChat(ChatRequest(model: "qwen2.5:1.5b", messages: [.user("Hi")])))
                #expect(streamed.model == "qwen2.5:1.5b", "the route answers to each configured model name")
                _ = await router.health()
                #expect(router.state(of: "vllm")?.circuit == "open")
                vllm.engine.faults.replace(with: [])
                _ = await router.health()
                #expect(router.state(of: "vllm")?.circuit == "closed")
                #expect(try await router.chat(request).model == "Qwen/Qwen2.5-1.5B-Instruct", "vLLM again once it recovers")
            }
        }
        try await http.shutdown()
    }
}
