import FerryCore
import FerryRouter
import Testing

@Suite("Router retry loop (scripted backends, manual clock)")
struct RouterLoopTests {
    private func router(_ backends: [ScriptedModel], strategy: RoutingStrategy = .fallback, attempts: Int = 4, clock: ManualClock = ManualClock(), breaker: CircuitBreaker = CircuitBreaker(threshold: 3, cooldown: .seconds(10))) -> Router {
        Router(
            routes: [Route(name: "default", aliases: ["qwen"], backends: backends.map { RouteBackend(name: $0.name, model: $0) }, strategy: strategy, retry: RetryPolicy(maxAttempts: attempts, baseDelay: .milliseconds(100), maxDelay: .seconds(2)))],
            breaker: breaker, clock: clock, random: { 0.5 }
        )
    }

    @Test("fallback is immediate; a second round waits the jittered backoff")
    func backoffTiming() async throws {
        let clock = ManualClock()
        let primary = ScriptedModel("vllm", [.fail(unavailable), .fail(unavailable), .answer("ok")])
        let secondary = ScriptedModel("ollama", [.fail(refused)])
        let answer = try await router([primary, secondary], clock: clock).chat(ChatRequest(model: "default", messages: [.user("hi")]))
        #expect(answer.text == "vllm: ok")
        #expect(primary.callCount == 3 && secondary.callCount == 1)
        // vllm fails (1) → ollama at once → fails (2) → vllm after 0.5 × 200 ms → fails (3) → ollama circuit still
        // closed, tried again after 0.5 × 400 ms … the first success ends it.
        #expect(clock.sleeps.first == .milliseconds(100), "no wait before the first fallback; 100 ms before the first repeat")
        #expect(clock.sleeps.allSatisfy { $0 <= .seconds(2) })
    }

    @Test("Retry-After is honoured before trying a backend again")
    func retryAfter() async throws {
        let clock = ManualClock()
        let limited = FerryError.upstream(status: 429, message: "slow down", location: ErrorLocation(), retryAfter: .seconds(3))
        let only = ScriptedModel("vllm", [.fail(limited), .answer("ok")])
        _ = try await router([only], clock: clock).chat(ChatRequest(model: "default", messages: [.user("hi")]))
        #expect(clock.sleeps == [.seconds(3)])
    }

    @Test("a request's own error is returned at once, not retried")
    func badRequestNotRetried() async throws {
        let bad = FerryError.invalidRequest("too long", field: "messages")
        let primary = ScriptedModel("vllm", [.fail(bad)])
        let secondary = ScriptedModel("ollama", [.answer("ok")])
        await #expect(throws: FerryError.self) { _ = try await router([primary, secondary]).chat(ChatRequest(model: "default", messages: [.user("x")])) }
        #expect(secondary.callCount == 0)
    }

    @Test("a backend's refusal of the request is final for it: not retried there, another backend may take it")
    func refusalIsFinalForTheBackend() async throws {
        let clock = ManualClock()
        let refusal = FerryError.upstream(status: 500, message: "tools param requires --jinja flag", location: ErrorLocation())
        let alone = ScriptedModel("local", [.fail(refusal), .answer("never asked")])
        await #expect(throws: FerryError.self) { _ = try await router([alone], clock: clock).chat(ChatRequest(model: "default", messages: [.user("x")])) }
        #expect(alone.callCount == 1, "one attempt, not three")
        #expect(clock.sleeps.isEmpty, "no backoff before the caller hears it")
        do {
            _ = try await router([ScriptedModel("local", [.fail(refusal)])]).chat(ChatRequest(model: "default", messages: [.user("x")]))
        } catch let error as FerryError {
            #expect(error.code == .rejected && error.message.contains("tools param requires --jinja flag"))
        }
        let primary = ScriptedModel("vllm", [.fail(FerryError.upstream(status: 400, message: "max_tokens is too large", location: ErrorLocation()))])
        let secondary = ScriptedModel("ollama", [.answer("ok")])
        let r = router([primary, secondary], breaker: CircuitBreaker(threshold: 1, cooldown: .seconds(10)))
        #expect(try await r.chat(ChatRequest(model: "default", messages: [.user("x")])).text == "ollama: ok")
        #expect(primary.callCount == 1)
        #expect(r.state(of: "vllm")?.circuit == "closed", "a refused request says nothing about the backend's health")
    }

    @Test("a wrong-model 404 moves to a backend that serves the model and never returns to the first")
    func wrongModel() async throws {
        let notServed = FerryError.modelNotFound(requested: "qwen", served: ["other"], location: ErrorLocation())
        let primary = ScriptedModel("vllm", [.fail(notServed)])
        let secondary = ScriptedModel("ollama", [.fail(unavailable), .answer("ok")])
        let answer = try await router([primary, secondary]).chat(ChatRequest(model: "qwen", messages: [.user("x")]))
        #expect(answer.text == "ollama: ok")
        #expect(primary.callCount == 1)
    }

    @Test("streams: failures before the first event fall back; after it, the error arrives in-band")
    func commitPoint() async throws {
        let primary = ScriptedModel("vllm", [.fail(refused), .breakAfterFirstEvent])
        let secondary = ScriptedModel("ollama", [.answer("ok")])
        let r = router([primary, secondary])
        let first = try await ChatStreamAssembler.assemble(try await r.streamChat(ChatRequest(model: "default", messages: [.user("x")])))
        #expect(first.text == "ollama: ok")
        var events: [ChatEvent] = []
        for try await event in try await r.streamChat(ChatRequest(model: "default", messages: [.user("x")])) { events.append(event) }
        guard case .error(let error) = events.last else {
            Issue.record("expected an in-band error, got \(events)")
            return
        }
        #expect(error.code == .streamInterrupted)
        #expect(secondary.callCount == 1, "committed streams are not retried")
    }

    @Test("the circuit opens after consecutive failures, skips the backend, half-opens after the cooldown, closes on success")
    func circuit() async throws {
        let clock = ManualClock()
        let primary = ScriptedModel("vllm", [.fail(refused), .fail(refused), .answer("back")])
        let secondary = ScriptedModel("ollama", [.answer("ok")])
        let r = router([primary, secondary], clock: clock, breaker: CircuitBreaker(threshold: 2, cooldown: .seconds(10)))
        let request = ChatRequest(model: "default", messages: [.user("x")])
        _ = try await r.chat(request)
        _ = try await r.chat(request)
        #expect(r.state(of: "vllm")?.circuit == "open")
        _ = try await r.chat(request)
        #expect(primary.callCount == 2, "an open circuit is skipped")
        clock.advance(by: .seconds(11))
        #expect(try await r.chat(request).text == "vllm: back", "half-open probe")
        #expect(r.state(of: "vllm")?.circuit == "closed")
    }

    @Test("an unknown model gets a 404 listing the routes")
    func unknownRoute() async throws {
        do {
            _ = try await router([ScriptedModel("vllm", [.answer("x")])]).chat(ChatRequest(model: "gpt-9", messages: [.user("x")]))
            Issue.record("expected an error")
        } catch let error as FerryError {
            #expect(error.code == .modelNotFound && error.servedModels == ["default", "qwen"])
        }
    }

    @Test("property: with one always-healthy backend, every request of a random fault schedule succeeds", arguments: [1, 2, 3, 4, 5])
    func randomFaultSchedule(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let faults: [FerryError] = [unavailable, refused, FerryError.upstream(status: 429, message: "x", location: ErrorLocation(), retryAfter: .milliseconds(50)), FerryError(code: .timeout, message: "t", hint: "h")]
        var backends: [ScriptedModel] = (0..<3).map { index in
            ScriptedModel("flaky-\(index)", (0..<60).map { _ in random.next() % 3 == 0 ? .answer("ok") : .fail(faults[Int(random.next() % UInt64(faults.count))]) })
        }
        backends.insert(ScriptedModel("healthy", [.answer("ok")]), at: Int(random.next() % 4))
        let strategies = RoutingStrategy.allCases
        let r = router(backends, strategy: strategies[Int(seed) % strategies.count], attempts: backends.count + 1)
        for index in 0..<60 {
            let request = ChatRequest(model: "default", messages: [.user("request \(index)")])
            if index.isMultiple(of: 2) {
                #expect(try await r.chat(request).finishReason == .stop)
            } else {
                let response = try await ChatStreamAssembler.assemble(try await r.streamChat(request))
                #expect(response.finishReason == .stop)
            }
        }
    }
}
