/// A legacy text completion request (`/v1/completions`, Ollama's `/api/generate`).
///
/// ```swift
/// let request = CompletionRequest(model: "demo", prompt: "Once upon a time", sampling: .init(maxTokens: 16))
/// ```
public struct CompletionRequest: Sendable, Hashable, Codable {
    public var model: String
    public var prompt: String
    /// Text that follows the completion (fill-in-the-middle), where the backend supports it.
    public var suffix: String?
    /// Ollama's system prompt for `/api/generate`.
    public var system: String?
    public var sampling: SamplingParameters
    public var responseFormat: ResponseFormat?
    /// Whether the caller wants usage at the end of a stream.
    public var includeUsage: Bool

    public init(
        model: String,
        prompt: String,
        suffix: String? = nil,
        system: String? = nil,
        sampling: SamplingParameters = SamplingParameters(),
        responseFormat: ResponseFormat? = nil,
        includeUsage: Bool = false
    ) {
        self.model = model
        self.prompt = prompt
        self.suffix = suffix
        self.system = system
        self.sampling = sampling
        self.responseFormat = responseFormat
        self.includeUsage = includeUsage
    }
}
