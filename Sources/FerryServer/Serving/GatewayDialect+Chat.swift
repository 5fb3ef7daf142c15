import FerryCore
import FerryWire
import NIOCore

extension GatewayDialect {
    /// The request, and whether the client asked for a stream (Ollama streams unless told not to).
    func chatRequest(from body: ByteBuffer, routeName: (String) -> String) throws -> (ChatRequest, stream: Bool) {
        switch self {
        case .openAI:
            let wire = try OpenAIChatRequest(requestBody: body.readableBytesView)
            return (try wire.chatRequest(), wire.stream == true)
        case .ollama:
            let wire = try OllamaChatRequest(requestBody: body.readableBytesView)
            var chat = try wire.chatRequest()
            chat.model = routeName(chat.model)
            return (chat, wire.stream ?? true)
        case .anthropic:
            let wire = try WireJSON.decodeRequest(AnthropicMessagesRequest.self, from: body.readableBytesView)
            return (try wire.chatRequest(), wire.stream == true)
        }
    }

    /// A whole answer's JSON in this dialect; Ollama's carries `timings`.
    func writeWhole(_ response: ChatResponse, timings: @autoclosure () -> OllamaTimings, into buffer: inout ByteBuffer) throws {
        switch self {
        case .openAI: try WireJSON.encode(OpenAIChatCompletion(response), into: &buffer)
        case .ollama: try WireJSON.encode(try OllamaChatResponse(response, timings: timings()), into: &buffer)
        case .anthropic: try WireJSON.encode(AnthropicMessageResponse(response), into: &buffer)
        }
    }

    /// The encoder of a streamed answer; for Ollama it also times the answer (from when it is made).
    func streamEncoder(for request: ChatRequest) -> any ChatEventEncoder {
        switch self {
        case .openAI: OpenAIStreamEncoder(kind: .chat, includeUsage: request.includeUsage)
        case .ollama: OllamaStreamEncoder(kind: .chat)
        case .anthropic: AnthropicStreamEncoder()
        }
    }

    /// Whether a whole answer is read from the backend's stream (Ollama: its durations split at the first token),
    /// by the routes and by the inline path alike.
    var assemblesWholeAnswers: Bool { self == .ollama }

    var streamContentType: String {
        switch self {
        case .openAI: "text/event-stream"
        case .ollama: "application/x-ndjson"
        case .anthropic: "text/event-stream"
        }
    }
}
