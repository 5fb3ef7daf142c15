import FerryCore
import FerryRouter
import FerryWire
import HTTPTypes
import Hummingbird

extension Gateway {
    /// How a `count_tokens` answer was counted: `x-ferry-token-count: tokenizer` (the backend's own) or `estimate`.
    static let tokenCountHeader = HTTPField.Name("x-ferry-token-count")!

    /// Anthropic's Messages API over the router: `POST /v1/messages` (whole and streamed, with fallback, retries,
    /// the first-event commit and the cache as for chat) and `POST /v1/messages/count_tokens`. Keys come as
    /// `x-api-key` or `Authorization: Bearer`; `anthropic-version` is accepted whatever it says.
    func addAnthropicRoutes(to routes: Hummingbird.Router<GatewayContext>) {
        routes.post("/v1/messages") { [self] request, context in
            await serve(.anthropic, context) {
                let body = try await body(of: request, context: context)
                if let forwarded = try await forwarded(.messages, body: body, context: context) { return forwarded }
                return try await chat(.anthropic, request, body: body, context: context)
            }
        }
        routes.post("/v1/messages/count_tokens") { [self] request, context in
            await serve(.anthropic, context) {
                let wire = try await decode(AnthropicCountTokensRequest.self, from: request, context: context)
                let chat = try wire.messagesRequest.chatRequest()
                try authorize(chat.model, context: context)
                let route = try router.route(for: chat.model).name
                let (count, counted) = try await Self.countTokens(chat, route: route, router: router)
                var response = try json(AnthropicCountTokensJSON(inputTokens: count, ferryTokenCount: counted), context: context)
                response.headers[Self.tokenCountHeader] = counted
                return response
            }
        }
    }

    /// The tokens of a conversation's prompt: the backend's tokenizer counting the conversation as it reads it
    /// (each message's role and text, the tools' JSON), plus a few per message for the template's markers —
    /// `tokenizer`; when no backend of the route has a tokenizer, an estimate of a token per four bytes — `estimate`.
    static func countTokens(_ chat: ChatRequest, route: String, router: FerryRouter.Router) async throws -> (Int, String) {
        var texts = chat.messages.map { message in
            "\(message.role.rawValue): \(message.text)" + message.toolCalls.map { " \($0.name)(\($0.arguments))" }.joined()
        }
        if !chat.tools.isEmpty, let tools = try? String(decoding: WireJSON.encode(chat.tools), as: UTF8.self) { texts.append(tools) }
        let overhead = 4 * chat.messages.count + 3
        if let counts = try await router.countTokens(texts, model: route) {
            return (counts.reduce(overhead, +), "tokenizer")
        }
        return (texts.reduce(overhead) { $0 + ($1.utf8.count + 3) / 4 }, "estimate")
    }
}

/// `count_tokens`' answer: Anthropic's `input_tokens`, and how Ferry counted them (`tokenizer` or `estimate`).
struct AnthropicCountTokensJSON: Encodable {
    var inputTokens: Int
    var ferryTokenCount: String

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens"
        case ferryTokenCount = "ferry_token_count"
    }
}
