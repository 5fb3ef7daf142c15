import FerryCore
import FerryProviders
import FerryRouter
import FerrySim
import Logging
import Testing

/// The router over real providers, against FerrySim instances on 127.0.0.1 with injected faults.
@Suite("Router against FerrySim")
struct RouterFerrySimTests {
    /// Runs `body` with a vLLM-like primary (with `faults`) and an Ollama-like fallback, routed as `default`.
    private func withPair(
        primaryFaults: [String], timeouts: RouterTimeouts = RouterTimeouts(firstEvent: .seconds(10), idle: .seconds(10), total: .seconds(30)),
        _ body: @Sendable (Router, SimServer) async throws -> Void
    ) async throws {
        var primaryConfiguration = SimConfiguration.instant(dialect: .vllm)
        primaryConfiguration.tokensPerSecond = 400
        primaryConfiguration.faults = try primaryFaults.map { try FaultSpec(parsing: $0) }
        let primary = SimServer(configuration: primaryConfiguration)
        let fallback = SimServer(configuration: .instant(dialect: .ollama, models: ["qwen2.5:1.5b"]))
        let http = ProviderHTTPClient()
        do {
            try await run(primary, fallback, http, timeouts, body)
        } catch {
            // A failure must not leave the client running: its deinit would stop the whole test process.
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    private func run(
        _ primary: SimServer, _ fallback: SimServer, _ http: ProviderHTTPClient, _ timeouts: RouterTimeouts,
        _ body: @Sendable (Router, SimServer) async throws -> Void
    ) async throws {
        try await primary.withRunning { primaryPort in
            try await fallback.withRunning { fallbackPort in
                let router = Router(routes: [Route(
                    name: "default",
                    backends: [
                        RouteBackend(name: "vllm", model: OpenAICompatibleProvider(name: "vllm", endpoint: try BackendEndpoint("http://127.0.0.1:\(primaryPort)"), flavor: .vllm, http: http), modelName: "demo"),
                        RouteBackend(name: "ollama", model: OllamaProvider(name: "ollama", endpoint: try BackendEndpoint("http://127.0.0.1:\(fallbackPort)"), http: http), modelName: "qwen2.5:1.5b"),
                    ],
                    retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50)),
                    timeouts: timeouts
                )], breaker: CircuitBreaker(threshold: 2, cooldown: .milliseconds(300)))
                try await body(router, primary)
            }
        }
    }

    private static let request = ChatRequest(model: "default", messages: [.user("Hello")])

    @Test("fallback for plain and streamed requests", arguments: ["503", "refuse", "500"])
    func fallback(fault: String) async throws {
        try await withPair(primaryFaults: [fault]) { router, _ in
            #expect(try await router.chat(Self.request).model == "qwen2.5:1.5b")
            let streamed = try await ChatStreamAssembler.assemble(try await router.streamChat(Self.request))
            #expect(streamed.model == "qwen2.5:1.5b" && streamed.finishReason == .stop)
        }
    }

    @Test("a primary that hangs before its first token is abandoned at the first-event deadline")
    func hangBeforeFirstToken() async throws {
        try await withPair(primaryFaults: ["hang"], timeouts: RouterTimeouts(firstEvent: .milliseconds(400), idle: .seconds(5), total: .seconds(30))) { router, _ in
            let streamed = try await ChatStreamAssembler.assemble(try await router.streamChat(Self.request))
            #expect(streamed.model == "qwen2.5:1.5b")
        }
    }

    @Test("a drop mid-stream after the commit point ends the stream with an in-band error, not a silent cut")
    func dropMidStream() async throws {
        try await withPair(primaryFaults: ["drop:3@1"]) { router, _ in
            var events: [ChatEvent] = []
            for try await event in try await router.streamChat(Self.request) { events.append(event) }
            guard case .error(let error) = events.last else {
                Issue.record("expected an in-band error: \(events)")
                return
            }
            #expect(error.location.backend == "vllm")
            #expect(events.contains { if case .textDelta = $0 { true } else { false } })
            // The next request is served normally.
            #expect(try await router.chat(Self.request).finishReason != nil)
        }
    }

    @Test("health probing takes a failing primary out and puts it back when it recovers")
    func healthRestoresPrimary() async throws {
        try await withPair(primaryFaults: ["503"]) { router, primary in
            var report = await router.health()
            #expect(report.status == .healthy, "the route still has its fallback")
            #expect(router.state(of: "vllm")?.circuit == "open")
            let during = try await router.chat(Self.request)
            #expect(during.model == "qwen2.5:1.5b")
            primary.engine.faults.replace(with: [])
            report = await router.health()
            #expect(router.state(of: "vllm")?.circuit == "closed")
            let after = try await router.chat(Self.request)
            #expect(after.model == "demo", "the recovered primary is preferred again")
        }
    }
}

@Suite("Router cancellation")
struct RouterCancellationTests {
    @Test("a caller that cancels mid-stream cancels the upstream request: the backend stops generating")
    func cancellation() async throws {
        var configuration = SimConfiguration(dialect: .vllm, timeToFirstToken: .zero, prefillTokensPerSecond: 0, tokensPerSecond: 20)
        configuration.models = ["demo"]
        let sim = SimServer(configuration: configuration)
        let http = ProviderHTTPClient()
        try await sim.withRunning { port in
            let provider = OpenAICompatibleProvider(name: "vllm", endpoint: try BackendEndpoint("http://127.0.0.1:\(port)"), flavor: .vllm, http: http)
            let router = Router(routes: [Route(name: "default", backends: [RouteBackend(name: "vllm", model: provider, modelName: "demo")])])
            let consumer = Task {
                var count = 0
                for try await event in try await router.streamChat(ChatRequest(model: "default", messages: [.user("a long answer please")])) {
                    if case .textDelta = event { count += 1 }
                }
                return count
            }
            // Wait until the backend is generating, then cancel the caller.
            for _ in 0..<500 where sim.engine.stats.snapshot.running == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(sim.engine.stats.snapshot.running == 1)
            consumer.cancel()
            _ = try? await consumer.value
            var running = 1
            for _ in 0..<500 {
                running = sim.engine.stats.snapshot.running
                if running == 0 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(running == 0, "the upstream generation was cancelled")
            #expect(sim.engine.stats.snapshot.completed == 0, "it did not run to the end")
            #expect(router.state(of: "vllm")?.inFlight == 0)
        }
        try await http.shutdown()
    }
}
