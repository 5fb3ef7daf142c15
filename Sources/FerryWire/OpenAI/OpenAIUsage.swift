import FerryCore

/// `usage`, with vLLM's and OpenAI's `prompt_tokens_details.cached_tokens`.
public struct OpenAIUsage: Codable, Sendable, Hashable {
    public struct PromptDetails: Codable, Sendable, Hashable {
        public var cachedTokens: Int?
        enum CodingKeys: String, CodingKey, CaseIterable { case cachedTokens = "cached_tokens" }
    }

    public var promptTokens: Int
    public var completionTokens: Int?
    public var totalTokens: Int
    public var promptTokensDetails: PromptDetails?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
        case promptTokensDetails = "prompt_tokens_details"
    }

    public init(_ usage: Usage) {
        promptTokens = usage.promptTokens
        completionTokens = usage.completionTokens
        totalTokens = usage.totalTokens
        promptTokensDetails = usage.cachedPromptTokens.map { PromptDetails(cachedTokens: $0) }
    }

    public var usage: Usage {
        Usage(promptTokens: promptTokens, completionTokens: completionTokens ?? max(0, totalTokens - promptTokens), cachedPromptTokens: promptTokensDetails?.cachedTokens)
    }
}
