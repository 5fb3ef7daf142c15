import FerryCore

/// A backend whose API has chats and no legacy completions (Gemini, Anthropic): a completion is sent as a chat of
/// one user turn (after the system text, if any), and its answer read back as a completion.
protocol ChatOnlyCompletions: LanguageModel {}

extension ChatOnlyCompletions {
    public func streamComplete(_ request: CompletionRequest) async throws -> ChatEventStream {
        try await streamChat(Self.chat(for: request))
    }

    public func complete(_ request: CompletionRequest) async throws -> CompletionResponse {
        let response = try await chat(Self.chat(for: request))
        return CompletionResponse(id: response.id, model: response.model, created: response.created, text: response.text, finishReason: response.finishReason, usage: response.usage)
    }

    /// A legacy completion as one user turn.
    static func chat(for request: CompletionRequest) -> ChatRequest {
        var messages: [ChatMessage] = []
        if let system = request.system { messages.append(.system(system)) }
        messages.append(.user(request.prompt))
        return ChatRequest(model: request.model, messages: messages, sampling: request.sampling, responseFormat: request.responseFormat, includeUsage: true)
    }
}
