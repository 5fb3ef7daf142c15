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
    /// Answers with their sources: `POST /api/query` (whole, or server-sent events with `"stream": true`),
    /// `GET /api/sessions/{id}` and `DELETE /api/sessions/{id}`. Errors in OpenAI's shape.
    func addQueryRoutes(to routes: Hummingbird.Router<GatewayContext>, documents: DocumentService) {
        routes.post("/api/query") { [self] request, context in
            await serve(.openAI, context) {
                let begun = ContinuousClock.now
                let body = try await decode(QueryBody.self, from: request, context: context)
                let question = try body.request(defaultMode: documents.answers.mode)
                let route = try documents.answerRoute(requested: body.model, router: router)
                try authorize(route, context: context)
                let answerer = await documents.answerer(router: router, route: route)
                let streams = body.stream == true
                guard let cache else { return try await answer(question, answerer: answerer, streams: streams, context: context) }
                let use = try await queryCacheUse(question, route: try router.route(for: route).name, request: request, documents: documents)
                guard case .use(let key, let policy, let lookup) = use else {
                    return Self.bypassed(try await answer(question, answerer: answerer, streams: streams, context: context), use, cache: cache)
                }
                if lookup, let entry = await cache.lookup(key), case .document(let data) = entry.payload, let stored = try? JSONDecoder().decode(AnswerSummary.self, from: data) {
                    cache.count(.hit)
                    let summary = try await reuse(stored, for: question, documents: documents, begun: begun)
                    return Self.hit(streams ? Self.answerEvents(Self.replayedEvents(summary)) : try json(summary.json, context: context), entry)
                }
                cache.count(.miss)
                let response = try await answer(question, answerer: answerer, streams: streams, context: context) { summary in
                    guard let data = try? JSONEncoder().encode(summary) else { return }
                    await cache.keep(CacheEntry(key: key, payload: .document(data), backend: summary.backend ?? "ferry", ttl: policy.ttl))
                }
                return Self.marked(response, .miss)
            }
        }
        routes.get("/api/sessions/:id") { [self] _, context in
            await serve(.openAI, context) {
                let id = try Self.sessionID(context)
                guard let conversation = try await documents.store.conversation(id: id) else { throw Self.noSession(id) }
                return try json(SessionJSON(conversation), context: context)
            }
        }
        routes.delete("/api/sessions/:id") { [self] _, context in
            await serve(.openAI, context) {
                let id = try Self.sessionID(context)
                guard try await documents.store.deleteConversation(id: id) else { throw Self.noSession(id) }
                return try json(["deleted": id], context: context)
            }
        }
    }

    /// An answer, whole or as events; `finished` gets the summary of one that finished.
    /// With keys on, the answer's backend and usage are noted for the request's key.
    func answer(_ question: AnswerRequest, answerer: Answerer, streams: Bool, context: GatewayContext, finished: (@Sendable (AnswerSummary) async -> Void)? = nil) async throws -> Response {
        var finished = finished
        if let pass = context.pass {
            let then = finished
            finished = { summary in
                pass.served(backend: summary.backend ?? "ferry", usage: summary.usage)
                await then?(summary)
            }
        }
        guard streams else {
            let summary = try await answerer.answer(question)
            await finished?(summary)
            var response = try json(summary.json, context: context)
            if let backend = summary.backend { response.headers[GatewayHeaders.backend] = backend }
            return response
        }
        return Self.answerEvents(try await RunningAnswer.start(answerer, question).events, finished: finished)
    }

    /// Server-sent events: `event: sources`, then `event: delta` for each piece, then `event: done` with the whole
    /// answer and its timings; a failure after the first event is `event: error` with the gateway's error body.
    static func answerEvents(_ events: AsyncThrowingStream<AnswerEvent, any Error>, finished: (@Sendable (AnswerSummary) async -> Void)? = nil) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                var buffer = ByteBuffer()
                do {
                    for try await event in events {
                        switch event {
                        case .sources(let sources):
                            try write(AnswerSummary.SourcesEvent(sources), event: "sources", into: &buffer)
                        case .delta(let text):
                            try write(AnswerSummary.DeltaEvent(text: text), event: "delta", into: &buffer)
                        case .done(let summary):
                            try write(AnswerSummary.JSON(summary, type: "done"), event: "done", into: &buffer)
                            await finished?(summary)
                        }
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                } catch let error as FerryError {
                    buffer.clear()
                    try write(AnswerErrorJSON(error: OpenAIErrorBody(status: error.responseStatus, message: error.description, param: nil, integerCode: false).error), event: "error", into: &buffer)
                    try await writer.write(buffer)
                }
                try await writer.finish(nil)
            }
        )
    }

    private static func write(_ value: some Encodable, event: String, into buffer: inout ByteBuffer) throws {
        var data = ByteBuffer()
        try WireJSON.encode(value, into: &data)
        SSEEncoder.write(ServerSentEvent(event: event, data: Array(data.readableBytesView)), into: &buffer)
    }

    static func sessionID(_ context: GatewayContext) throws -> String {
        guard let id = context.parameters.get("id"), Conversation.isValidID(id) else {
            throw FerryError.invalidRequest("a session id is 1 to 128 letters, digits, - _ . or :, as an answer returns it", field: "session_id")
        }
        return id
    }

    static func noSession(_ id: String) -> FerryError {
        FerryError(code: .modelNotFound, message: "There is no session \(id)", hint: "a session starts with POST /api/query; its answer returns the session_id", httpStatus: 404)
    }
}

/// `event: error` of a streamed answer.
struct AnswerErrorJSON: Encodable {
    var type = "error"
    var error: OpenAIErrorDetail
}
