import FerryCore

extension Router {
    /// Runs `operation` on the route's backends until one succeeds, following the retry policy.
    func attempt<Value: Sendable>(
        _ route: Route,
        prefixKey: PrefixKey,
        timeout: Duration,
        after prior: PriorAttempt? = nil,
        _ operation: @escaping @Sendable (RouteBackend) async throws -> Value
    ) async throws -> RoutedAnswer<Value> {
        let outcome = try await attemptsKeepingSlot(route, prefixKey: prefixKey, after: prior) { backend in
            let started = clock.now()
            let value = try await withDeadline(timeout, what: "the answer", backend: backend) { try await operation(backend) }
            return (value, clock.now() - started)
        }
        outcome.state.end(.success, now: clock.now())
        return RoutedAnswer(value: outcome.value, backend: outcome.backend.name, attempts: outcome.attempts, waited: outcome.waited, failedAttempts: outcome.failed)
    }

    /// Opens a stream on the route's backends until one hands over a first event that is not an error, then
    /// returns the stream from that event on (the commit point).
    func stream(
        _ route: Route, prefixKey: PrefixKey, after prior: PriorAttempt? = nil,
        _ open: @escaping @Sendable (RouteBackend) async throws -> ChatEventStream
    ) async throws -> RoutedAnswer<ChatEventStream> {
        let outcome = try await attemptsKeepingSlot(route, prefixKey: prefixKey, after: prior) { backend in
            let started = clock.now()
            // The deadline covers opening the stream too: a backend that hangs before its headers is caught.
            let (events, first) = try await withDeadline(route.timeouts.firstEvent, what: "the first event", backend: backend) {
                let events = IteratorBox(try await open(backend).makeAsyncIterator())
                return (events, try await events.next())
            }
            switch first {
            case nil:
                throw FerryError.streamInterrupted("the stream ended before its first event", location: ErrorLocation(backend: backend.name))
            case .error(let error)?:
                throw error.located(ErrorLocation(backend: backend.name))
            case let event?:
                return (CommittedStream(first: event, events: events), clock.now() - started)
            }
        }
        let (backend, state) = (outcome.backend, outcome.state)
        let events = outcome.value.events(idle: route.timeouts.idle, clock: clock, backend: backend.name) { [clock] result, usage in
            state.end(result, now: clock.now())
            state.countTokens(usage)
        }
        return RoutedAnswer(value: events, backend: backend.name, attempts: outcome.attempts, waited: outcome.waited, failedAttempts: outcome.failed)
    }

    /// The retry loop, going on from `prior` when a caller made the first attempt itself. On success the
    /// backend's slot is still held: the caller ends it.
    private func attemptsKeepingSlot<Value>(
        _ route: Route,
        prefixKey: PrefixKey,
        after prior: PriorAttempt? = nil,
        _ operation: (RouteBackend) async throws -> (Value, Duration)
    ) async throws -> (value: Value, backend: RouteBackend, state: BackendState, attempts: Int, waited: Duration, failed: [FerryError]) {
        let deadline = clock.now() + route.timeouts.total - (prior?.elapsed ?? .zero)
        let counter = requestNumber(on: route)
        var failures = 0
        var tried: Set<String> = []
        var excluded: Set<String> = []
        var lastError: FerryError?
        var lastBackend: String?
        var failed: [FerryError] = []
        var waited = Duration.zero
        if let prior {
            tried.insert(prior.backend)
            if prior.error.retry == .elsewhere { excluded.insert(prior.backend) }
            lastError = prior.error
            lastBackend = prior.backend
            failed.append(prior.error)
            waited = prior.elapsed
            failures = 1
        }
        while failures < route.retry.maxAttempts {
            guard let (backend, state) = pick(route, counter: counter, prefixKey: prefixKey, tried: tried, excluded: excluded),
                  state.begin(now: clock.now()) else {
                throw noBackend(route, lastError: lastError, excluded: excluded)
            }
            if tried.contains(backend.name) || lastError?.retryAfter != nil {
                let wait = route.retry.delay(afterFailure: failures, retryAfter: lastError?.retryAfter, random: random())
                guard clock.now() + wait < deadline else {
                    state.end(.neutral, now: clock.now())
                    break
                }
                do {
                    try await clock.sleep(for: wait)
                    waited += wait
                } catch {
                    state.end(.neutral, now: clock.now())
                    throw error
                }
            }
            if let previous = lastBackend {
                metrics.retry(route: route.name)
                if previous != backend.name { metrics.fallback(route: route.name, from: previous, to: backend.name) }
            }
            state.countAttempt(route: route.name)
            tried.insert(backend.name)
            let started = clock.now()
            do {
                let (value, ttft) = try await operation(backend)
                state.recordTTFT(ttft, now: clock.now())
                return (value, backend, state, failures + 1, waited + ttft, failed)
            } catch let error as FerryError {
                waited += clock.now() - started
                guard endFailed(state, error), !Task.isCancelled else { throw error }
                // A backend that refused the request itself is not asked again; another may take it.
                if error.retry == .elsewhere { excluded.insert(backend.name) }
                lastError = error.located(ErrorLocation(backend: backend.name))
                failed.append(error.located(ErrorLocation(backend: backend.name)))
                lastBackend = backend.name
                failures += 1
            } catch {
                state.end(.neutral, now: clock.now())
                throw error
            }
        }
        throw exhausted(route, lastError: lastError, attempts: failures)
    }

    /// The backend to try next: the strategy's order without the excluded ones, untried backends first (fallback
    /// is immediate), then the tried ones again (after a backoff); the first whose circuit lets a request through.
    /// The backend comes with its state, which the attempt's steps then use without looking it up; the
    /// conversation's prefix key and the backends' loads are made only for the strategies that order by them.
    func pick(
        _ route: Route, counter: Int, prefixKey: @autoclosure () -> PrefixKey, tried: Set<String>, excluded: Set<String>
    ) -> (backend: RouteBackend, state: BackendState)? {
        var key = PrefixKey.none
        let order: [Int] = switch route.strategy {
        case .fallback, .roundRobin:
            route.strategy.order(count: route.backends.count, counter: counter)
        case .leastOutstanding, .latency:
            route.strategy.order(states.loads(route.backends.map(\.name)), counter: counter, prefixKey: .none)
        case .prefixAffinity:
            {
                key = prefixKey()
                return route.strategy.order(states.loads(route.backends.map(\.name)), counter: counter, prefixKey: key, affinity: affinity.recall(key), loadFactor: route.loadFactor)
            }()
        }
        let now = clock.now()
        // Untried backends first, in the strategy's order; then the tried ones again, in the same order.
        for pass in 0..<(tried.isEmpty ? 1 : 2) {
            let retrying = pass == 1
            for index in order {
                let name = route.backends[index].name
                guard !excluded.contains(name), tried.contains(name) == retrying,
                      let state = states.state(name), state.isAvailable(now: now) else { continue }
                if route.strategy == .prefixAffinity { affinity.remember(key, backend: name) }
                return (route.backends[index], state)
            }
        }
        return nil
    }

    /// The number of a request on `route`, for round-robin; the other strategies do not count their requests.
    func requestNumber(on route: Route) -> Int {
        route.strategy == .roundRobin ? states.nextCounter(route.name) : 0
    }

    /// Ends a failed attempt's slot and counts the failure; whether another attempt may fix it.
    func endFailed(_ state: BackendState, _ error: FerryError) -> Bool {
        let retryable = RetryPolicy.isRetryable(error)
        // The request's own faults (and a refusal of it) say nothing about the backend's health.
        state.end(error.retry == .anywhere ? .failure : .neutral, now: clock.now())
        metrics.failure(backend: state.name, error)
        return retryable
    }

    private func noBackend(_ route: Route, lastError: FerryError?, excluded: Set<String>) -> FerryError {
        if let lastError, !excluded.isEmpty, excluded.count == route.backends.count { return lastError }
        let circuits = route.backends.map { "\($0.name): \(states.snapshot($0.name)?.breaker.stateName ?? "unknown")" }.joined(separator: ", ")
        return FerryError(
            code: .upstreamFailure,
            message: "No backend of route `\(route.name)` is available (\(circuits))" + (lastError.map { "; last error: \($0.message)" } ?? ""),
            location: ErrorLocation(backend: route.name),
            hint: "the circuits reopen after their cooldown; check the backends with `ferry doctor`, or add a fallback backend",
            httpStatus: 503
        )
    }

    private func exhausted(_ route: Route, lastError: FerryError?, attempts: Int) -> FerryError {
        guard var error = lastError else {
            return FerryError(code: .timeout, message: "Route `\(route.name)` ran out of time before any attempt", location: ErrorLocation(backend: route.name), hint: "raise the total timeout")
        }
        error.message += " (after \(attempts) attempt\(attempts == 1 ? "" : "s") on route `\(route.name)`)"
        return error
    }

    /// Runs `operation`, failing with a timeout that names the backend when `limit` passes first.
    func withDeadline<Value: Sendable>(
        _ limit: Duration,
        what: String,
        backend: RouteBackend,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        guard let value = try await clock.run(within: limit, operation) else { throw Self.timeout(limit, what: what, backend: backend) }
        return value
    }

    /// The error of an attempt that ran out of time before `what` came.
    static func timeout(_ limit: Duration, what: String, backend: RouteBackend) -> FerryError {
        FerryError(
            code: .timeout,
            message: "Backend \"\(backend.name)\" did not send \(what) within \(limit)",
            location: ErrorLocation(backend: backend.name, model: backend.modelName),
            hint: "the first inference after a start can be slow (vLLM compiles); raise the timeout, or warm the backend up"
        )
    }
}
