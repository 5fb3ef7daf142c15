/// A chat request in Ferry's provider-neutral form.
///
/// ```swift
/// var request = ChatRequest(model: "qwen2.5-1.5b", messages: [.system("Be brief."), .user("Hi!")])
/// request.sampling.maxTokens = 32
/// let response = try await model.chat(request)
/// ```
public struct ChatRequest: Sendable, Hashable, Codable {
    /// The model name or route alias; `auto` lets a backend that serves exactly one model use it.
    public var model: String
    public var messages: [ChatMessage]
    public var tools: [ToolDefinition]
    public var toolChoice: ToolChoice?
    public var sampling: SamplingParameters
    public var responseFormat: ResponseFormat?
    /// Whether the caller wants token usage at the end of a stream (OpenAI's `stream_options.include_usage`).
    /// Ferry always collects usage when the backend reports it; this only decides whether a front end sends it.
    public var includeUsage: Bool
    /// An end-user id for abuse tracking, passed through.
    public var user: String?

    public init(
        model: String,
        messages: [ChatMessage],
        tools: [ToolDefinition] = [],
        toolChoice: ToolChoice? = nil,
        sampling: SamplingParameters = SamplingParameters(),
        responseFormat: ResponseFormat? = nil,
        includeUsage: Bool = false,
        user: String? = nil
    ) {
        self.model = model
        self.messages = messages
        self.tools = tools
        self.toolChoice = toolChoice
        self.sampling = sampling
        self.responseFormat = responseFormat
        self.includeUsage = includeUsage
        self.user = user
    }
}
