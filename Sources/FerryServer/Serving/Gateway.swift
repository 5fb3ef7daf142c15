import CoreMetrics
import FerryAccess
import FerryCache
import FerryCore
import FerryRouter
import FerryWire
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The gateway: the OpenAI API and the Ollama API in front of a ``Router``, any client dialect to any backend
/// dialect, plus `/health`, `/ready` and `/status`. A class: the routes, the inline path and every exchange share
/// one.
///
/// ```swift
/// let gateway = Gateway(router: router)
/// let app = gateway.makeApplication(host: "127.0.0.1", port: 8080)
/// try await app.runService()
/// ```
public final class Gateway: Sendable {
    public let router: FerryRouter.Router
    public let settings: GatewaySettings
    /// Renders `/metrics` (Prometheus text); nil: no metrics endpoint.
    public let metricsText: (@Sendable () -> String)?
    public let logger: Logger
    /// Where the gateway's own counts go (the inline path's outcomes).
    let metrics: any MetricsFactory
    /// Requests in progress, shared by the routes' middleware and the inline path.
    let limiter: ConcurrencyLimiter
    /// First attempts the inline path handed to the routes.
    let priors = PriorAttempts()
    /// Keys, their limits and usage: the configuration's keys and those made at run time.
    public let access: AccessControl
    /// The documents API's store and embedding model; nil: no documents API.
    public let documents: DocumentService?
    /// The response cache; nil: none.
    public let cache: ResponseCache?
    /// The Responses API's stored responses.
    public let responses: ResponseStore
    /// When the gateway was made (`/status`'s uptime).
    let started = ContinuousClock.now

    public init(
        router: FerryRouter.Router,
        settings: GatewaySettings = GatewaySettings(),
        documents: DocumentService? = nil,
        cache: ResponseCache? = nil,
        responses: ResponseStore = ResponseStore(store: MemoryCacheStore(maxBytes: 64 << 20)),
        access: AccessControl? = nil,
        metricsText: (@Sendable () -> String)? = nil,
        logger: Logger = Logger(label: "ferry.gateway"),
        metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        self.router = router
        self.settings = settings
        self.documents = documents
        self.cache = cache
        self.responses = responses
        self.metricsText = metricsText
        self.logger = logger
        self.metrics = metrics
        limiter = ConcurrencyLimiter(limit: settings.maxConcurrentRequests)
        self.access = access ?? AccessControl(staticKeys: settings.apiKeys, store: nil, metrics: metrics)
    }

    public func makeRouter() -> Hummingbird.Router<GatewayContext> {
        let routes = Hummingbird.Router(context: GatewayContext.self)
        routes.add(middleware: UnmatchedRequestMiddleware())
        if !settings.corsOrigins.isEmpty {
            let origin: CORSMiddleware<GatewayContext>.AllowOrigin = settings.corsOrigins.contains("*") ? .all : .custom(settings.corsOrigins[0])
            routes.add(middleware: CORSMiddleware(allowOrigin: origin, allowHeaders: [.contentType, .authorization], allowMethods: [.get, .post, .delete, .head, .options]))
        }
        routes.add(middleware: AccessMiddleware(access: access, adminKey: settings.adminKey))
        routes.add(middleware: ConcurrencyLimitMiddleware(limiter: limiter, queueTimeout: settings.queueTimeout))
        addOpenAIRoutes(to: routes)
        addOllamaRoutes(to: routes)
        addWebRoutes(to: routes)
        addAnthropicRoutes(to: routes)
        addResponsesRoutes(to: routes)
        addOperationsRoutes(to: routes)
        if let cache { addCacheRoutes(to: routes, cache: cache) }
        addKeyRoutes(to: routes)
        if let documents {
            addDocumentRoutes(to: routes, documents: documents)
            addQueryRoutes(to: routes, documents: documents)
        }
        return routes
    }

    /// An application serving the gateway; `onRunning` gets the bound port. With ``GatewaySettings/inlineChat``
    /// (the default), chat requests are served inline on their connection's event loop when they can be
    /// (``InlineChatHandler``), by the routes otherwise; a Hummingbird whose pipeline the inline path cannot join is
    /// found here, logged as an error and counted (`ferry_inline_install_failures_total`), and served by the routes.
    public func makeApplication(host: String, port: Int, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        var http1 = HTTP1Channel.Configuration()
        var inlineInstalled = false
        var inline: InlineChatService?
        if settings.inlineChat {
            let service = InlineChatService(gateway: self, maxBodyBytes: GatewayContext.maxUploadSize)
            http1.additionalChannelHandlers = { [InlineChatInstaller(service: service)] }
            inlineInstalled = InlineChatInstaller.check(http1, logger: logger)
            if inlineInstalled { inline = service }
        }
        // The gate goes first: a refused connection's refusal reads requests before the inline path could.
        let gate = settings.maxConnections.map { ConnectionGate(limit: $0, metrics: metrics) }
        http1.additionalChannelHandlers = { [inline] in
            var installers: [any RemovableChannelHandler] = []
            if let gate { installers.append(ConnectionGateInstaller(gate: gate)) }
            if let inline { installers.append(InlineChatInstaller(service: inline)) }
            return installers
        }
        // The idle timeout is the inline handler's when it is installed (Hummingbird's would close connections
        // whose answers stream from it), Hummingbird's otherwise.
        if !inlineInstalled { http1.idleTimeout = settings.idleTimeout.map { .nanoseconds($0.nanoseconds) } }
        return Application(
            router: makeRouter(),
            server: .http1(configuration: http1),
            configuration: .init(
                address: .hostname(host, port: port), serverName: "Ferry",
                availableConnectionsDelegate: gate.map { MaximumAvailableConnections($0.acceptLimit, logger: logger) }
            ),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }

    // MARK: Shared serving path

    /// Reads and decodes a body; malformed JSON, wrong types and oversize bodies become 4xx errors that say why.
    func decode<Value: Decodable>(_ type: Value.Type, from request: Request, context: GatewayContext) async throws -> Value {
        try WireJSON.decodeRequest(type, from: try await body(of: request, context: context).readableBytesView)
    }

    /// A request's whole body, up to the upload limit (413 beyond it).
    func body(of request: Request, context: GatewayContext) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw FerryError.tooLarge("The request body", limit: context.maxUploadSize)
        }
    }

    /// A chat request in `dialect`, routed — going on from the first attempt the inline path made, if it handed
    /// one over — and answered whole or streamed, as the client asked. Ollama's whole answers are assembled from the
    /// backend's stream, so that their durations are split at the first token as Ollama's clients expect. The
    /// Responses API's answers are stored (unless `store: false`) and not cached: each is a response of its own.
    func chat(_ dialect: GatewayDialect, _ request: Request, body: ByteBuffer? = nil, context: GatewayContext) async throws -> Response {
        let begun = ContinuousClock.now
        let read: ByteBuffer
        if let body { read = body } else { read = try await self.body(of: request, context: context) }
        let asked = try await chatRequest(dialect, from: read)
        try authorize(asked.chat.model, promptBytes: read.readableBytes, context: context)
        if let rag = ragRoute(for: asked.chat.model) {
            return try await groundedChat(dialect, asked.chat, streams: asked.streams, rag: rag, request: request, context: context)
        }
        let prior = priors.take(header: request.headers[GatewayHeaders.priorAttempt])
        if let cache, asked.turn == nil {
            return try await cachedChat(dialect, asked.chat, streams: asked.streams, request: request, context: context, cache: cache, prior: prior, begun: begun)
        }
        return try await routedChat(dialect, asked, context: context, prior: prior, begun: begun)
    }

    /// A chat request read in `dialect`; a Responses request that goes on from a stored response gets its
    /// conversation from the response store, waited for when the store is not in memory.
    func chatRequest(_ dialect: GatewayDialect, from body: ByteBuffer) async throws -> GatewayChatRequest {
        do {
            return try dialect.chatRequest(from: body, routeName: routeName, history: responses.historyNow)
        } catch let wait as ResponseStore.MustWait {
            guard let stored = try await responses.find(wait.id) else { throw Self.noResponse(wait.id, field: "previous_response_id") }
            return try dialect.chatRequest(from: body, routeName: routeName) { _ in stored.messages }
        }
    }

    /// A chat request routed and answered whole or streamed; `completed` (the cache's) gets the whole answer and the
    /// backend once it has ended — a stream after its last event — or nil when it failed or the client left. A
    /// Responses API answer is stored then, before the client has all of it.
    func routedChat(
        _ dialect: GatewayDialect, _ asked: GatewayChatRequest, context: GatewayContext, prior: PriorAttempt?, begun: ContinuousClock.Instant,
        completed: (@Sendable (ChatResponse?, String) async -> Void)? = nil
    ) async throws -> Response {
        let chat = asked.chat
        var completed = completed
        if let turn = asked.turn, turn.keeps {
            let responses = responses, then = completed
            completed = { answer, backend in
                if let answer, let stored = turn.stored(turn.response(completing: answer)) { await responses.keep(stored) }
                await then?(answer, backend)
            }
        }
        if asked.streams {
            let encoder = dialect.streamEncoder(for: chat, turn: asked.turn)  // made before routing: Ollama's durations start here
            return stream(try await router.routedStreamChat(chat, after: prior), encoder: encoder, contentType: dialect.streamContentType, context: context, completed: completed)
        }
        if dialect.assemblesWholeAnswers {
            let (routed, assembler) = try await assembled(router.routedStreamChat(chat, after: prior))
            await completed?(assembler.response(), routed.backend)
            let timings = OllamaTimings(begun: begun, firstToken: assembler.firstTokenAt, load: assembler.loadDuration)
            return try json(routed, context: context) { _ in try OllamaChatResponse(assembler.response(), timings: timings) }
        }
        let routed = try await router.routedChat(chat, after: prior)
        await completed?(routed.value, routed.backend)
        var body = ByteBuffer()
        try dialect.writeWhole(routed.value, turn: asked.turn, timings: OllamaTimings(begun: begun, firstToken: nil), into: &body)
        var response = Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
        Self.addRoutingHeaders(&response.headers, routed, context: context)
        return response
    }

    /// A routed stream read to its end.
    func assembled(_ routed: RoutedAnswer<ChatEventStream>) async throws -> (RoutedAnswer<ChatEventStream>, ChatStreamAssembler) {
        var assembler = ChatStreamAssembler()
        for try await event in routed.value { try assembler.consume(event) }
        return (routed, assembler)
    }

    /// Checks that the request's key (when keys are on) may use the route `model` names — a 403 in the caller's
    /// dialect, naming the routes it may use — and notes the model and the prompt's size for its usage.
    func authorize(_ model: String, promptBytes: Int = 0, context: GatewayContext) throws {
        guard let pass = context.pass else { return }
        let route = (try? router.route(for: model).name) ?? model
        do {
            try pass.authorize(route: route)
        } catch {
            throw error.error
        }
        pass.asked(model: model, promptBytes: promptBytes)
    }

    /// Runs `body`; any error becomes a response in the client's dialect.
    func serve(_ dialect: GatewayDialect, _ context: GatewayContext, _ body: () async throws -> Response) async -> Response {
        let requestID = GatewayHeaders.newRequestID()
        do {
            var response = try await body()
            response.headers[GatewayHeaders.requestID] = requestID
            return response
        } catch let error as FerryError {
            logger.info("request failed", metadata: ["request-id": "\(requestID)", "error": "\(error)"])
            return dialect.response(for: error, requestID: requestID)
        } catch {
            let wrapped = FerryError(code: .upstreamFailure, message: "Unexpected failure: \(error)", hint: "retry; if it persists, report it with the request id \(requestID)")
            return dialect.response(for: wrapped, requestID: requestID)
        }
    }

    /// A JSON answer.
    func json(_ value: some Encodable, context: GatewayContext) throws -> Response {
        var buffer = ByteBuffer()
        try WireJSON.encode(value, into: &buffer)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: buffer))
    }

    /// A JSON answer the router produced, with the routing headers.
    func json<Value: Sendable>(_ routed: RoutedAnswer<Value>, context: GatewayContext, _ body: (Value) throws -> some Encodable) throws -> Response {
        var response = try json(body(routed.value), context: context)
        Self.addRoutingHeaders(&response.headers, routed, context: context)
        return response
    }

    /// Also notes, for the request's key, the backend that answered and the usage a whole answer reports.
    static func addRoutingHeaders<Value>(_ headers: inout HTTPFields, _ routed: RoutedAnswer<Value>, context: GatewayContext) {
        GatewayHeaders.addRouting(&headers, backend: routed.backend, attempts: routed.attempts, received: context.received, waited: routed.waited)
        context.pass?.served(backend: routed.backend, usage: (routed.value as? any ReportsUsage)?.usage)
    }

    /// A streamed answer: the router's events, written by `encoder` as they come. The router has already passed
    /// its commit point, so headers can go out now; later failures arrive in-band.
    /// `completed`: called once the stream has ended with the whole answer (nil when it failed or the client left).
    func stream(_ routed: RoutedAnswer<ChatEventStream>, encoder: some ChatEventEncoder, contentType: String, context: GatewayContext, completed: (@Sendable (ChatResponse?, String) async -> Void)? = nil) -> Response {
        var headers: HTTPFields = [.contentType: contentType, .cacheControl: "no-cache"]
        Self.addRoutingHeaders(&headers, routed, context: context)
        let events = routed.value
        let backend = routed.backend
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody { [pass = context.pass] writer in
                var encoder = encoder
                var buffer = ByteBuffer()
                // For the request's key: the usage the stream's end reports, else the answer's size.
                var usage = StreamUsage()
                defer { if let pass { pass.served(backend: backend, usage: usage.reported, answerBytes: usage.answerBytes) } }
                guard let completed else {
                    for try await event in events {
                        try encoder.encode(event, into: &buffer)
                        try await writer.write(buffer)
                        buffer.clear()
                        if pass != nil { usage.observe(event) }
                    }
                    return try await writer.finish(nil)
                }
                var assembler = ChatStreamAssembler()
                var failed = false
                do {
                    for try await event in events {
                        try encoder.encode(event, into: &buffer)
                        try await writer.write(buffer)
                        buffer.clear()
                        if case .error = event { failed = true } else { try? assembler.consume(event) }
                        if pass != nil { usage.observe(event) }
                    }
                } catch {
                    await completed(nil, backend)
                    throw error
                }
                await completed(!failed && assembler.isFinished ? assembler.response() : nil, backend)
                try await writer.finish(nil)
            }
        )
    }
}
