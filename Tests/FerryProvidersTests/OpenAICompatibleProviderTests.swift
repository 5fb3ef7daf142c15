import FerryCore
import FerryProviders
import FerrySim
import Testing

@Suite("OpenAICompatibleProvider against FerrySim (vLLM)")
struct OpenAICompatibleProviderTests {
    private func provider(_ url: String, _ http: ProviderHTTPClient, flavor: OpenAIFlavor = .vllm) throws -> OpenAICompatibleProvider {
        OpenAICompatibleProvider(name: "vllm", endpoint: try BackendEndpoint(url + "/v1"), flavor: flavor, apiKey: "secret", http: http)
    }

    @Test("chat, streamed chat, completions, embeddings and models agree with the server")
    func operations() async throws {
        try await withBackend(.instant(dialect: .vllm)) { url, _, http in
            let vllm = try provider(url, http)
            let request = ChatRequest(model: "demo", messages: [.user("Tell me about ferries")])
            let whole = try await vllm.chat(request)
            #expect(!whole.text.isEmpty && whole.finishReason == .stop)
            let events = try await collect(try await vllm.streamChat(request))
            guard case .start = events.first else {
                Issue.record("a stream begins with start: \(events)")
                return
            }
            #expect(try await ChatStreamAssembler.assemble(events.async).text == whole.text)
            let completion = try await vllm.complete(CompletionRequest(model: "demo", prompt: "Once", sampling: .init(maxTokens: 3)))
            #expect(completion.finishReason == .length && completion.usage?.completionTokens == 3)
            let streamed = try await ChatStreamAssembler.assembleCompletion(try await vllm.streamComplete(CompletionRequest(model: "demo", prompt: "Once", sampling: .init(maxTokens: 3))))
            #expect(streamed.text == completion.text)
            let vectors = try await vllm.embed(EmbeddingRequest(model: "demo", inputs: ["a", "b"]))
            #expect(vectors.embeddings.count == 2 && vectors.embeddings[0].count == 384)
            #expect(try await vllm.models().map(\.id) == ["demo"])
        }
    }

    @Test("token counts come from the server's /tokenize (vLLM's shape); flavours without one say nil")
    func tokenize() async throws {
        try await withBackend(.instant(dialect: .vllm)) { url, _, http in
            let vllm = try provider(url, http), openai = try provider(url, http, flavor: .openai)
            let counts = try await vllm.countTokens(["one two three", "four", ""], model: "demo")
            #expect(counts == [3, 1, 0])
            let none = try await openai.countTokens(["one"], model: "demo")
            #expect(none == nil)
        }
    }

    @Test("a streamed tool call is reassembled with its arguments")
    func toolCall() async throws {
        try await withBackend(.instant(dialect: .vllm)) { url, _, http in
            let tool = ToolDefinition(name: "get_weather", parameters: ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]])
            let response = try await ChatStreamAssembler.assemble(try await provider(url, http).streamChat(ChatRequest(model: "demo", messages: [.user("call get_weather")], tools: [tool])))
            #expect(response.finishReason == .toolCalls)
            #expect(response.message.toolCalls.first?.argumentsValue?["city"] != nil)
        }
    }

    @Test("model auto uses the only served model")
    func autoModel() async throws {
        try await withBackend(.instant(dialect: .vllm)) { url, _, http in
            let response = try await provider(url, http).chat(ChatRequest(model: "auto", messages: [.user("hi")]))
            #expect(response.model == "demo")
        }
        try await withBackend(.instant(dialect: .vllm, models: ["a", "b"])) { url, _, http in
            do {
                _ = try await provider(url, http).chat(ChatRequest(model: "auto", messages: [.user("hi")]))
                Issue.record("auto with two models must fail")
            } catch let error as FerryError {
                #expect(error.servedModels == ["a", "b"])
            }
        }
    }

    @Test("the classic: health answers but the model name does not match → modelNotFound listing the served models")
    func modelMismatch() async throws {
        try await withBackend(.instant(dialect: .vllm, models: ["Qwen/Qwen2.5-1.5B-Instruct"])) { url, _, http in
            let vllm = try provider(url, http)
            let report = await vllm.health()
            #expect(report.status == .healthy)
            #expect(report.answeredBy?.endpoint == "/health")
            #expect(report.servedModels == ["Qwen/Qwen2.5-1.5B-Instruct"])
            for attempt in 0..<2 {
                do {
                    if attempt == 0 {
                        _ = try await vllm.complete(CompletionRequest(model: "qwen", prompt: "x"))
                    } else {
                        _ = try await vllm.streamChat(ChatRequest(model: "qwen", messages: [.user("x")]))
                    }
                    Issue.record("expected modelNotFound")
                } catch let error as FerryError {
                    #expect(error.code == .modelNotFound)
                    #expect(error.location.model == "qwen")
                    #expect(error.location.backend == "vllm")
                    #expect(error.servedModels == ["Qwen/Qwen2.5-1.5B-Instruct"])
                    #expect(error.hint.contains("Qwen/Qwen2.5-1.5B-Instruct"))
                    #expect(!error.description.contains("secret"), "keys never appear in errors")
                }
            }
        }
    }

    @Test("nothing listening: connectionFailed naming the URL and the command that starts vLLM; health unhealthy")
    func refused() async throws {
        let port = try await closedPort()
        let http = ProviderHTTPClient()
        let vllm = OpenAICompatibleProvider(name: "vllm", endpoint: try BackendEndpoint("http://127.0.0.1:\(port)"), flavor: .vllm, defaultModel: "demo", http: http)
        do {
            _ = try await vllm.chat(ChatRequest(model: "demo", messages: [.user("x")]))
            Issue.record("expected a connection error")
        } catch let error as FerryError {
            #expect(error.code == .connectionFailed)
            #expect(error.location.url == "http://127.0.0.1:\(port)/v1/chat/completions")
            #expect(error.hint.contains("vllm serve demo --port \(port)"))
            #expect(error.isRetryable)
        }
        let report = await vllm.health()
        #expect(report.status == .unhealthy)
        #expect(report.probes.count == 1, "a refused connection is not retried on other paths")
        try await http.shutdown()
    }

    @Test("a backend that accepts and never answers is unhealthy after the probe timeout, not the request timeout")
    func hangingHealth() async throws {
        var configuration = SimConfiguration.instant(dialect: .vllm)
        configuration.faults = [try FaultSpec(parsing: "hang")]
        configuration.host = "127.0.0.1"
        configuration.port = 0
        var settings = ProviderHTTPClient.Configuration()
        settings.probeTimeout = .milliseconds(300)
        let http = ProviderHTTPClient(configuration: settings)
        let clock = ContinuousClock()
        let (report, elapsed) = try await SimServer(configuration: configuration).withRunning { port in
            let vllm = try provider("http://127.0.0.1:\(port)", http)
            let started = clock.now
            let report = await vllm.health()
            return (report, clock.now - started)
        }
        try await http.shutdown()
        #expect(report.status == .unhealthy)
        #expect(report.error?.code == .timeout && report.error?.message.contains("within") == true, "\(String(describing: report.error))")
        #expect(report.probes.count == 1, "a path that hangs is not followed by the others")
        #expect(elapsed < .seconds(10), "took \(elapsed)")
    }

    @Test("503 and 429 (with Retry-After) are classified; a mid-stream drop ends the stream in-band")
    func upstreamFailures() async throws {
        var configuration = SimConfiguration.instant(dialect: .vllm)
        configuration.tokensPerSecond = 500
        configuration.faults = [try FaultSpec(parsing: "503@1"), try FaultSpec(parsing: "429:2s@2"), try FaultSpec(parsing: "drop:2@3")]
        try await withBackend(configuration) { url, _, http in
            let vllm = try provider(url, http)
            let request = ChatRequest(model: "demo", messages: [.user("x")])
            await #expect(throws: FerryError.self) { _ = try await vllm.chat(request) }
            do {
                _ = try await vllm.chat(request)
            } catch let error as FerryError {
                #expect(error.code == .rateLimited)
                #expect(error.retryAfter == .seconds(2))
            }
            let events = try await collect(try await vllm.streamChat(request))
            guard case .error(let error) = events.last else {
                Issue.record("a dropped stream must end with an error event: \(events)")
                return
            }
            #expect(error.code == .streamInterrupted || error.code == .connectionFailed)
            #expect(events.contains { if case .textDelta = $0 { true } else { false } }, "what arrived before the drop was delivered")
        }
    }
}

extension Array where Element: Sendable {
    /// The elements as an async sequence.
    var async: AsyncStream<Element> {
        AsyncStream { continuation in
            for element in self { continuation.yield(element) }
            continuation.finish()
        }
    }
}

/// A gateway holds one upstream connection per stream in flight: far more than a client library's usual pool.
@Suite("Provider connection pool")
struct ProviderConnectionPoolTests {
    actor Started {
        var count = 0
        func add() { count += 1 }
    }

    @Test("150 streams held open at once to one backend all start (the pool is not the bottleneck)")
    func manyOpenStreams() async throws {
        var configuration = SimConfiguration.instant(dialect: .vllm)
        configuration.tokensPerSecond = 2
        configuration.maxConcurrency = 400
        var settings = ProviderHTTPClient.Configuration()
        settings.connectTimeout = .seconds(1)
        let http = ProviderHTTPClient(configuration: settings)
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let outcomes = try await SimServer(configuration: configuration).withRunning { port in
            let provider = OpenAICompatibleProvider(name: "vllm", endpoint: try BackendEndpoint("http://127.0.0.1:\(port)"), flavor: .vllm, http: http)
            let started = Started()
            return await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<150 {
                    group.addTask {
                        var request = ChatRequest(model: "demo", messages: [.user("Hello")])
                        request.sampling.maxTokens = 8
                        do {
                            var events = try await provider.streamChat(request).makeAsyncIterator()
                            guard try await events.next() != nil else { return false }
                            await started.add()
                            // Hold this stream (and its connection) open until all have started, or 10 s pass.
                            let deadline = ContinuousClock.now + .seconds(10)
                            while await started.count < 150, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
                            return true
                        } catch {
                            return false
                        }
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
        }
        try await http.shutdown()
        #expect(outcomes.filter { $0 }.count == 150)
    }
}
