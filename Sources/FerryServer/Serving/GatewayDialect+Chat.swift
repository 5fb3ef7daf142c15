import FerryCore
import FerryWire
import NIOCore

extension GatewayDialect {
    /// The request, and whether the client asked for a stream (Ollama streams unless told not to). A Responses
    /// request that goes on from a stored response (`previous_response_id`) gets that conversation from `history`.
    func chatRequest(from body: ByteBuffer, routeName: (String) -> String, history: (String) throws -> [ChatMessage]) throws -> GatewayChatRequest {
        switch self {
        case .openAI:
            let wire = try OpenAIChatRequest(requestBody: body.readableBytesView)
            return GatewayChatRequest(chat: try wire.chatRequest(), streams: wire.stream == true)
        case .ollama:
            let wire = try OllamaChatRequest(requestBody: body.readableBytesView)
            var chat = try wire.chatRequest()
            chat.model = routeName(chat.model)
            return GatewayChatRequest(chat: chat, streams: wire.stream ?? true)
        case .anthropic:
            let wire = try WireJSON.decodeRequest(AnthropicMessagesRequest.self, from: body.readableBytesView)
            return GatewayChatRequest(chat: try wire.chatRequest(), streams: wire.stream == true)
        case .responses:
            let wire = try ResponsesRequest(requestBody: body.readableBytesView)
            let turn = try ResponsesTurn(wire, history: try wire.previousResponseID.map(history) ?? [])
            return GatewayChatRequest(chat: turn.chat, streams: wire.stream == true, turn: turn)
        }
    }

    /// A whole answer's JSON in this dialect; Ollama's carries `timings`; the Responses API's completes `turn`
    /// (returned, to be stored).
    @discardableResult
    func writeWhole(_ response: ChatResponse, turn: ResponsesTurn? = nil, timings: @autoclosure () -> OllamaTimings, into buffer: inout ByteBuffer) throws -> ResponsesResponse? {
        switch self {
        case .openAI: try WireJSON.encode(OpenAIChatCompletion(response), into: &buffer)
        case .ollama: try WireJSON.encode(try OllamaChatResponse(response, timings: timings()), into: &buffer)
        case .anthropic: try WireJSON.encode(AnthropicMessageResponse(response), into: &buffer)
        case .responses:
            let whole = (turn ?? ResponsesTurn(model: response.model)).response(completing: response)
            try WireJSON.encode(whole, into: &buffer)
            return whole
        }
        return nil
    }

    /// The encoder of a streamed answer; for Ollama it also times the answer (from when it is made); for the
    /// Responses API it tells `turn`'s response.
    func streamEncoder(for request: ChatRequest, turn: ResponsesTurn? = nil) -> any ChatEventEncoder {
        switch self {
        case .openAI: OpenAIStreamEncoder(kind: .chat, includeUsage: request.includeUsage)
        case .ollama: OllamaStreamEncoder(kind: .chat)
        case .anthropic: AnthropicStreamEncoder()
        case .responses: ResponsesStreamEncoder(response: (turn ?? ResponsesTurn(model: request.model)).template)
        }
    }

    /// Whether a whole answer is read from the backend's stream (Ollama: its durations split at the first token),
    /// by the routes and by the inline path alike.
    var assemblesWholeAnswers: Bool { self == .ollama }

    var streamContentType: String {
        switch self {
        case .openAI: "text/event-stream"
        case .ollama: "application/x-ndjson"
        case .anthropic, .responses: "text/event-stream"
        }
    }
}

extension GatewayDialect {
    /// The API a route may pass through untranslated for this dialect (`backends.X.passthrough`); nil when there is
    /// none.
    var passthroughAPI: NativeRequest.API? {
        switch self {
        case .anthropic: .messages
        case .responses: .responses
        case .openAI, .ollama: nil
        }
    }
}
