import FerryCore
import FerryRouter
import MetricsTestKit
import Testing

/// A first attempt made outside the retry loop (the gateway's inline path) must look to the router exactly like
/// the loop's own first attempt, and the loop must go on from it when it fails.
@Suite("Router first attempts made by the caller")
struct RouterFirstAttemptTests {
    private func router(_ backends: [ScriptedModel], strategy: RoutingStrategy = .fallback, breaker: CircuitBreaker = CircuitBreaker(threshold: 3, cooldown: .seconds(10))) -> Router {
        Router(
            routes: [Route(name: "default", backends: backends.map { RouteBackend(name: $0.name, model: $0, modelName: "\($0.name)-model") }, strategy: strategy, retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(100), maxDelay: .seconds(2)))],
            breaker: breaker, clock: ManualClock(), random: { 0.5 }
        )
    }

    private let hello = ChatRequest(model: "default", messages: [.user("hi")])

    @Test("the first attempt takes the strategy's backend, with its model name, and holds a slot until it ends")
    func picksAndHolds() throws {
        let r = router([ScriptedModel("vllm", [.answer("a")]), ScriptedModel("ollama", [.answer("b")])])
        let attempt = try #require(r.firstAttempt(for: hello))
        #expect(attempt.backend.name == "vllm")
        #expect(attempt.request.model == "vllm-model")
        #expect(r.state(of: "vllm")?.inFlight == 1)
        r.answered(attempt, after: .milliseconds(5))
        r.finished(attempt, usage: nil)
        #expect(r.state(of: "vllm")?.inFlight == 0)
        #expect(r.state(of: "vllm")?.ttft == .milliseconds(5))
        #expect(r.firstAttempt(for: ChatRequest(model: "nothing-serves-this", messages: [.user("hi")])) == nil)
    }

    @Test("a first attempt ends once: a second end neither releases its slot again nor counts again")
    func endsOnce() throws {
        let metrics = TestMetrics()
        let r = Router(
            routes: [Route(name: "default", backends: [RouteBackend(name: "vllm", model: ScriptedModel("vllm", [.answer("a")]))])],
            breaker: CircuitBreaker(threshold: 3, cooldown: .seconds(10)), clock: ManualClock(), random: { 0.5 }, metrics: metrics
        )
        let other = try #require(r.firstAttempt(for: hello))
        let attempt = try #require(r.firstAttempt(for: hello))
        #expect(r.state(of: "vllm")?.inFlight == 2)
        #expect(!attempt.hasEnded)
        #expect(r.failed(attempt, refused, after: .milliseconds(1)) != nil)
        #expect(attempt.hasEnded)
        #expect(r.failed(attempt, refused, after: .milliseconds(1)) == nil, "a second end hands nothing on")
        r.finished(attempt, usage: nil)
        r.broken(attempt, refused)
        r.abandoned(attempt)
        #expect(r.state(of: "vllm")?.inFlight == 1, "the other attempt still holds its slot")
        #expect(try metrics.expectCounter("ferry_errors_total", [("backend", "vllm"), ("kind", "connectionFailed")]).totalValue == 1)
        r.abandoned(other)
        #expect(r.state(of: "vllm")?.inFlight == 0)
    }

    @Test("a failed first attempt is handed to the loop, which goes on from it: fallback at once, the attempt counted")
    func loopGoesOn() async throws {
        let primary = ScriptedModel("vllm", [.answer("never asked")])
        let secondary = ScriptedModel("ollama", [.answer("ok")])
        let r = router([primary, secondary])
        let attempt = try #require(r.firstAttempt(for: hello))
        let prior = try #require(r.failed(attempt, refused, after: .milliseconds(2)))
        #expect(r.state(of: "vllm")?.inFlight == 0)
        let answer = try await r.routedChat(hello, after: prior)
        #expect(answer.value.text == "ollama: ok")
        #expect(answer.backend == "ollama" && answer.attempts == 2)
        #expect(answer.failedAttempts.map(\.location.backend) == ["vllm"])
        #expect(primary.callCount == 0, "the loop does not ask the failed backend again before the untried one")
    }

    @Test("an unknown model excludes the backend for the rest of the request; the request's own error is the answer")
    func excludedAndFinal() async throws {
        let notServed = FerryError.modelNotFound(requested: "default", served: ["other"], location: ErrorLocation())
        let primary = ScriptedModel("vllm", [.answer("never asked")])
        let secondary = ScriptedModel("ollama", [.fail(unavailable), .answer("ok")])
        let r = router([primary, secondary])
        let first = try #require(r.firstAttempt(for: hello))
        let prior = try #require(r.failed(first, notServed, after: .zero))
        let answer = try await r.routedChat(hello, after: prior)
        #expect(answer.value.text == "ollama: ok" && answer.attempts == 3)
        #expect(primary.callCount == 0, "a backend that does not serve the model is not retried")

        let bad = FerryError.invalidRequest("too long", field: "messages")
        let again = try #require(r.firstAttempt(for: hello))
        #expect(r.failed(again, bad, after: .zero) == nil)
        #expect(r.state(of: "vllm")?.circuit == "closed", "a request's own fault says nothing about the backend")
    }

    @Test("failures of first attempts open the circuit like the loop's own; abandoned attempts count for nothing")
    func circuit() throws {
        let r = router([ScriptedModel("vllm", [.answer("a")]), ScriptedModel("ollama", [.answer("b")])], breaker: CircuitBreaker(threshold: 2, cooldown: .seconds(10)))
        let abandoned = try #require(r.firstAttempt(for: hello))
        r.abandoned(abandoned)
        #expect(r.state(of: "vllm")?.circuit == "closed")
        for _ in 0..<2 {
            let attempt = try #require(r.firstAttempt(for: hello))
            _ = r.failed(attempt, unavailable, after: .zero)
        }
        #expect(r.state(of: "vllm")?.circuit == "open")
        let next = try #require(r.firstAttempt(for: hello))
        #expect(next.backend.name == "ollama", "an open circuit is skipped")
    }
}
