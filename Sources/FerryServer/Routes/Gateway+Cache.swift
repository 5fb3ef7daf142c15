import FerryAccess
import FerryCache
import FerryCore
import FerryRAG
import FerryRouter
import FerryWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension Gateway {
    /// `x-ferry-cache`: `hit`, `miss` or `bypass` on answers; `bypass` on a request skips the cache.
    static let cacheHeader = HTTPField.Name("x-ferry-cache")!
    static let ageHeader = HTTPField.Name("age")!
    /// On a semantic hit: how close the question was to the one answered.
    static let similarityHeader = HTTPField.Name("x-ferry-cache-similarity")!

    /// What the cache does for one request.
    enum CacheUse {
        /// The route has no cache: answers say nothing of it.
        case off
        /// Neither look up nor keep, and say `bypass`: the client said so (`Cache-Control: no-store`,
        /// `x-ferry-cache: bypass`), or the route does not cache this request (not deterministic).
        case bypass
        /// Look up (unless `Cache-Control: no-cache`), and keep a complete answer.
        case use(CacheKey, CachePolicy, lookup: Bool)
    }

    /// The cache's decision for a request to `route` with `sampling` (nil: always deterministic, as embeddings).
    func cacheUse(route: String, sampling: SamplingParameters?, request: Request, key: (String?) throws -> CacheKey) rethrows -> CacheUse {
        try cacheUse(route: route, sampling: sampling, directives: CacheDirectives(request.headers), key: key)
    }

    /// The cache's decision for a request to `route` whose headers say `directives`; `key` makes its key for a
    /// tenant (nil: no API keys).
    func cacheUse(route: String, sampling: SamplingParameters?, directives: CacheDirectives, key: (String?) throws -> CacheKey) rethrows -> CacheUse {
        guard let cache, cache.settings.policy(for: route).enabled else { return .off }
        let policy = cache.settings.policy(for: route)
        if directives.skipsCache { return .bypass }
        if let sampling, !policy.admits(sampling) { return .bypass }
        return .use(try key(tenant(directives)), policy, lookup: !directives.skipsLookup)
    }

    /// The tenant a request's answers belong to: its API key's, when keys are configured.
    func tenant(_ directives: CacheDirectives) -> String? {
        access.required ? directives.apiKey.map(CacheKey.tenant(apiKey:)) : nil
    }

    /// A chat request through the cache: a hit is replayed in the client's dialect, whole or as a stream, whatever
    /// it was stored from; identical misses in flight wait for the first; a complete answer is kept.
    func cachedChat(_ dialect: GatewayDialect, _ chat: ChatRequest, streams: Bool, request: Request, context: GatewayContext, cache: ResponseCache, prior: PriorAttempt?, begun: ContinuousClock.Instant) async throws -> Response {
        let route = try router.route(for: chat.model).name
        let use = try cacheUse(route: route, sampling: chat.sampling, request: request) { try CacheKey.chat(chat, route: route, tenant: $0) }
        guard case .use(let key, let policy, let lookup) = use else {
            return Self.bypassed(try await routedChat(dialect, GatewayChatRequest(chat: chat, streams: streams), context: context, prior: prior, begun: begun), use, cache: cache)
        }
        var leading = false
        /// The semantic cache's context and question vector, to remember the answer by.
        var probe: (context: String, vector: [Float])?
        if lookup {
            if let entry = await cache.lookup(key), case .chat(let answer) = entry.payload {
                cache.count(.hit)
                return try replay(answer, entry: entry, dialect, chat, streams: streams, begun: begun)
            }
            if let threshold = policy.semantic, let question = try CacheKey.semanticContext(chat, route: route, tenant: tenant(CacheDirectives(request.headers))),
               let embedder = await documents?.currentEmbedder(), let vector = try? await embedder.embed([question.question], as: .query).first {
                probe = (question.context.digest, vector)
                if let match = cache.semantic.nearest(context: question.context.digest, vector: vector, threshold: threshold),
                   let entry = await cache.lookup(CacheKey(digest: match.digest, route: route)), case .chat(let answer) = entry.payload {
                    cache.count(.hit)
                    var response = try replay(answer, entry: entry, dialect, chat, streams: streams, begun: begun)
                    response.headers[Self.similarityHeader] = String(format: "%.4f", match.similarity)
                    return response
                }
            }
            switch await cache.join(key) {
            case .followed(let entry?):
                if case .chat(let answer) = entry.payload {
                    cache.count(.hit)
                    return try replay(answer, entry: entry, dialect, chat, streams: streams, begun: begun)
                }
            case .followed(nil): break
            case .lead: leading = true
            }
        }
        cache.count(.miss)
        let leads = leading, remembered = probe
        let keep: @Sendable (ChatResponse?, String) async -> Void = { answer, backend in
            var entry: CacheEntry?
            if let answer, CachePolicy.keeps(answer.finishReason) {
                entry = CacheEntry(key: key, payload: .chat(answer), backend: backend, ttl: policy.ttl)
                await cache.keep(entry!)
                if let remembered { cache.semantic.add(context: remembered.context, vector: remembered.vector, digest: key.digest) }
            }
            if leads { await cache.land(key, entry) }
        }
        do {
            return Self.marked(try await routedChat(dialect, GatewayChatRequest(chat: chat, streams: streams), context: context, prior: prior, begun: begun, completed: keep), .miss)
        } catch {
            if leading { await cache.land(key, nil) }
            throw error
        }
    }

    /// A stored answer in the client's dialect: whole, or as a stream of one text piece, the tool calls and the end.
    func replay(_ answer: ChatResponse, entry: CacheEntry, _ dialect: GatewayDialect, _ chat: ChatRequest, streams: Bool, begun: ContinuousClock.Instant) throws -> Response {
        var buffer = ByteBuffer()
        let contentType = try Self.replayBody(answer, dialect, chat, streams: streams, begun: begun, into: &buffer)
        return Self.hit(Response(status: .ok, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: buffer)), entry)
    }

    /// A stored answer's body in the client's dialect, whole or as a stream, into `buffer`; returns its content type.
    static func replayBody(_ answer: ChatResponse, _ dialect: GatewayDialect, _ chat: ChatRequest, streams: Bool, begun: ContinuousClock.Instant, into buffer: inout ByteBuffer) throws -> String {
        if streams {
            try replayStream(answer, encoder: dialect.streamEncoder(for: chat), into: &buffer)
            return dialect.streamContentType
        }
        try dialect.writeWhole(answer, timings: OllamaTimings(begun: begun, firstToken: .now), into: &buffer)
        return "application/json"
    }

    /// A stored answer as the events of a stream, written by `encoder`: the start, its text as one piece, its tool
    /// calls whole, the end.
    static func replayStream(_ answer: ChatResponse, encoder: some ChatEventEncoder, into buffer: inout ByteBuffer) throws {
        var encoder = encoder
        try encoder.encode(.start(StreamStart(id: answer.id, model: answer.model, created: answer.created)), into: &buffer)
        if !answer.message.text.isEmpty { try encoder.encode(.textDelta(answer.message.text), into: &buffer) }
        for (index, call) in answer.message.toolCalls.enumerated() {
            try encoder.encode(.toolCallDelta(ToolCallDelta(index: index, id: call.id, name: call.name, arguments: call.arguments)), into: &buffer)
        }
        try encoder.encode(.finish(StreamFinish(reason: answer.finishReason, usage: answer.usage)), into: &buffer)
    }

    /// Embeddings through the cache (they are deterministic: every request is cacheable).
    func cachedEmbedding(_ embedding: EmbeddingRequest, request: Request, context: GatewayContext, encode: @escaping (EmbeddingResponse) throws -> some Encodable) async throws -> Response {
        guard let cache else { return try json(try await router.routedEmbed(embedding), context: context, encode) }
        let route = try router.route(for: embedding.model).name
        let use = try cacheUse(route: route, sampling: nil, request: request) { try CacheKey.embedding(embedding, route: route, tenant: $0) }
        guard case .use(let key, let policy, let lookup) = use else {
            return Self.bypassed(try json(try await router.routedEmbed(embedding), context: context, encode), use, cache: cache)
        }
        let found = await find(key, cache: cache, lookup: lookup)
        if case .hit(let entry) = found, case .embedding(let vectors) = entry.payload {
            cache.count(.hit)
            return Self.hit(try json(try encode(vectors), context: context), entry)
        }
        cache.count(.miss)
        let leads = found.leads
        do {
            let routed = try await router.routedEmbed(embedding)
            let entry = CacheEntry(key: key, payload: .embedding(routed.value), backend: routed.backend, ttl: policy.ttl)
            await cache.keep(entry)
            if leads { await cache.land(key, entry) }
            return Self.marked(try json(routed, context: context, encode), .miss)
        } catch {
            if leads { await cache.land(key, nil) }
            throw error
        }
    }

    /// A legacy completion through the cache, whole or streamed, replayed either way.
    func cachedCompletion(_ completion: CompletionRequest, streams: Bool, request: Request, context: GatewayContext, cache: ResponseCache) async throws -> Response {
        let encoder = OpenAIStreamEncoder(kind: .completion, includeUsage: completion.includeUsage)
        let route = try router.route(for: completion.model).name
        let use = try cacheUse(route: route, sampling: completion.sampling, request: request) { try CacheKey.completion(completion, route: route, tenant: $0) }
        guard case .use(let key, let policy, let lookup) = use else {
            if streams { return Self.bypassed(stream(try await router.routedStreamComplete(completion), encoder: encoder, contentType: "text/event-stream", context: context), use, cache: cache) }
            return Self.bypassed(try json(try await router.routedComplete(completion), context: context) { OpenAICompletion($0) }, use, cache: cache)
        }
        let found = await find(key, cache: cache, lookup: lookup)
        if case .hit(let entry) = found, case .completion(let answer) = entry.payload {
            cache.count(.hit)
            guard streams else { return Self.hit(try json(OpenAICompletion(answer), context: context), entry) }
            var buffer = ByteBuffer()
            let whole = ChatResponse(id: answer.id, model: answer.model, created: answer.created, message: .assistant(answer.text), finishReason: answer.finishReason, usage: answer.usage)
            try Self.replayStream(whole, encoder: encoder, into: &buffer)
            return Self.hit(Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody(byteBuffer: buffer)), entry)
        }
        cache.count(.miss)
        let leads = found.leads
        /// Keeps a complete answer, and lands it (or nothing) for the identical requests waiting.
        let keep: @Sendable (CompletionResponse?, String) async -> Void = { answer, backend in
            var entry: CacheEntry?
            if let answer, CachePolicy.keeps(answer.finishReason) {
                entry = CacheEntry(key: key, payload: .completion(answer), backend: backend, ttl: policy.ttl)
                await cache.keep(entry!)
            }
            if leads { await cache.land(key, entry) }
        }
        do {
            guard streams else {
                let routed = try await router.routedComplete(completion)
                await keep(routed.value, routed.backend)
                return Self.marked(try json(routed, context: context) { OpenAICompletion($0) }, .miss)
            }
            let streamed: @Sendable (ChatResponse?, String) async -> Void = { answer, backend in
                await keep(answer.map { CompletionResponse(id: $0.id, model: $0.model, created: $0.created, text: $0.text, finishReason: $0.finishReason, usage: $0.usage) }, backend)
            }
            return Self.marked(stream(try await router.routedStreamComplete(completion), encoder: encoder, contentType: "text/event-stream", context: context, completed: streamed), .miss)
        } catch {
            if leads { await cache.land(key, nil) }
            throw error
        }
    }

    /// What the cache has for `key`: a stored entry (looked up unless `lookup` is false), else the one an identical
    /// request in flight lands; `.lead`: this request calls the backend, and must land what it gets
    /// (``FerryCache/ResponseCache/land(_:_:)``) however it ends.
    func find(_ key: CacheKey, cache: ResponseCache, lookup: Bool) async -> CacheFind {
        guard lookup else { return .miss }
        if let entry = await cache.lookup(key) { return .hit(entry) }
        switch await cache.join(key) {
        case .followed(let entry?): return .hit(entry)
        case .followed(nil): return .miss
        case .lead: return .lead
        }
    }

    enum CacheFind {
        case hit(CacheEntry)
        /// None found and none in flight: this request leads.
        case lead
        /// None found: answer from the backend (the one in flight failed, timed out, or there was no lookup).
        case miss

        var leads: Bool {
            if case .lead = self { true } else { false }
        }
    }

    /// An answer the cache took no part in: marked `bypass` and counted — unless the route has no cache (`off`).
    static func bypassed(_ response: Response, _ use: CacheUse, cache: ResponseCache) -> Response {
        guard case .bypass = use else { return response }
        cache.count(.bypass)
        return marked(response, .bypass)
    }

    static func marked(_ response: Response, _ outcome: ResponseCache.Outcome) -> Response {
        var response = response
        response.headers[cacheHeader] = outcome.rawValue
        return response
    }

    static func hit(_ response: Response, _ entry: CacheEntry) -> Response {
        var response = marked(response, .hit)
        response.headers[ageHeader] = String(entry.age())
        response.headers[GatewayHeaders.backend] = entry.backend
        return response
    }

    /// `DELETE /admin/cache[?route=NAME]` behind the admin key; `GET /admin/cache` for the counts.
    func addCacheRoutes(to routes: Hummingbird.Router<GatewayContext>, cache: ResponseCache) {
        routes.delete("/admin/cache") { [self] request, context in
            await serve(.openAI, context) {
                try checkAdmin(request)
                let route = request.uri.queryParameters.get("route")
                let removed = try await cache.store.removeAll(route: route)
                if route == nil { cache.semantic.removeAll() }
                return try json(CacheClearedJSON(removed: removed, route: route), context: context)
            }
        }
        routes.get("/admin/cache") { [self] request, context in
            await serve(.openAI, context) {
                try checkAdmin(request)
                return try json(await cache.snapshot(), context: context)
            }
        }
    }

    func checkAdmin(_ request: Request) throws {
        guard let adminKey = settings.adminKey else {
            throw FerryError(code: .unauthorized, message: "The operations endpoints are off", hint: "set server.admin_key (SERVER_ADMIN_KEY) and send it as Authorization: Bearer KEY", httpStatus: 403)
        }
        guard AccessMiddleware.bearerToken(request.headers[.authorization]) == adminKey else {
            throw FerryError(code: .unauthorized, message: "The admin key is missing or wrong", hint: "send server.admin_key as Authorization: Bearer KEY", httpStatus: 401)
        }
    }
}

/// `DELETE /admin/cache`'s answer.
struct CacheClearedJSON: Encodable {
    var removed: Int
    var route: String?
}
