import FerryCore

/// Anthropic's Messages API request (`POST /v1/messages`), as Claude's clients send it and as Ferry sends it to an
/// Anthropic backend. `max_tokens` is required; `system` is a string or text blocks; content is a string or blocks.
///
/// ```swift
/// let wire = try WireJSON.decodeRequest(AnthropicMessagesRequest.self, from: body)
/// let chat = try wire.chatRequest()
/// ```
public struct AnthropicMessagesRequest: Sendable, Hashable, Codable {
    public var model: String
    public var maxTokens: Int
    public var messages: [AnthropicMessage]
    public var system: AnthropicContent?
    public var tools: [AnthropicTool]?
    public var toolChoice: AnthropicToolChoice?
    public var stopSequences: [String]?
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    public var stream: Bool?
    public var metadata: Metadata?
    /// `{"effort": …, "format": {"type": "json_schema", "schema": …}}`: structured output (the format); the
    /// effort has no meaning elsewhere and is not passed on.
    public var outputConfig: OutputConfig?

    public struct OutputConfig: Sendable, Hashable, Codable {
        public var effort: String?
        public var format: Format?

        public struct Format: Sendable, Hashable, Codable {
            public var type: String
            public var schema: JSONValue?

            public init(type: String, schema: JSONValue?) {
                self.type = type
                self.schema = schema
            }
        }

        public init(format: Format?) {
            self.format = format
        }
    }

    public struct Metadata: Sendable, Hashable, Codable {
        public var userID: String?

        public init(userID: String?) {
            self.userID = userID
        }

        enum CodingKeys: String, CodingKey {
            case userID = "user_id"
        }
    }

    public init(model: String, maxTokens: Int, messages: [AnthropicMessage]) {
        self.model = model
        self.maxTokens = maxTokens
        self.messages = messages
    }

    enum CodingKeys: String, CodingKey {
        case model, messages, system, tools, temperature, stream, metadata
        case outputConfig = "output_config"
        case maxTokens = "max_tokens"
        case toolChoice = "tool_choice"
        case stopSequences = "stop_sequences"
        case topP = "top_p"
        case topK = "top_k"
    }
}

/// One turn: `user` or `assistant`.
public struct AnthropicMessage: Sendable, Hashable, Codable {
    public var role: String
    public var content: AnthropicContent

    public init(role: String, content: AnthropicContent) {
        self.role = role
        self.content = content
    }
}

/// A message's (or the system prompt's, or a tool result's) content: a string, or blocks.
public enum AnthropicContent: Sendable, Hashable, Codable {
    case text(String)
    case blocks([AnthropicContentBlock])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .blocks(try container.decode([AnthropicContentBlock].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .blocks(let blocks): try container.encode(blocks)
        }
    }

    /// The content as blocks (a string is one text block).
    public var blocks: [AnthropicContentBlock] {
        switch self {
        case .text(let text): [.text(text)]
        case .blocks(let blocks): blocks
        }
    }
}

/// A tool Claude may call: its name, description and the JSON schema of its input. Anthropic's own server tools
/// (`type` other than `custom`) have no equivalent elsewhere and are refused.
public struct AnthropicTool: Sendable, Hashable, Codable {
    public var type: String?
    public var name: String
    public var description: String?
    public var inputSchema: JSONValue?

    public init(name: String, description: String?, inputSchema: JSONValue) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
    }

    enum CodingKeys: String, CodingKey {
        case type, name, description
        case inputSchema = "input_schema"
    }
}

/// `{"type": "auto" | "any" | "tool" | "none", "name": …}`.
public struct AnthropicToolChoice: Sendable, Hashable, Codable {
    public var type: String
    public var name: String?
    public var disableParallelToolUse: Bool?

    public init(type: String, name: String? = nil) {
        self.type = type
        self.name = name
    }

    enum CodingKeys: String, CodingKey {
        case type, name
        case disableParallelToolUse = "disable_parallel_tool_use"
    }
}
