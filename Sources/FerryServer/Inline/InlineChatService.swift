import FerryCore
import FerryProviders
import FerryRouter
import NIOCore
import NIOHTTP1

/// What every connection's ``InlineChatHandler`` shares: the gateway (router, settings, concurrency limit) and the
/// attempts filed for the routes. Decides which requests the inline path takes and starts them. A class: every
/// exchange keeps it, and a reference is one count where a copy of the gateway's fields is one for each.
final class InlineChatService: Sendable {
    let gateway: Gateway
    // The gateway's parts the hot path reads, kept here: reading one through `gateway` copies the whole struct.
    let router: FerryRouter.Router
    let priors: PriorAttempts
    let limiter: ConcurrencyLimiter
    let settings: GatewaySettings
    let apiKeys: Set<String>
    /// Larger bodies go to the routes, which answer 413.
    let maxBodyBytes: Int
    let dates = HTTPDateCache()

    init(gateway: Gateway, maxBodyBytes: Int) {
        self.gateway = gateway
        router = gateway.router
        priors = gateway.priors
        limiter = gateway.limiter
        settings = gateway.settings
        apiKeys = gateway.apiKeys
        self.maxBodyBytes = maxBodyBytes
    }

    /// The dialect of a request the inline path may serve; nil: the routes answer it (another endpoint, a query
    /// string, a browser's CORS request, a missing or wrong API key, `Expect: 100-continue`).
    func accepts(_ head: HTTPRequestHead) -> ChatDialect? {
        guard head.method == .POST, let dialect = ChatDialect(method: "POST", path: head.uri) else { return nil }
        if !settings.corsOrigins.isEmpty, head.headers.contains(name: "origin") { return nil }
        if head.headers.contains(name: "expect") { return nil }
        if !apiKeys.isEmpty {
            guard let token = APIKeyMiddleware.bearerToken(head.headers.first(name: "authorization")), apiKeys.contains(token) else { return nil }
        }
        return dialect
    }

    enum Start {
        case started(InlineExchange)
        case handOver(InlineChatRequest)
    }

    /// Starts `request` when it can be served inline: its body reads, a concurrency slot is free, and the backend
    /// picked for its first attempt can be called from `eventLoop`.
    func start(_ request: InlineChatRequest, on eventLoop: any EventLoop) -> Start {
        guard let (chat, stream) = try? request.dialect.chatRequest(from: request.body, routeName: { [router] in Gateway.routeName($0, router: router) }) else { return .handOver(request) }
        guard limiter.tryAcquire() else { return .handOver(request) }
        guard let attempt = router.firstAttempt(for: chat) else {
            limiter.release()
            return .handOver(request)
        }
        guard let backend = attempt.backend.model as? any InlineChatBackend,
              let call = try? backend.inlineChat(attempt.request, stream: stream),
              call.canStart(on: eventLoop) else {
            router.abandoned(attempt)
            limiter.release()
            return .handOver(request)
        }
        let encoder = request.dialect.streamEncoder(for: chat)
        return .started(InlineExchange(service: self, request: request, attempt: attempt, call: call, encoder: encoder))
    }
}
