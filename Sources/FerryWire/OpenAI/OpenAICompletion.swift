import FerryCore

/// `POST /v1/completions` request body (legacy text completion).
public struct OpenAICompletionRequest: Codable, Sendable, Hashable {
    public var model: String
    public var prompt: OneOrMany<String>
    public var suffix: String?
    public var maxTokens: Int?
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    public var stop: OneOrMany<String>?
    public var seed: Int?
    public var presencePenalty: Double?
    public var frequencyPenalty: Double?
    public var stream: Bool?
    public var streamOptions: OpenAIStreamOptions?
    public var echo: Bool?
    public var n: Int?
    public var user: String?

    enum CodingKeys: String, CodingKey {
        case model, prompt, suffix, temperature, stop, seed, stream, echo, n, user
        case maxTokens = "max_tokens"
        case topP = "top_p"
        case topK = "top_k"
        case presencePenalty = "presence_penalty"
        case frequencyPenalty = "frequency_penalty"
        case streamOptions = "stream_options"
    }

    public init(model: String, prompt: String) {
        self.model = model
        self.prompt = .one(prompt)
    }
}

/// `text_completion` response body, and each chunk of a streamed one.
public struct OpenAICompletion: Codable, Sendable, Hashable {
    public struct Choice: Codable, Sendable, Hashable {
        public var index: Int
        public var text: String
        public var finishReason: String?

        enum CodingKeys: String, CodingKey {
            case index, text, logprobs
            case finishReason = "finish_reason"
        }

        public init(index: Int = 0, text: String, finishReason: String?) {
            self.index = index
            self.text = text
            self.finishReason = finishReason
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            index = try container.decodeIfPresent(Int.self, forKey: .index) ?? 0
            text = try container.decodeIfPresent(String.self, forKey: .text) ?? ""
            finishReason = try container.decodeIfPresent(String.self, forKey: .finishReason)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(text, forKey: .text)
            try container.encodeNil(forKey: .logprobs)
            try container.encode(finishReason, forKey: .finishReason)
        }
    }

    public var id: String?
    public var object: String?
    public var created: Int?
    public var model: String?
    public var choices: [Choice]?
    public var usage: OpenAIUsage?
    public var error: OpenAIErrorDetail?

    public init(id: String, created: Int, model: String, choices: [Choice], usage: OpenAIUsage?) {
        self.id = id
        self.object = "text_completion"
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
    }

    public init(error: OpenAIErrorDetail) {
        self.error = error
    }
}
