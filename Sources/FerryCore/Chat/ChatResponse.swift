/// A complete chat answer.
///
/// ```swift
/// let response = try await model.chat(request)
/// print(response.text, response.usage?.completionTokens ?? 0)
/// for call in response.message.toolCalls { print(call.name, call.arguments) }
/// ```
public struct ChatResponse: Sendable, Hashable, Codable {
    public var id: String
    /// The model that answered, as the backend names it.
    public var model: String
    /// Seconds since 1970 when the answer was created.
    public var created: Int
    /// The assistant's message: text and tool calls.
    public var message: ChatMessage
    public var finishReason: FinishReason?
    public var usage: Usage?

    public init(id: String, model: String, created: Int, message: ChatMessage, finishReason: FinishReason?, usage: Usage?) {
        self.id = id
        self.model = model
        self.created = created
        self.message = message
        self.finishReason = finishReason
        self.usage = usage
    }

    /// The answer's text.
    public var text: String { message.text }
}
