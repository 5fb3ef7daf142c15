import FerryCore
import FerryProviders
import FerryRouter
import FerrySim
import Logging
import MetricsTestKit
import ServiceLifecycle
import Synchronization
import CoreMetrics
import Testing

@Suite("Router metrics and background health probing")
struct RouterServicesTests {
    @Test("requests, retries, fallbacks, errors, tokens and circuit state are counted")
    func metrics() async throws {
        let metrics = TestMetrics()
        let primary = ScriptedModel("vllm", [.fail(unavailable)])
        let secondary = ScriptedModel("ollama", [.answer("ok")])
        let router = Router(
            routes: [Route(name: "default", backends: [RouteBackend(name: "vllm", model: primary), RouteBackend(name: "ollama", model: secondary)])],
            breaker: CircuitBreaker(threshold: 1, cooldown: .seconds(60)), clock: ManualClock(), random: { 0 }, metrics: metrics
        )
        _ = try await router.chat(ChatRequest(model: "default", messages: [.user("x")]))
        _ = try await ChatStreamAssembler.assemble(try await router.streamChat(ChatRequest(model: "default", messages: [.user("x")])))
        #expect(try metrics.expectCounter("ferry_requests_total", [("route", "default"), ("backend", "vllm")]).totalValue == 1, "an open circuit is not attempted again")
        #expect(try metrics.expectCounter("ferry_requests_total", [("route", "default"), ("backend", "ollama")]).totalValue == 2)
        #expect(try metrics.expectCounter("ferry_errors_total", [("backend", "vllm"), ("kind", "upstreamFailure")]).totalValue == 1)
        #expect(try metrics.expectCounter("ferry_fallbacks_total", [("route", "default"), ("from", "vllm"), ("to", "ollama")]).totalValue == 1)
        #expect(try metrics.expectGauge("ferry_circuit_state", [("backend", "vllm")]).lastValue == 2)
        #expect(try metrics.expectTimer("ferry_ttft_seconds", [("backend", "ollama")]).values.count >= 1)
    }

    @Test("each counter, timer and gauge is made once, however many requests count on it")
    func handlesMadeOnce() async throws {
        let metrics = CountingMetricsFactory()
        let only = ScriptedModel("vllm", [.answer("ok")])
        let router = Router(routes: [Route(name: "default", backends: [RouteBackend(name: "vllm", model: only)])], clock: ManualClock(), metrics: metrics)
        for _ in 0..<5 { _ = try await router.chat(ChatRequest(model: "default", messages: [.user("x")])) }
        let made = metrics.made
        for _ in 0..<5 { _ = try await router.chat(ChatRequest(model: "default", messages: [.user("x")])) }
        #expect(made > 0)
        #expect(metrics.made == made, "no handle is made again for the same label and dimensions")
        #expect(try metrics.inner.expectCounter("ferry_requests_total", [("route", "default"), ("backend", "vllm")]).totalValue == 10)
    }

    @Test("the prober takes a failing backend out and puts it back once it recovers")
    func prober() async throws {
        let logger: Logger = {
            var logger = Logger(label: "ferry.health.test")
            logger.logLevel = .error
            return logger
        }()
        var configuration = SimConfiguration.instant(dialect: .vllm)
        configuration.faults = [try FaultSpec(parsing: "503")]
        let sim = SimServer(configuration: configuration)
        let http = ProviderHTTPClient()
        try await sim.withRunning { port in
            let provider = OpenAICompatibleProvider(name: "vllm", endpoint: try BackendEndpoint("http://127.0.0.1:\(port)"), flavor: .vllm, http: http)
            let router = Router(routes: [Route(name: "default", backends: [RouteBackend(name: "vllm", model: provider, modelName: "demo")])])
            let prober = HealthProber(router: router, interval: .milliseconds(20), warmUp: true, logger: logger)
            let group = ServiceGroup(configuration: .init(services: [prober], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                #expect(try await eventually { router.state(of: "vllm")?.circuit == "open" })
                sim.engine.faults.replace(with: [])
                #expect(try await eventually { router.state(of: "vllm")?.circuit == "closed" })
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
        try await http.shutdown()
    }

    /// Polls `condition` every 10 ms for up to 5 s (a bound, not a timing assertion).
    private func eventually(_ condition: @Sendable () -> Bool) async throws -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }
}

/// TestMetrics, counting the handles made through it.
final class CountingMetricsFactory: MetricsFactory {
    let inner = TestMetrics()
    private let count = Mutex(0)

    var made: Int { count.withLock { $0 } }

    private func counted<Handler>(_ make: () -> Handler) -> Handler {
        count.withLock { $0 += 1 }
        return make()
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { counted { inner.makeCounter(label: label, dimensions: dimensions) } }
    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        counted { inner.makeFloatingPointCounter(label: label, dimensions: dimensions) }
    }
    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler { counted { inner.makeMeter(label: label, dimensions: dimensions) } }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        counted { inner.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate) }
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { counted { inner.makeTimer(label: label, dimensions: dimensions) } }
    func destroyCounter(_ handler: any CounterHandler) { inner.destroyCounter(handler) }
    func destroyMeter(_ handler: any MeterHandler) { inner.destroyMeter(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { inner.destroyFloatingPointCounter(handler) }
    func destroyRecorder(_ handler: any RecorderHandler) { inner.destroyRecorder(handler) }
    func destroyTimer(_ handler: any TimerHandler) { inner.destroyTimer(handler) }
}
