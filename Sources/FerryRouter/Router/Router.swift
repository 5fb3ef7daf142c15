import FerryCore

/// Routes each request to the best available backend of its route, and is itself a ``LanguageModel`` — a
/// library user can swap one provider for a whole route.
///
/// The one retry loop of Ferry lives here: backends are ordered by the route's strategy, open circuits are
/// skipped, failures that another attempt may fix (connection errors, timeouts before the first event, 408, 429,
/// 5xx, a wrong model) move on — at once to an untried backend, after a jittered backoff (or the Retry-After
/// asked for) to one already tried. Streams are retried until their first event has been handed over (the
/// commit point); after that a failure ends the stream with an in-band error.
///
/// ```swift
/// let router = Router(routes: [Route(name: "default", backends: [
///     RouteBackend(name: "vllm", model: vllm), RouteBackend(name: "ollama", model: ollama, modelName: "qwen2.5:1.5b"),
/// ])])
/// let answer = try await router.chat(ChatRequest(model: "default", messages: [.user("Hi")]))
/// ```
public final class Router: LanguageModel {
    public let name: String
    public let routes: [Route]
    let clock: any RouterClock
    let random: @Sendable () -> Double
    let states: BackendStates

    /// - Parameters:
    ///   - breaker: the circuit breaker every backend starts with (threshold and cooldown).
    ///   - clock: injected in tests; the monotonic clock otherwise.
    ///   - random: draws in 0..<1 for jitter.
    public init(
        name: String = "router",
        routes: [Route],
        breaker: CircuitBreaker = CircuitBreaker(),
        clock: any RouterClock = SystemRouterClock(),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.name = name
        self.routes = routes
        self.clock = clock
        self.random = random
        states = BackendStates(names: routes.flatMap { $0.backends.map(\.name) }, breaker: breaker)
    }

    /// The route serving `model` (by name or alias; the only route when the request says `auto` or nothing).
    public func route(for model: String) throws -> Route {
        if let route = routes.first(where: { $0.name == model || $0.aliases.contains(model) }) { return route }
        if (model.isEmpty || model == "auto"), routes.count == 1 { return routes[0] }
        let names = routes.flatMap { [$0.name] + $0.aliases }
        throw FerryError(
            code: .modelNotFound,
            message: "No route serves model `\(model)`",
            location: ErrorLocation(backend: name, model: model),
            hint: names.isEmpty ? "configure a route" : "use one of: \(names.map { "\"\($0)\"" }.joined(separator: ", "))",
            httpStatus: 404,
            servedModels: names
        )
    }

    // MARK: LanguageModel

    public func chat(_ request: ChatRequest) async throws -> ChatResponse {
        let route = try route(for: request.model)
        return try await attempt(route, prefixKey: RoutingStrategy.prefixKey(of: request), timeout: route.timeouts.total) { backend in
            var answer = try await backend.model.chat(request.with(model: backend.modelName ?? request.model))
            answer.model = answer.model.isEmpty ? (backend.modelName ?? request.model) : answer.model
            return answer
        }
    }

    public func streamChat(_ request: ChatRequest) async throws -> ChatEventStream {
        let route = try route(for: request.model)
        return try await stream(route, prefixKey: RoutingStrategy.prefixKey(of: request)) { backend in
            try await backend.model.streamChat(request.with(model: backend.modelName ?? request.model))
        }
    }

    public func complete(_ request: CompletionRequest) async throws -> CompletionResponse {
        let route = try route(for: request.model)
        return try await attempt(route, prefixKey: request.prompt, timeout: route.timeouts.total) { backend in
            var copy = request
            copy.model = backend.modelName ?? request.model
            return try await backend.model.complete(copy)
        }
    }

    public func streamComplete(_ request: CompletionRequest) async throws -> ChatEventStream {
        let route = try route(for: request.model)
        return try await stream(route, prefixKey: request.prompt) { backend in
            var copy = request
            copy.model = backend.modelName ?? request.model
            return try await backend.model.streamComplete(copy)
        }
    }

    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        let route = try route(for: request.model)
        return try await attempt(route, prefixKey: request.inputs.first ?? "", timeout: route.timeouts.total) { backend in
            var copy = request
            copy.model = backend.modelName ?? request.model
            return try await backend.model.embed(copy)
        }
    }

    /// The routes, as the models this router serves.
    public func models() async throws -> [ModelInfo] {
        routes.flatMap { route in ([route.name] + route.aliases).map { ModelInfo(id: $0, ownedBy: "ferry") } }
    }

    /// Every backend probed: healthy when each route has a healthy backend, degraded when some do, unhealthy
    /// when none does. Probes also open or close circuits.
    public func health() async -> HealthReport {
        var probes: [HealthReport.Probe] = []
        var healthyRoutes = 0
        for route in routes {
            var routeHealthy = false
            for backend in route.backends {
                let report = await backend.model.health()
                let healthy = report.status == .healthy
                states.setHealthy(backend.name, healthy, now: clock.now())
                routeHealthy = routeHealthy || healthy
                probes.append(HealthReport.Probe(
                    endpoint: "\(route.name)/\(backend.name)", statusCode: report.answeredBy?.statusCode, latency: report.answeredBy?.latency,
                    ok: healthy, detail: report.error?.description ?? report.status.rawValue
                ))
            }
            if routeHealthy { healthyRoutes += 1 }
        }
        let status: HealthReport.Status = healthyRoutes == routes.count ? .healthy : (healthyRoutes > 0 ? .degraded : .unhealthy)
        return HealthReport(backend: name, url: "", status: status, probes: probes, servedModels: routes.map(\.name))
    }

    /// A backend's circuit state, in-flight count and TTFT average (for /status).
    public func state(of backend: String) -> (circuit: String, inFlight: Int, ttft: Duration?)? {
        states.snapshot(backend).map { ($0.breaker.stateName, $0.inFlight, $0.ttft) }
    }
}

extension ChatRequest {
    func with(model: String) -> ChatRequest {
        var copy = self
        copy.model = model
        return copy
    }
}
