import FerryCore

/// `POST /v1/chat/completions` request body.
public struct OpenAIChatRequest: Codable, Sendable, Hashable {
    public var model: String
    public var messages: [OpenAIMessage]
    public var tools: [OpenAITool]?
    public var toolChoice: OpenAIToolChoice?
    public var temperature: Double?
    public var topP: Double?
    /// vLLM's sampling extension.
    public var topK: Int?
    public var maxTokens: Int?
    public var maxCompletionTokens: Int?
    public var stop: OneOrMany<String>?
    public var seed: Int?
    public var presencePenalty: Double?
    public var frequencyPenalty: Double?
    public var responseFormat: OpenAIResponseFormat?
    public var stream: Bool?
    public var streamOptions: OpenAIStreamOptions?
    public var user: String?
    public var n: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case model, messages, tools, temperature, stop, seed, stream, user, n
        case toolChoice = "tool_choice"
        case topP = "top_p"
        case topK = "top_k"
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
        case presencePenalty = "presence_penalty"
        case frequencyPenalty = "frequency_penalty"
        case responseFormat = "response_format"
        case streamOptions = "stream_options"
    }

    public init(model: String, messages: [OpenAIMessage]) {
        self.model = model
        self.messages = messages
    }
}

/// `stream_options`.
public struct OpenAIStreamOptions: Codable, Sendable, Hashable {
    public var includeUsage: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable { case includeUsage = "include_usage" }

    public init(includeUsage: Bool?) { self.includeUsage = includeUsage }
}

/// A chat message on the wire.
public struct OpenAIMessage: Codable, Sendable, Hashable {
    public var role: String
    public var content: OpenAIMessageContent?
    public var name: String?
    public var toolCalls: [OpenAIToolCall]?
    public var toolCallID: String?
    /// Reasoning text some servers (vLLM, DeepSeek) return beside the content.
    public var reasoningContent: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case role, content, name
        case toolCalls = "tool_calls"
        case toolCallID = "tool_call_id"
        case reasoningContent = "reasoning_content"
    }

    public init(role: String, content: OpenAIMessageContent?, name: String? = nil, toolCalls: [OpenAIToolCall]? = nil, toolCallID: String? = nil) {
        self.role = role
        self.content = content
        self.name = name
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(role, forKey: .role)
        // `content` is always present: null for an assistant message that only calls tools.
        try container.encode(content, forKey: .content)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(toolCalls, forKey: .toolCalls)
        try container.encodeIfPresent(toolCallID, forKey: .toolCallID)
        try container.encodeIfPresent(reasoningContent, forKey: .reasoningContent)
    }
}

/// Message content: a string, or an array of typed parts.
public enum OpenAIMessageContent: Codable, Sendable, Hashable {
    case text(String)
    case parts([OpenAIContentPart])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .parts(try container.decode([OpenAIContentPart].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .parts(let parts): try container.encode(parts)
        }
    }
}

/// A content part: `{"type":"text","text":…}` or `{"type":"image_url","image_url":{"url":…}}`.
public struct OpenAIContentPart: Codable, Sendable, Hashable {
    public struct ImageURL: Codable, Sendable, Hashable {
        public var url: String
        public var detail: String?
    }

    public var type: String
    public var text: String?
    public var imageURL: ImageURL?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, text
        case imageURL = "image_url"
    }

    public static func text(_ text: String) -> OpenAIContentPart { OpenAIContentPart(type: "text", text: text) }
    public static func image(_ url: String, detail: String?) -> OpenAIContentPart {
        OpenAIContentPart(type: "image_url", imageURL: ImageURL(url: url, detail: detail))
    }
}

/// A tool offered to the model.
public struct OpenAITool: Codable, Sendable, Hashable {
    public struct Function: Codable, Sendable, Hashable {
        public var name: String
        public var description: String?
        public var parameters: JSONValue?
        public var strict: Bool?
    }

    public var type: String
    public var function: Function
}

/// A tool call; in a stream, a fragment of one keyed by `index`.
public struct OpenAIToolCall: Codable, Sendable, Hashable {
    public struct Function: Codable, Sendable, Hashable {
        public var name: String?
        public var arguments: String?

        public init(name: String?, arguments: String?) {
            self.name = name
            self.arguments = arguments
        }
    }

    /// Present in stream fragments only.
    public var index: Int?
    public var id: String?
    public var type: String?
    public var function: Function?

    public init(index: Int? = nil, id: String?, type: String?, function: Function?) {
        self.index = index
        self.id = id
        self.type = type
        self.function = function
    }
}

/// `tool_choice`: `"auto"`, `"none"`, `"required"`, or `{"type":"function","function":{"name":…}}`.
public enum OpenAIToolChoice: Codable, Sendable, Hashable {
    case mode(String)
    case function(String)

    private struct Named: Codable {
        struct Function: Codable { var name: String }
        var type: String
        var function: Function
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let mode = try? container.decode(String.self) {
            self = .mode(mode)
        } else {
            self = .function(try container.decode(Named.self).function.name)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .mode(let mode): try container.encode(mode)
        case .function(let name): try container.encode(Named(type: "function", function: .init(name: name)))
        }
    }
}

/// `response_format`: `text`, `json_object` or `json_schema`.
public struct OpenAIResponseFormat: Codable, Sendable, Hashable {
    public struct JSONSchema: Codable, Sendable, Hashable {
        public var name: String
        public var description: String?
        public var schema: JSONValue?
        public var strict: Bool?
    }

    public var type: String
    public var jsonSchema: JSONSchema?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type
        case jsonSchema = "json_schema"
    }
}
