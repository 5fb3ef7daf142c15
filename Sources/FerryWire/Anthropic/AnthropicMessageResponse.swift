import FerryCore

/// A whole answer of the Messages API: `{"id", "type": "message", "role": "assistant", "content": [blocks],
/// "model", "stop_reason", "stop_sequence", "usage"}`.
public struct AnthropicMessageResponse: Sendable, Hashable, Codable {
    public var id: String
    public var type: String
    public var role: String
    public var model: String
    public var content: [AnthropicContentBlock]
    public var stopReason: String?
    public var stopSequence: String?
    public var usage: AnthropicUsage

    public init(id: String, model: String, content: [AnthropicContentBlock], stopReason: String?, usage: AnthropicUsage) {
        self.id = id
        type = "message"
        role = "assistant"
        self.model = model
        self.content = content
        self.stopReason = stopReason
        self.usage = usage
    }

    enum CodingKeys: String, CodingKey {
        case id, type, role, model, content, usage
        case stopReason = "stop_reason"
        case stopSequence = "stop_sequence"
    }

    // `stop_sequence` is written as null when there is none, as Anthropic does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(type, forKey: .type)
        try container.encode(role, forKey: .role)
        try container.encode(model, forKey: .model)
        try container.encode(content, forKey: .content)
        try container.encode(stopReason, forKey: .stopReason)
        try container.encode(stopSequence, forKey: .stopSequence)
        try container.encode(usage, forKey: .usage)
    }
}

/// Token counts: `input_tokens`, `output_tokens`, and the prompt-cache counts Anthropic reports.
public struct AnthropicUsage: Sendable, Hashable, Codable {
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var cacheReadInputTokens: Int?
    public var cacheCreationInputTokens: Int?

    public init(inputTokens: Int?, outputTokens: Int?) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case cacheReadInputTokens = "cache_read_input_tokens"
        case cacheCreationInputTokens = "cache_creation_input_tokens"
    }

    /// The core form: every input token counts as a prompt token (those read from or written to the prompt cache
    /// too), those read from it as cached.
    public var usage: Usage {
        let read = cacheReadInputTokens ?? 0
        return Usage(promptTokens: (inputTokens ?? 0) + read + (cacheCreationInputTokens ?? 0), completionTokens: outputTokens ?? 0, cachedPromptTokens: read > 0 ? read : nil)
    }

    public init(_ usage: Usage) {
        inputTokens = usage.promptTokens
        outputTokens = usage.completionTokens
    }
}

/// `stop_reason` and its core meaning.
public enum AnthropicStopReason {
    /// The wire spelling of a core finish reason.
    public static func wire(_ reason: FinishReason?) -> String {
        switch reason {
        case .stop?, nil: "end_turn"
        case .length?: "max_tokens"
        case .toolCalls?: "tool_use"
        case .contentFilter?: "refusal"
        case .other(let value)?: ["end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal"].contains(value) ? value : "end_turn"
        }
    }

    /// The core meaning of a wire `stop_reason`.
    public static func core(_ value: String) -> FinishReason {
        switch value {
        case "end_turn", "stop_sequence": .stop
        case "max_tokens": .length
        case "tool_use": .toolCalls
        case "refusal": .contentFilter
        default: .other(value)
        }
    }
}

/// `POST /v1/messages/count_tokens`: the request is a Messages request without `max_tokens`; the answer
/// `{"input_tokens": N}`.
public struct AnthropicCountTokensRequest: Sendable, Hashable, Codable {
    public var model: String
    public var messages: [AnthropicMessage]
    public var system: AnthropicContent?
    public var tools: [AnthropicTool]?
    public var toolChoice: AnthropicToolChoice?

    public init(model: String, messages: [AnthropicMessage], system: AnthropicContent? = nil, tools: [AnthropicTool]? = nil) {
        self.model = model
        self.messages = messages
        self.system = system
        self.tools = tools
    }

    enum CodingKeys: String, CodingKey {
        case model, messages, system, tools
        case toolChoice = "tool_choice"
    }

    /// The same conversation as a Messages request (for its core form).
    public var messagesRequest: AnthropicMessagesRequest {
        var request = AnthropicMessagesRequest(model: model, maxTokens: 1, messages: messages)
        request.system = system
        request.tools = tools
        request.toolChoice = toolChoice
        return request
    }
}

public struct AnthropicCountTokensResponse: Sendable, Hashable, Codable {
    public var inputTokens: Int

    public init(inputTokens: Int) {
        self.inputTokens = inputTokens
    }

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens"
    }
}

/// Anthropic's error shape: `{"type": "error", "error": {"type": "invalid_request_error", "message": …}}`.
public struct AnthropicErrorBody: Sendable, Hashable, Codable {
    public var type: String
    public var error: Detail

    public struct Detail: Sendable, Hashable, Codable {
        public var type: String
        public var message: String
    }

    public init(status: Int, message: String) {
        type = "error"
        error = Detail(type: Self.type(for: status), message: message)
    }

    /// The error type Anthropic uses for an HTTP status.
    public static func type(for status: Int) -> String {
        switch status {
        case 400, 422: "invalid_request_error"
        case 401: "authentication_error"
        case 402: "billing_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 413: "request_too_large"
        case 429: "rate_limit_error"
        case 503, 529: "overloaded_error"
        case 504: "timeout_error"
        default: "api_error"
        }
    }
}

/// `GET /v1/models`: `{"data": [{"id", "type": "model", "display_name", "created_at"}], "has_more", …}`.
public struct AnthropicModelList: Sendable, Hashable, Codable {
    public struct Model: Sendable, Hashable, Codable {
        public var id: String
        public var type: String?
        public var displayName: String?
        public var createdAt: String?

        public init(id: String, displayName: String?) {
            self.id = id
            type = "model"
            self.displayName = displayName
        }

        enum CodingKeys: String, CodingKey {
            case id, type
            case displayName = "display_name"
            case createdAt = "created_at"
        }
    }

    public var data: [Model]
    public var hasMore: Bool?

    public init(data: [Model]) {
        self.data = data
        hasMore = false
    }

    enum CodingKeys: String, CodingKey {
        case data
        case hasMore = "has_more"
    }

    public var modelInfos: [ModelInfo] {
        data.map { ModelInfo(id: $0.id, ownedBy: "anthropic", capabilities: [.chat, .tools, .vision]) }
    }
}
