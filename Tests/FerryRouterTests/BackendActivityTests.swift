import FerryCore
@testable import FerryRouter
import Testing

@Suite("Backend activity: /status's recent requests, errors and TTFT percentiles")
struct BackendActivityTests {
    @Test("percentiles come from logarithmic bins, within 9 % of the true value")
    func percentiles() throws {
        var activity = BackendActivity(bucketSeconds: 10, buckets: 3)
        // 100 first tokens: 1…100 × 10 ms, so p50 is 500 ms and p95 950 ms.
        for index in 1...100 { activity.recordTTFT(.milliseconds(index * 10), now: .seconds(5)) }
        let summary = activity.summary(now: .seconds(5))
        let p50 = try #require(summary.ttftP50Milliseconds)
        let p95 = try #require(summary.ttftP95Milliseconds)
        #expect(abs(p50 - 500) / 500 < 0.09, "p50 \(p50)")
        #expect(abs(p95 - 950) / 950 < 0.09, "p95 \(p95)")
        #expect(BackendActivity.bin(milliseconds: 0.2) == 0)
        #expect(BackendActivity.bin(milliseconds: 10_000_000) == BackendActivity.binCount - 1, "the last bin is open-ended")
    }

    @Test("buckets: counted where they fall, reported oldest first, forgotten once out of the window")
    func buckets() {
        var activity = BackendActivity(bucketSeconds: 10, buckets: 3)
        activity.recordAttempt(failed: false, now: .seconds(1))
        activity.recordAttempt(failed: true, now: .seconds(12))
        activity.recordAttempt(failed: false, now: .seconds(25))
        activity.recordTTFT(.milliseconds(100), now: .seconds(25))
        var summary = activity.summary(now: .seconds(29))
        #expect(summary.series.map(\.requests) == [1, 1, 1])
        #expect(summary.series.map(\.errors) == [0, 1, 0])
        #expect(summary.requests == 3 && summary.errors == 1)
        #expect(summary.errorRate.map { abs($0 - 1.0 / 3) < 1e-9 } == true)
        #expect(summary.series[0].ttftP50Milliseconds == nil && summary.series[2].ttftP50Milliseconds != nil)

        // 20 s later the first two buckets have left the window; the slot of the first is reused.
        activity.recordAttempt(failed: true, now: .seconds(31))
        summary = activity.summary(now: .seconds(45))
        #expect(summary.series.map(\.requests) == [1, 1, 0])
        #expect(summary.series.map(\.errors) == [0, 1, 0])
        #expect(summary.requests == 2 && summary.errors == 1 && summary.bucketSeconds == 10)

        summary = activity.summary(now: .seconds(600))
        #expect(summary.requests == 0 && summary.errorRate == nil && summary.ttftP95Milliseconds == nil)
        #expect(summary.series.count == 3)
    }

    @Test("the router counts each attempt: a failure on the first backend, the answer on the second")
    func routerCountsAttempts() async throws {
        let clock = ManualClock()
        let primary = ScriptedModel("vllm", [.fail(unavailable), .answer("ok")])
        let secondary = ScriptedModel("ollama", [.answer("ok")])
        let router = Router(
            routes: [Route(name: "default", backends: [primary, secondary].map { RouteBackend(name: $0.name, model: $0) }, retry: RetryPolicy(maxAttempts: 3))],
            clock: clock
        )
        _ = try await router.routedChat(ChatRequest(model: "default", messages: [.user("hi")]))
        let backends = try #require(router.status().routes.first?.backends)
        let vllm = try #require(backends.first { $0.name == "vllm" }?.recent)
        let ollama = try #require(backends.first { $0.name == "ollama" }?.recent)
        #expect(vllm.requests == 1 && vllm.errors == 1 && vllm.ttftP50Milliseconds == nil)
        #expect(ollama.requests == 1 && ollama.errors == 0 && ollama.ttftP50Milliseconds != nil)
        #expect(vllm.series.count == 30 && vllm.bucketSeconds == 10)

        _ = await router.probeBackends()
        let health = try #require(router.status().routes.first?.backends.first?.health)
        #expect(health.status == "healthy" && health.secondsAgo == 0)
        clock.advance(by: .seconds(4))
        #expect(router.status().routes.first?.backends.first?.health?.secondsAgo == 4)
    }
}
