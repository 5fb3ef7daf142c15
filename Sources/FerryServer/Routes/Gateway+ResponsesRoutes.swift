import FerryCore
import FerryRouter
import FerryWire
import Foundation
import Hummingbird

extension Gateway {
    /// The OpenAI Responses API over the router: `POST /v1/responses` (whole, or the named-event stream), with
    /// fallback, retries and the first-event commit as for chat; a response is stored (unless `store: false`) with
    /// its conversation, so that `previous_response_id` goes on from it; `GET` and `DELETE /v1/responses/{id}`.
    /// Errors in OpenAI's shape.
    func addResponsesRoutes(to routes: Hummingbird.Router<GatewayContext>) {
        routes.post("/v1/responses") { [self] request, context in
            await serve(.openAI, context) { try await respond(request, context: context) }
        }
        routes.get("/v1/responses/{id}") { [self] _, context in
            await serve(.openAI, context) {
                let id = context.parameters.get("id") ?? ""
                guard let stored = try await responses.find(id) else { throw Self.noResponse(id, field: nil) }
                return try json(stored.response, context: context)
            }
        }
        routes.delete("/v1/responses/{id}") { [self] _, context in
            await serve(.openAI, context) {
                let id = context.parameters.get("id") ?? ""
                guard try await responses.remove(id) else { throw Self.noResponse(id, field: nil) }
                return try json(ResponseDeletedJSON(id: id), context: context)
            }
        }
    }

    func respond(_ request: Request, context: GatewayContext) async throws -> Response {
        let body = try await body(of: request, context: context)
        if let forwarded = try await forwarded(.responses, body: body, context: context) { return forwarded }
        let wire = try WireJSON.decodeRequest(ResponsesRequest.self, from: body.readableBytesView)
        var history: [ChatMessage] = []
        if let previous = wire.previousResponseID {
            guard let stored = try await responses.find(previous) else { throw Self.noResponse(previous, field: "previous_response_id") }
            history = stored.messages
        }
        let chat = try wire.chatRequest(history: history)
        let template = ResponsesResponse(id: "resp_" + RequestIDs.next().replacingOccurrences(of: "-", with: ""), model: wire.model, createdAt: Timestamps.nowSeconds(), request: wire)
        // What the next response goes on from: the conversation without this one's instructions, then its answer.
        let conversation = wire.instructions?.isEmpty == false ? Array(chat.messages.dropFirst()) : chat.messages
        let keeps = wire.store ?? true
        let responses = responses
        /// The finished response, kept (unless `store: false`) with the conversation that led to it.
        let finished: @Sendable (ChatResponse) async -> ResponsesResponse = { answer in
            var response = template
            response.complete(with: answer)
            if keeps { await responses.keep(StoredResponse(response: response, messages: conversation + [response.assistantMessage])) }
            return response
        }
        if wire.stream == true {
            let routed = try await router.routedStreamChat(chat)
            return stream(routed, encoder: ResponsesStreamEncoder(response: template), contentType: "text/event-stream", context: context) { answer, _ in
                if let answer { _ = await finished(answer) }
            }
        }
        let routed = try await router.routedChat(chat)
        let response = await finished(routed.value)
        return try json(routed, context: context) { _ in response }
    }

    static func noResponse(_ id: String, field: String?) -> FerryError {
        var error = FerryError(
            code: .modelNotFound, message: "There is no stored response \(id)",
            hint: "responses are kept \(field == nil ? "" : "for previous_response_id ")when created with store: true (the default), until they expire or are deleted",
            httpStatus: 404
        )
        error.field = field
        return error
    }
}

/// `DELETE /v1/responses/{id}`'s answer.
struct ResponseDeletedJSON: Encodable {
    var id: String
    var object = "response.deleted"
    var deleted = true
}
