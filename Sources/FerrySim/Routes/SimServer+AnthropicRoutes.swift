import FerryCore
import FerryWire
import Foundation
import HTTPTypes
import Hummingbird

extension SimServer {
    /// Anthropic's Messages API: `POST /v1/messages` (whole or streamed), `POST /v1/messages/count_tokens`,
    /// `GET /v1/models`. The `x-api-key` and `anthropic-version` headers are accepted; a key is checked only when
    /// FerrySim was given one.
    func addAnthropicRoutes(to router: Router<SimRequestContext>) {
        router.get("/v1/models") { _, context -> Response in
            try await admitOther(context)
            return try json(AnthropicModelList(data: configuration.models.map { AnthropicModelList.Model(id: $0, displayName: $0) }))
        }
        addMessagesRoutes(to: router)
    }

    /// `POST /v1/messages` and its `count_tokens`: Anthropic's own, and what vLLM serves beside chat completions.
    func addMessagesRoutes(to router: Router<SimRequestContext>) {
        router.post("/v1/messages") { request, context -> Response in
            engine.stats.received(.messages)
            return try await serveGeneration(
                request, context: context, body: AnthropicMessagesRequest.self,
                plan: { wire in
                    let chat = try wire.chatRequest()
                    return GenerationPlan(requestedModel: wire.model, stream: wire.stream == true, encoder: AnthropicStreamEncoder()) {
                        engine.job(chat: chat, model: $0)
                    }
                },
                contentType: "text/event-stream",
                malformed: "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"delta\": \n\n",
                whole: { try json(AnthropicMessageResponse($0.response())) }
            )
        }
        router.post("/v1/messages/count_tokens") { request, context -> Response in
            try await admitOther(context)
            let body = try await decode(AnthropicCountTokensRequest.self, from: request, context: context)
            let chat = try validated { try body.messagesRequest.chatRequest() }
            guard engine.servedModel(body.model) != nil else { throw SimHTTPError.modelNotFound(body.model, dialect: configuration.dialect) }
            return try json(AnthropicCountTokensResponse(inputTokens: SimTokenizer.tokens(chat).count))
        }
    }

    /// `POST /v1/responses`, as vLLM serves it: whole or streamed, without stored responses (a
    /// `previous_response_id` is refused).
    func addResponsesRoutes(to router: Router<SimRequestContext>) {
        router.post("/v1/responses") { request, context -> Response in
            engine.stats.received(.responses)
            let created = Timestamps.nowSeconds()
            var template: ResponsesResponse?
            return try await serveGeneration(
                request, context: context, body: ResponsesRequest.self,
                plan: { wire in
                    guard wire.previousResponseID == nil else {
                        throw FerryError.invalidRequest("FerrySim keeps no responses", field: "previous_response_id")
                    }
                    let chat = try wire.chatRequest()
                    let response = ResponsesResponse(id: "resp_sim\(created)", model: wire.model, createdAt: created, request: wire)
                    template = response
                    return GenerationPlan(requestedModel: wire.model, stream: wire.stream == true, encoder: ResponsesStreamEncoder(response: response)) {
                        engine.job(chat: chat, model: $0)
                    }
                },
                contentType: "text/event-stream",
                malformed: "event: response.output_text.delta\ndata: {\"type\": \"response.output_text.delta\", \n\n",
                whole: { assembled in
                    guard var response = template else { throw SimHTTPError(.internalServerError, "no plan", dialect: configuration.dialect) }
                    response.complete(with: assembled.response())
                    return try json(response)
                }
            )
        }
    }
}
