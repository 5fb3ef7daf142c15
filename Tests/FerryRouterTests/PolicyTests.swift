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
        #expect(RoutingStrategy.fallback.order(loads, counter: 7, prefixKey: .none) == [0, 1, 2])
        #expect(RoutingStrategy.roundRobin.order(loads, counter: 0, prefixKey: .none) == [0, 1, 2])
        #expect(RoutingStrategy.roundRobin.order(loads, counter: 4, prefixKey: .none) == [1, 2, 0])
        #expect(RoutingStrategy.leastOutstanding.order(loads, counter: 0, prefixKey: .none) == [1, 2, 0])
        #expect(RoutingStrategy.latency.order(loads, counter: 0, prefixKey: .none) == [1, 2, 0], "unmeasured first, then fastest")
    }

    @Test("prefix affinity: a conversation's turns stay on its replica, a new one goes where its system prompt is, within the load bound")
    func prefixAffinity() {
        let replicas = (1...4).map { BackendLoad(name: "vllm-\($0)") }
        let conversation = ChatRequest(model: "m", messages: [.system("You are a RAG assistant. Context: …"), .user("first question"), .assistant("answer"), .user("follow-up")])
        var nextTurn = conversation
        nextTurn.messages += [.assistant("another answer"), .user("and then?")]
        let key = PrefixKey(of: conversation)
        #expect(key == PrefixKey(of: nextTurn), "every turn of a conversation has its key")
        #expect(key.shared == "You are a RAG assistant. Context: …\u{1E}")
        var otherConversation = conversation
        otherConversation.messages[1] = .user("another first question")
        let other = PrefixKey(of: otherConversation)
        #expect(other.shared == key.shared && other.conversation != key.conversation)

        let strategy = RoutingStrategy.prefixAffinity
        // Nothing known: the least loaded, ties broken by the prefix's own rendezvous order (the same every time).
        let chosen = strategy.order(replicas, counter: 0, prefixKey: key)[0]
        #expect(strategy.order(replicas, counter: 99, prefixKey: key)[0] == chosen)
        let spread = Set((0..<200).map { strategy.order(replicas, counter: 0, prefixKey: PrefixKey("system prompt \($0)"))[0] })
        #expect(spread.count == 4, "different prefixes use every replica")
        var loads = replicas
        loads[chosen].inFlight = 1
        #expect(strategy.order(loads, counter: 0, prefixKey: key)[0] != chosen, "a new conversation goes to the least loaded")

        // Known: the conversation stays where it went, within the bound (1.5 × the mean, at least one above the least).
        let remembered = PrefixAffinity(remembered: "vllm-3", holders: ["vllm-3"])
        loads = replicas
        loads[2].inFlight = 1
        #expect(strategy.order(loads, counter: 0, prefixKey: key, affinity: remembered)[0] == 2)
        loads[2].inFlight = 3
        #expect(strategy.order(loads, counter: 0, prefixKey: key, affinity: remembered)[0] != 2, "beyond the bound it moves")
        #expect(strategy.order(loads, counter: 0, prefixKey: key, affinity: remembered, loadFactor: nil)[0] == 2, "unbounded: never moves")
        // A new conversation prefers a replica that holds its system prompt, while that one is within the bound.
        loads = replicas.map { BackendLoad(name: $0.name, inFlight: 2) }
        loads[1].inFlight = 3
        #expect(strategy.order(loads, counter: 0, prefixKey: other, affinity: PrefixAffinity(holders: ["vllm-2"]))[0] == 1)
        loads[1].inFlight = 5
        #expect(strategy.order(loads, counter: 0, prefixKey: other, affinity: PrefixAffinity(holders: ["vllm-2"]))[0] != 1)
    }

    @Test("prefix affinity's memory: where a conversation and its prefix went, bounded")
    func affinityMemory() {
        let memory = PrefixAffinityMemory(capacity: 8)
        let key = PrefixKey(shared: "system", conversation: "system+first question")
        #expect(memory.recall(key) == .unknown)
        memory.remember(key, backend: "vllm-1")
        memory.remember(PrefixKey(shared: "system", conversation: "another"), backend: "vllm-2")
        #expect(memory.recall(key) == PrefixAffinity(remembered: "vllm-1", holders: ["vllm-1", "vllm-2"]))
        for index in 0..<20 { memory.remember(PrefixKey("key \(index)"), backend: "vllm-3") }
        #expect(memory.recall(key).remembered == nil, "the least recently used are forgotten")
        #expect(memory.recall(PrefixKey("key 19")).remembered == "vllm-3")
    }
}
