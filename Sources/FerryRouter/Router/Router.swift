import CoreMetrics
import FerryCore
import Synchronization

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
    private let table: Mutex<[Route]>
    let clock: any RouterClock
    let random: @Sendable () -> Double
    let states: BackendStates
    /// Where prefix-affinity routes' conversations and shared prefixes went.
    let affinity = PrefixAffinityMemory()
    let metrics: RouterMetrics

    /// - Parameters:
    ///   - breaker: the circuit breaker every backend starts with (threshold and cooldown).
    ///   - clock: injected in tests; the monotonic clock otherwise.
    ///   - random: draws in 0..<1 for jitter.
    ///   - metrics: where counts go (the process-wide swift-metrics factory by default).
    public init(
        name: String = "router",
        routes: [Route],
        breaker: CircuitBreaker = CircuitBreaker(),
        clock: any RouterClock = SystemRouterClock(),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        self.name = name
        table = Mutex(routes)
        self.clock = clock
        self.random = random
        self.metrics = RouterMetrics(factory: metrics)
        states = BackendStates(names: routes.flatMap { $0.backends.map(\.name) }, breaker: breaker, handles: self.metrics.handles)
    }

    /// The routes as they are now (replica discovery may change their backends).
    public var routes: [Route] { table.withLock { $0 } }

    /// Replaces every replica of `group` (backends whose ``RouteBackend/group`` is `group`) in every route with
    /// `replicas`, in place; replicas that stay keep their circuit and statistics.
    public func replaceReplicas(of group: String, with replicas: [RouteBackend]) {
        states.ensure(replicas.map(\.name))
        table.withLock { routes in
            for index in routes.indices {
                guard let first = routes[index].backends.firstIndex(where: { $0.group == group }) else { continue }
                var backends = routes[index].backends.filter { $0.group != group }
                backends.insert(contentsOf: replicas, at: min(first, backends.count))
                routes[index].backends = backends
            }
        }
    }

    /// Replaces the whole route table (a configuration reload). Requests in flight keep the route they started
    /// with; backends whose names stay keep their circuit and statistics; new ones start closed.
    public func replaceRoutes(_ routes: [Route]) {
        states.ensure(routes.flatMap { $0.backends.map(\.name) })
        table.withLock { $0 = routes }
    }

    /// The route serving `model` (by name or alias; the only route when the request says `auto` or nothing).
    public func route(for model: String) throws -> Route {
        let routes = self.routes
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

    public func chat(_ request: ChatRequest) async throws -> ChatResponse { try await routedChat(request).value }
    public func streamChat(_ request: ChatRequest) async throws -> ChatEventStream { try await routedStreamChat(request).value }
    public func complete(_ request: CompletionRequest) async throws -> CompletionResponse { try await routedComplete(request).value }
    public func streamComplete(_ request: CompletionRequest) async throws -> ChatEventStream { try await routedStreamComplete(request).value }
    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse { try await routedEmbed(request).value }
    public func rerank(_ request: RerankRequest) async throws -> RerankResponse { try await routedRerank(request).value }

    /// Token counts by the tokenizer of the route's first backend that offers one (and answers); nil when none does.
    public func countTokens(_ texts: [String], model: String) async throws -> [Int]? {
        for backend in try route(for: model).backends {
            if let counts = try? await backend.model.countTokens(texts, model: backend.modelName ?? model) { return counts }
        }
        return nil
    }

    // MARK: Answers with how they were routed

    /// ``chat(_:)``, with the backend that answered, the attempts it took and the time spent waiting.
    /// `prior`: a first attempt the caller made itself (``firstAttempt(for:)``) that failed; the retry loop goes on
    /// from it.
    public func routedChat(_ request: ChatRequest, after prior: PriorAttempt? = nil) async throws -> RoutedAnswer<ChatResponse> {
        let route = try route(for: request.model)
        return try await attempt(route, prefixKey: PrefixKey(of: request), timeout: route.timeouts.total, after: prior) { backend in
            let answer = backend.named(try await backend.model.chat(backend.prepare(request)), for: request)
            self.states.state(backend.name)?.countTokens(answer.usage)
            return answer
        }
    }

    /// ``streamChat(_:)``, with how it was routed; returned once the first event is in hand (the commit point).
    public func routedStreamChat(_ request: ChatRequest, after prior: PriorAttempt? = nil) async throws -> RoutedAnswer<ChatEventStream> {
        let route = try route(for: request.model)
        return try await stream(route, prefixKey: PrefixKey(of: request), after: prior) { backend in
            try await backend.model.streamChat(backend.prepare(request))
        }
    }

    public func routedComplete(_ request: CompletionRequest) async throws -> RoutedAnswer<CompletionResponse> {
        let route = try route(for: request.model)
        return try await attempt(route, prefixKey: PrefixKey(request.prompt), timeout: route.timeouts.total) { backend in
            try await backend.model.complete(backend.prepare(request))
        }
    }

    public func routedStreamComplete(_ request: CompletionRequest) async throws -> RoutedAnswer<ChatEventStream> {
        let route = try route(for: request.model)
        return try await stream(route, prefixKey: PrefixKey(request.prompt)) { backend in
            try await backend.model.streamComplete(backend.prepare(request))
        }
    }

    public func routedEmbed(_ request: EmbeddingRequest) async throws -> RoutedAnswer<EmbeddingResponse> {
        let route = try route(for: request.model)
        return try await attempt(route, prefixKey: PrefixKey(request.inputs.first ?? ""), timeout: route.timeouts.total) { backend in
            var copy = request
            copy.model = backend.modelName ?? request.model
            return try await backend.model.embed(copy)
        }
    }

    public func routedRerank(_ request: RerankRequest) async throws -> RoutedAnswer<RerankResponse> {
        let route = try route(for: request.model)
        return try await attempt(route, prefixKey: PrefixKey(request.query), timeout: route.timeouts.total) { backend in
            var copy = request
            copy.model = backend.modelName ?? request.model
            return try await backend.model.rerank(copy)
        }
    }

    /// Whether requests of `api` to `model`'s route go to its backends untranslated (``Route/passesThrough(_:)``).
    public func passesThrough(_ api: NativeRequest.API, model: String) -> Bool {
        (try? route(for: model))?.passesThrough(api) ?? false
    }

    /// A request of an API the route's backends serve themselves, sent untranslated: tried on the route's backends
    /// with its retries, fallback and circuits, as chat is; done once a backend answers with a success status (a
    /// whole answer read to its end, a stream's head within the first-event timeout). Its `model` becomes each
    /// backend's.
    public func routedForward(_ request: NativeRequest) async throws -> RoutedAnswer<NativeAnswer> {
        let route = try route(for: request.model)
        return try await attempt(route, prefixKey: .none, timeout: request.stream ? route.timeouts.firstEvent : route.timeouts.total) { backend in
            var copy = request
            copy.model = backend.modelName ?? request.model
            return try await backend.model.forward(copy)
        }
    }

    /// The routes, as the models this router serves.
    public func models() async throws -> [ModelInfo] {
        let routes = self.routes
        return routes.flatMap { route in ([route.name] + route.aliases).map { ModelInfo(id: $0, ownedBy: "ferry") } }
    }

    /// Every backend probed at once: healthy when each route has a healthy backend, degraded when some do,
    /// unhealthy when none does. Probing also takes failing backends out (opens their circuits) and puts
    /// recovered ones back.
    public func health() async -> HealthReport {
        let reports = await probeBackends()
        let routes = self.routes
        var probes: [HealthReport.Probe] = []
        var healthyRoutes = 0
        for route in routes {
            var routeHealthy = false
            for backend in route.backends {
                guard let report = reports[backend.name] else { continue }
                let healthy = report.status == .healthy
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

    /// Probes every backend concurrently and updates its circuit; returns each backend's report.
    public func probeBackends() async -> [String: HealthReport] {
        let backends = uniqueBackends
        let reports = await withTaskGroup(of: (String, HealthReport).self) { group in
            for backend in backends {
                group.addTask { (backend.name, await backend.model.health()) }
            }
            var reports: [String: HealthReport] = [:]
            for await (name, report) in group { reports[name] = report }
            return reports
        }
        for (name, report) in reports {
            states.recordHealth(name, report, now: clock.now())
        }
        return reports
    }

    /// Sends each backend a one-token request, so that slow first inferences (vLLM compiling, Ollama loading
    /// the model) happen before users arrive; a failure opens the backend's circuit. Returns each backend's
    /// error, or nil when it answered.
    public func warmUp() async -> [String: FerryError?] {
        let backends = uniqueBackends
        let clock = self.clock
        let results = await withTaskGroup(of: (String, FerryError?, Duration).self) { group in
            for backend in backends {
                group.addTask {
                    let started = clock.now()
                    var request = ChatRequest(model: backend.modelName ?? "auto", messages: [.user("Hi")])
                    request.sampling.maxTokens = 1
                    do {
                        _ = try await backend.model.chat(request)
                        return (backend.name, nil, clock.now() - started)
                    } catch let error as FerryError {
                        return (backend.name, error, clock.now() - started)
                    } catch {
                        return (backend.name, FerryError.streamInterrupted("\(error)", location: ErrorLocation(backend: backend.name)), clock.now() - started)
                    }
                }
            }
            var results: [String: (FerryError?, Duration)] = [:]
            for await (name, error, elapsed) in group { results[name] = (error, elapsed) }
            return results
        }
        for (name, (error, elapsed)) in results {
            states.setHealthy(name, error == nil, now: clock.now())
            if error == nil { states.state(name)?.recordTTFT(elapsed, now: clock.now()) }
        }
        return results.mapValues(\.0)
    }

    /// Each backend once, even when several routes share it.
    var uniqueBackends: [RouteBackend] {
        var seen: Set<String> = []
        return routes.flatMap(\.backends).filter { seen.insert($0.name).inserted }
    }

    /// A backend's circuit state, in-flight count and TTFT average (for /status).
    public func state(of backend: String) -> (circuit: String, inFlight: Int, ttft: Duration?)? {
        states.snapshot(backend).map { ($0.breaker.stateName, $0.inFlight, $0.ttft) }
    }
}
