import FerryCore

/// One `chat.completion.chunk` of a streamed chat completion; also carries an in-band `error` object, which
/// some servers (and Ferry, after its commit point) put in a stream.
public struct OpenAIChatCompletionChunk: Codable, Sendable, Hashable {
    public struct Delta: Codable, Sendable, Hashable {
        public var role: String?
        public var content: String?
        public var toolCalls: [OpenAIToolCall]?
        public var reasoningContent: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case role, content
            case toolCalls = "tool_calls"
            case reasoningContent = "reasoning_content"
        }

        public init(role: String? = nil, content: String? = nil, toolCalls: [OpenAIToolCall]? = nil) {
            self.role = role
            self.content = content
            self.toolCalls = toolCalls
        }
    }

    public struct Choice: Codable, Sendable, Hashable {
        public var index: Int
        public var delta: Delta
        public var finishReason: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case index, delta, logprobs
            case finishReason = "finish_reason"
        }

        public init(index: Int = 0, delta: Delta, finishReason: String? = nil) {
            self.index = index
            self.delta = delta
            self.finishReason = finishReason
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            index = try container.decodeIfPresent(Int.self, forKey: .index) ?? 0
            delta = try container.decodeIfPresent(Delta.self, forKey: .delta) ?? Delta()
            finishReason = try container.decodeIfPresent(String.self, forKey: .finishReason)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(delta, forKey: .delta)
            try container.encodeNil(forKey: .logprobs)
            try container.encode(finishReason, forKey: .finishReason)
        }
    }

    public var id: String?
    public var object: String?
    public var created: Int?
    public var model: String?
    /// Empty on the final usage chunk; vLLM may leave it null or out.
    public var choices: [Choice]?
    public var usage: OpenAIUsage?
    public var error: OpenAIErrorDetail?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, object, created, model, choices, usage, error
    }

    public init(id: String, created: Int, model: String, choices: [Choice], usage: OpenAIUsage? = nil) {
        self.id = id
        self.object = "chat.completion.chunk"
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
    }

    public init(error: OpenAIErrorDetail) {
        self.error = error
    }
}
