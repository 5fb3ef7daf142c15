import FerryCore
import FerryRouter
import Testing

@Suite("Router policies")
struct PolicyTests {
    @Test("circuit breaker: failures open it, the cooldown half-opens it for one probe, the probe decides")
    func circuitBreaker() {
        var breaker = CircuitBreaker(threshold: 2, cooldown: .seconds(10))
        let acquired1 = breaker.tryAcquire(now: .zero)

        #expect(acquired1)
        breaker.recordFailure(now: .zero)
        #expect(breaker.stateName == "closed")
        breaker.recordFailure(now: .seconds(1))
        #expect(breaker.state == .open(until: .seconds(11)))
        let acquired2 = breaker.tryAcquire(now: .seconds(5))

        #expect(!acquired2)
        let acquired3 = breaker.tryAcquire(now: .seconds(11))
        #expect(acquired3, "the cooldown is over: one probe")
        #expect(breaker.stateName == "half-open")
        let acquired4 = breaker.tryAcquire(now: .seconds(11))

        #expect(!acquired4, "only one probe at a time")
        breaker.recordFailure(now: .seconds(12))
        #expect(breaker.state == .open(until: .seconds(22)), "a failed probe opens it again")
        let acquired5 = breaker.tryAcquire(now: .seconds(22))

        #expect(acquired5)
        breaker.recordSuccess()
        #expect(breaker.state == .closed(consecutiveFailures: 0))
        breaker.recordFailure(now: .seconds(30))
        breaker.recordSuccess()
        breaker.recordFailure(now: .seconds(31))
        #expect(breaker.stateName == "closed", "only consecutive failures count")
    }

    @Test("backoff: full jitter under an exponential ceiling; Retry-After honoured up to its cap")
    func backoff() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(1), maxRetryAfter: .seconds(5))
        #expect(policy.delay(afterFailure: 1, retryAfter: nil, random: 1) == .milliseconds(100))
        #expect(policy.delay(afterFailure: 3, retryAfter: nil, random: 1) == .milliseconds(400))
        #expect(policy.delay(afterFailure: 3, retryAfter: nil, random: 0.5) == .milliseconds(200))
        #expect(policy.delay(afterFailure: 9, retryAfter: nil, random: 1) == .seconds(1), "capped")
        #expect(policy.delay(afterFailure: 1, retryAfter: nil, random: 0) == .zero)
        #expect(policy.delay(afterFailure: 1, retryAfter: .seconds(2), random: 0.5) == .seconds(2))
        #expect(policy.delay(afterFailure: 1, retryAfter: .seconds(60), random: 0.5) == .seconds(5))
    }

    @Test("what is retried, and where", arguments: [
        (FerryError.Code.connectionFailed, FerryError.Retry.anywhere), (.timeout, .anywhere), (.rateLimited, .anywhere),
        (.upstreamFailure, .anywhere), (.streamInterrupted, .anywhere), (.modelNotFound, .elsewhere), (.rejected, .elsewhere),
        (.unauthorized, .elsewhere), (.payloadTooLarge, .elsewhere), (.unsupported, .elsewhere), (.badRequest, .never),
        (.invalidResponse, .never), (.cancelled, .never), (.configuration, .never),
    ])
    func retryable(code: FerryError.Code, retry: FerryError.Retry) {
        let error = FerryError(code: code, message: "x", hint: "y")
        #expect(error.retry == retry)
        #expect(RetryPolicy.isRetryable(error) == (retry != .never))
    }

    @Test("strategies order backends")
    func strategies() {
        let loads = [BackendLoad(name: "a", inFlight: 3, ttft: .milliseconds(90)), BackendLoad(name: "b", inFlight: 1, ttft: nil), BackendLoad(name: "c", inFlight: 2, ttft: .milliseconds(20))]
        #expect(RoutingStrategy.fallback.order(loads, counter: 7, prefixKey: "") == [0, 1, 2])
        #expect(RoutingStrategy.roundRobin.order(loads, counter: 0, prefixKey: "") == [0, 1, 2])
        #expect(RoutingStrategy.roundRobin.order(loads, counter: 4, prefixKey: "") == [1, 2, 0])
        #expect(RoutingStrategy.leastOutstanding.order(loads, counter: 0, prefixKey: "") == [1, 2, 0])
        #expect(RoutingStrategy.latency.order(loads, counter: 0, prefixKey: "") == [1, 2, 0], "unmeasured first, then fastest")
    }

    @Test("prefix affinity: equal prefixes meet the same replica, different ones spread, a busy replica spills")
    func prefixAffinity() {
        let replicas = (1...4).map { BackendLoad(name: "vllm-\($0)") }
        let conversation = ChatRequest(model: "m", messages: [.system("You are a RAG assistant. Context: …"), .user("first question"), .assistant("answer"), .user("follow-up")])
        var sameConversation = conversation
        sameConversation.messages[3] = .user("a different last question")
        let key = RoutingStrategy.prefixKey(of: conversation)
        #expect(key == RoutingStrategy.prefixKey(of: sameConversation), "the last message is not part of the prefix")
        var otherHistory = conversation
        otherHistory.messages[1] = .user("another first question")
        #expect(key != RoutingStrategy.prefixKey(of: otherHistory), "the whole prefix counts, not only the first message")
        let chosen = RoutingStrategy.prefixAffinity.order(replicas, counter: 0, prefixKey: key)[0]
        #expect(RoutingStrategy.prefixAffinity.order(replicas, counter: 99, prefixKey: key)[0] == chosen)
        let spread = Set((0..<200).map { RoutingStrategy.prefixAffinity.order(replicas, counter: 0, prefixKey: "conversation \($0)")[0] })
        #expect(spread.count == 4, "different prefixes use every replica")
        var loaded = replicas
        loaded[chosen].inFlight = 10
        let spilled = RoutingStrategy.prefixAffinity.order(loaded, counter: 0, prefixKey: key)[0]
        #expect(spilled != chosen && loaded[spilled].inFlight == 0)
    }
}
