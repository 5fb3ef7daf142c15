/// One request of a benchmark: the prompt and how many tokens to ask for.
public struct BenchPrompt: Sendable, Hashable {
    public var text: String
    /// The prompt's length in the generator's tokens (words), when known.
    public var inputTokens: Int?
    public var maxTokens: Int

    public init(text: String, inputTokens: Int? = nil, maxTokens: Int) {
        self.text = text
        self.inputTokens = inputTokens
        self.maxTokens = maxTokens
    }
}
