/// Why generation ended.
public enum FinishReason: Sendable, Hashable {
    /// A natural end or a stop sequence.
    case stop
    /// The token limit was reached.
    case length
    /// The model called one or more tools.
    case toolCalls
    /// Content was withheld by a filter.
    case contentFilter
    /// A reason this dialect has and the others do not (e.g. Ollama's `load`, Gemini's `RECITATION`).
    case other(String)

    /// OpenAI's spelling: `stop`, `length`, `tool_calls`, `content_filter`.
    public var openAIValue: String {
        switch self {
        case .stop: "stop"
        case .length: "length"
        case .toolCalls: "tool_calls"
        case .contentFilter: "content_filter"
        case .other(let value): value
        }
    }

    /// Parses OpenAI's spelling (also `function_call`, the legacy name of `tool_calls`).
    public init(openAIValue: String) {
        switch openAIValue {
        case "stop", "eos", "stop_sequence": self = .stop
        case "length", "max_tokens": self = .length
        case "tool_calls", "function_call": self = .toolCalls
        case "content_filter": self = .contentFilter
        default: self = .other(openAIValue)
        }
    }
}

extension FinishReason: Codable {
    /// Encoded as OpenAI's spelling (`stop`, `length`, `tool_calls`, `content_filter`, or the other reason).
    public init(from decoder: any Decoder) throws {
        self.init(openAIValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(openAIValue)
    }
}
