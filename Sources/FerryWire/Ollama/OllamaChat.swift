import FerryCore

/// `POST /api/chat` request body.
public struct OllamaChatRequest: Codable, Sendable, Hashable {
    public var model: String
    public var messages: [OllamaMessage]
    public var tools: [OpenAITool]?
    /// `"json"` or a JSON schema.
    public var format: JSONValue?
    public var options: OllamaOptions?
    /// Streaming is the default: nil means true.
    public var stream: Bool?
    public var keepAlive: JSONValue?
    public var think: JSONValue?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case model, messages, tools, format, options, stream, think
        case keepAlive = "keep_alive"
    }

    public init(model: String, messages: [OllamaMessage], stream: Bool? = nil) {
        self.model = model
        self.messages = messages
        self.stream = stream
    }
}

/// A chat message on Ollama's wire: content is always a string, images are base64 strings, tool calls carry
/// arguments as an object.
public struct OllamaMessage: Codable, Sendable, Hashable {
    public var role: String
    public var content: String
    public var images: [String]?
    public var toolCalls: [OllamaToolCall]?
    /// The tool that produced a `tool` message (newer Ollama).
    public var toolName: String?
    public var thinking: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case role, content, images, thinking
        case toolCalls = "tool_calls"
        case toolName = "tool_name"
    }

    public init(role: String, content: String, images: [String]? = nil, toolCalls: [OllamaToolCall]? = nil, toolName: String? = nil) {
        self.role = role
        self.content = content
        self.images = images
        self.toolCalls = toolCalls
        self.toolName = toolName
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decode(String.self, forKey: .role)
        content = try container.decodeIfPresent(String.self, forKey: .content) ?? ""
        images = try container.decodeIfPresent([String].self, forKey: .images)
        toolCalls = try container.decodeIfPresent([OllamaToolCall].self, forKey: .toolCalls)
        toolName = try container.decodeIfPresent(String.self, forKey: .toolName)
        thinking = try container.decodeIfPresent(String.self, forKey: .thinking)
    }
}

/// A whole tool call: `{"function":{"name":…,"arguments":{…}}}`, usually without an id.
public struct OllamaToolCall: Codable, Sendable, Hashable {
    public struct Function: Codable, Sendable, Hashable {
        public var name: String
        public var arguments: JSONValue
        public var index: Int?

        public init(name: String, arguments: JSONValue, index: Int? = nil) {
            self.name = name
            self.arguments = arguments
            self.index = index
        }
    }

    public var id: String?
    public var function: Function

    public init(id: String? = nil, function: Function) {
        self.id = id
        self.function = function
    }
}

/// `options`: Ollama's sampling and runtime settings (unknown keys are ignored).
public struct OllamaOptions: Codable, Sendable, Hashable {
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    public var numPredict: Int?
    public var numCtx: Int?
    public var seed: Int?
    public var stop: [String]?
    public var presencePenalty: Double?
    public var frequencyPenalty: Double?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case temperature, seed, stop
        case topP = "top_p"
        case topK = "top_k"
        case numPredict = "num_predict"
        case numCtx = "num_ctx"
        case presencePenalty = "presence_penalty"
        case frequencyPenalty = "frequency_penalty"
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        temperature = try container.decodeIfPresent(Double.self, forKey: .temperature)
        topP = try container.decodeIfPresent(Double.self, forKey: .topP)
        topK = try container.decodeIfPresent(Int.self, forKey: .topK)
        numPredict = try container.decodeIfPresent(Int.self, forKey: .numPredict)
        numCtx = try container.decodeIfPresent(Int.self, forKey: .numCtx)
        seed = try container.decodeIfPresent(Int.self, forKey: .seed)
        // Ollama accepts one stop string as well as a list.
        stop = try container.decodeIfPresent(OneOrMany<String>.self, forKey: .stop)?.values
        presencePenalty = try container.decodeIfPresent(Double.self, forKey: .presencePenalty)
        frequencyPenalty = try container.decodeIfPresent(Double.self, forKey: .frequencyPenalty)
    }
}

/// `POST /api/chat` response: each NDJSON line of a stream, or the whole answer; the last has `done: true`
/// and the timings (nanoseconds). An `error` field carries an in-band error.
public struct OllamaChatResponse: Codable, Sendable, Hashable {
    public var model: String?
    public var createdAt: String?
    public var message: OllamaMessage?
    public var done: Bool?
    public var doneReason: String?
    public var totalDuration: Int64?
    public var loadDuration: Int64?
    public var promptEvalCount: Int?
    public var promptEvalDuration: Int64?
    public var evalCount: Int?
    public var evalDuration: Int64?
    public var error: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case model, message, done, error
        case createdAt = "created_at"
        case doneReason = "done_reason"
        case totalDuration = "total_duration"
        case loadDuration = "load_duration"
        case promptEvalCount = "prompt_eval_count"
        case promptEvalDuration = "prompt_eval_duration"
        case evalCount = "eval_count"
        case evalDuration = "eval_duration"
    }

    public init(model: String, createdAt: String, message: OllamaMessage, done: Bool) {
        self.model = model
        self.createdAt = createdAt
        self.message = message
        self.done = done
    }

    public init(error: String) { self.error = error }
}
