import FerryAccess
import FerryCache
import CoreMetrics
import FerryCore
import FerryProviders
import FerryRouter
import NIOCore
import NIOHTTP1
import Synchronization

/// What every connection's ``InlineChatHandler`` shares: the gateway (router, settings, concurrency limit) and the
/// attempts filed for the routes. Decides which requests the inline path takes and starts them. A class: every
/// exchange keeps it.
final class InlineChatService: Sendable {
    let gateway: Gateway
    /// Larger bodies go to the routes, which answer 413.
    let maxBodyBytes: Int
    /// `server.idle_timeout`, which the inline handler keeps (Hummingbird's own does not see inline requests).
    let idleTimeout: TimeAmount?
    /// `server.body_timeout` and `server.body_min_rate` (as nanoseconds a byte buys), kept by the inline handler for
    /// every request on its connection, inline or not.
    let bodyTimeout: TimeAmount?
    let bodyNanosecondsPerByte: Int64
    /// Connections closed by the handler, counted as `ferry_client_connections_closed_total{reason}`: `idle`, or
    /// `slow_body` (a body short of its deadline).
    let closedIdle: Counter
    let closedSlowBody: Counter
    let dates = HTTPDateCache()
    private let served: Counter
    private let handedOver: Counter
    private let passedOn: Counter
    let installFailures: Counter
    let installFailureLogged = Atomic<Bool>(false)

    /// What became of a chat request that reached the inline path, counted as
    /// `ferry_inline_requests_total{outcome}`: `served` (answered inline, or the client left while it was),
    /// `handed_over` (read inline, then given to the routes: a body or backend it does not take, a full limit, a
    /// first attempt that failed), `passed_on` (the routes had it from its head on).
    enum Outcome {
        case served
        case handedOver
        case passedOn
    }

    init(gateway: Gateway, maxBodyBytes: Int) {
        self.gateway = gateway
        self.maxBodyBytes = maxBodyBytes
        idleTimeout = gateway.settings.idleTimeout.map { .nanoseconds($0.nanoseconds) }
        bodyTimeout = gateway.settings.bodyTimeout.map { .nanoseconds($0.nanoseconds) }
        bodyNanosecondsPerByte = 1_000_000_000 / Int64(max(1, gateway.settings.bodyMinRate))
        let factory = gateway.metrics
        closedIdle = Counter(label: "ferry_client_connections_closed_total", dimensions: [("reason", "idle")], factory: factory)
        closedSlowBody = Counter(label: "ferry_client_connections_closed_total", dimensions: [("reason", "slow_body")], factory: factory)
        served = Counter(label: "ferry_inline_requests_total", dimensions: [("outcome", "served")], factory: factory)
        handedOver = Counter(label: "ferry_inline_requests_total", dimensions: [("outcome", "handed_over")], factory: factory)
        passedOn = Counter(label: "ferry_inline_requests_total", dimensions: [("outcome", "passed_on")], factory: factory)
        installFailures = Counter(label: "ferry_inline_install_failures_total", factory: factory)
    }

    var router: FerryRouter.Router { gateway.router }
    var priors: PriorAttempts { gateway.priors }
    var limiter: ConcurrencyLimiter { gateway.limiter }

    static func presentedKey(_ head: HTTPRequestHead) -> String? {
        AccessMiddleware.presentedKey(authorization: head.headers.first(name: "authorization"), xAPIKey: head.headers.first(name: "x-api-key"))
    }

    /// With keys on, the request's key admitted under its limits for `route`; nil when keys are off. Refused: the
    /// routes answer it (they refuse it again, in its dialect).
    private func admitted(_ request: InlineChatRequest, route: String, model: String) -> AccessPass?? {
        guard gateway.access.required else { return .some(nil) }
        guard case .success(let pass) = gateway.access.admit(secret: Self.presentedKey(request.head)) else { return nil }
        do {
            try pass.authorize(route: route)
        } catch {
            pass.withdraw()
            return nil
        }
        pass.asked(model: model, promptBytes: request.body.readableBytes)
        return .some(pass)
    }

    func count(_ outcome: Outcome) {
        switch outcome {
        case .served: served.increment()
        case .handedOver: handedOver.increment()
        case .passedOn: passedOn.increment()
        }
    }

    /// The dialect of a request the inline path may serve; nil: the routes answer it (another endpoint, a query
    /// string, a browser's CORS request, a missing or wrong API key, `Expect: 100-continue`).
    func accepts(_ head: HTTPRequestHead) -> GatewayDialect? {
        guard head.method == .POST, let dialect = GatewayDialect(chatMethod: "POST", path: head.uri) else { return nil }
        if !gateway.settings.corsOrigins.isEmpty, head.headers.contains(name: "origin") { return nil }
        if head.headers.contains(name: "expect") { return nil }
        // With keys on, a request without one is refused by the routes; the rest are admitted in `start`.
        if gateway.access.required, Self.presentedKey(head) == nil { return nil }
        return dialect
    }

    enum Start {
        case started(InlineExchange)
        /// Answered at once: the whole response (a hit in a memory cache), to write.
        case answered(ByteBuffer)
        case handOver(InlineChatRequest)
    }

    /// Starts `request` when it can be served inline: its body reads, a concurrency slot is free, and the backend
    /// picked for its first attempt can be called from `eventLoop` — or at once, when it is a hit in a memory cache.
    func start(_ request: InlineChatRequest, on eventLoop: any EventLoop, allocator: ByteBufferAllocator) -> Start {
        let responses = gateway.responses
        guard let asked = try? request.dialect.chatRequest(from: request.body, routeName: { [router] in Gateway.routeName($0, router: router) }, history: responses.historyNow) else {
            return .handOver(request)
        }
        let chat = asked.chat
        // A RAG route's answers are retrieved and grounded first: the routes serve them. So are requests a route
        // passes through untranslated, and Responses the inline path cannot store at once.
        if gateway.ragRoute(for: chat.model) != nil { return .handOver(request) }
        if let api = request.dialect.passthroughAPI, router.passesThrough(api, model: chat.model) { return .handOver(request) }
        if let turn = asked.turn, turn.keeps, !responses.keepsAtOnce { return .handOver(request) }
        // A route with a cache: a hit in a memory store is answered here; the routes answer the rest (a miss, a
        // bypass, a store that must be waited for), whose answers carry x-ferry-cache too. The Responses API's
        // answers are not cached.
        if asked.turn == nil, let cache = gateway.cache, let route = try? router.route(for: chat.model), cache.settings.policy(for: route.name).enabled {
            guard let answer = replayed(request, chat, streams: asked.streams, route: route.name, cache: cache, allocator: allocator) else { return .handOver(request) }
            return answer
        }
        // Ollama's whole answers are read from the backend's stream too (timed at their first token).
        let assembles = !asked.streams && request.dialect.assemblesWholeAnswers
        guard limiter.tryAcquire() else { return .handOver(request) }
        guard let attempt = router.firstAttempt(for: chat) else {
            limiter.release()
            return .handOver(request)
        }
        guard let backend = attempt.backend.model as? any InlineChatBackend,
              let call = try? backend.inlineChat(attempt.request, stream: asked.streams || assembles),
              call.canStart(on: eventLoop) else {
            router.abandoned(attempt)
            limiter.release()
            return .handOver(request)
        }
        guard let pass = admitted(request, route: attempt.route.name, model: chat.model) else {
            router.abandoned(attempt)
            limiter.release()
            return .handOver(request)
        }
        let encoder = request.dialect.streamEncoder(for: chat, turn: asked.turn)
        return .started(InlineExchange(service: self, request: request, attempt: attempt, call: call, encoder: encoder, turn: asked.turn, pass: pass, assembles: assembles))
    }

    /// The whole response replaying the stored answer to `chat`, when the cache finds one without waiting (and the
    /// key, when keys are on, is admitted); nil otherwise (the routes answer: they look up, wait for an identical
    /// request in flight, or call the backend).
    private func replayed(_ request: InlineChatRequest, _ chat: ChatRequest, streams: Bool, route: String, cache: ResponseCache, allocator: ByteBufferAllocator) -> Start? {
        guard cache.looksUpAtOnce else { return nil }
        let use = try? gateway.cacheUse(route: route, sampling: chat.sampling, directives: CacheDirectives(request.head.headers)) {
            try CacheKey.chat(chat, route: route, tenant: $0)
        }
        guard case .use(let key, _, lookup: true)? = use, let entry = cache.lookupNow(key), case .chat(let answer) = entry.payload else { return nil }
        guard let pass = admitted(request, route: route, model: chat.model) else { return .handOver(request) }
        var body = allocator.buffer(capacity: 256 + answer.message.text.utf8.count)
        guard let contentType = try? Gateway.replayBody(answer, request.dialect, chat, streams: streams, begun: request.received, into: &body) else {
            pass?.withdraw()
            return nil
        }
        var response = allocator.buffer(capacity: 384 + body.readableBytes)
        InlineResponseHead.writeCached(
            contentType: contentType, date: dates.now, requestID: RequestIDs.nextBits(), backend: entry.backend, age: entry.age(),
            overhead: ContinuousClock.now - request.received, length: body.readableBytes, into: &response
        )
        response.writeBuffer(&body)
        cache.count(.hit)
        count(.served)
        pass?.served(backend: entry.backend, usage: nil, cacheHit: true)
        pass?.end(failed: false)
        return .answered(response)
    }
}
