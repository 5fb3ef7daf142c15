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
            await serve(.responses, context) { try await respond(request, context: context) }
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
        return try await chat(.responses, request, body: body, context: context)
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
