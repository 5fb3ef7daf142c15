import FerryCore

/// One event of the Messages API's stream, as read: every field any event type has, by `type` — `message_start`
/// (`message`), `content_block_start` (`index`, `content_block`), `content_block_delta` (`index`, `delta`),
/// `content_block_stop`, `message_delta` (`delta` with the stop reason, `usage`), `message_stop`, `ping`, `error`.
public struct AnthropicStreamEvent: Sendable, Hashable, Decodable {
    public var type: String
    public var message: AnthropicMessageResponse?
    public var index: Int?
    public var contentBlock: AnthropicContentBlock?
    public var delta: Delta?
    public var usage: AnthropicUsage?
    public var error: AnthropicErrorBody.Detail?

    /// A delta: of a block (`text_delta`, `input_json_delta`, `thinking_delta`, `signature_delta`) or of the
    /// message (`stop_reason`, `stop_sequence`).
    public struct Delta: Sendable, Hashable, Codable {
        public var type: String?
        public var text: String?
        public var partialJSON: String?
        public var stopReason: String?
        public var stopSequence: String?

        public init(type: String? = nil, text: String? = nil, partialJSON: String? = nil, stopReason: String? = nil) {
            self.type = type
            self.text = text
            self.partialJSON = partialJSON
            self.stopReason = stopReason
        }

        enum CodingKeys: String, CodingKey {
            case type, text
            case partialJSON = "partial_json"
            case stopReason = "stop_reason"
            case stopSequence = "stop_sequence"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(type, forKey: .type)
            try container.encodeIfPresent(text, forKey: .text)
            try container.encodeIfPresent(partialJSON, forKey: .partialJSON)
            if type == nil {
                // The message's delta: both fields, null when absent, as Anthropic writes them.
                try container.encode(stopReason, forKey: .stopReason)
                try container.encode(stopSequence, forKey: .stopSequence)
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case type, message, index, delta, usage, error
        case contentBlock = "content_block"
    }
}

/// Turns the Messages API's stream into ``ChatEvent``s: `message_start` starts it, text deltas are text, each
/// `tool_use` block a tool call (its id and name first, then its input's pieces, by the call's own index), thinking
/// is left out; `message_delta` carries the stop reason and output tokens, `message_stop` ends it; an `error`
/// event, or a body that ends before `message_stop`, is an error.
///
/// ```swift
/// var decoder = AnthropicStreamDecoder(model: "claude-sonnet-4-5")
/// try sse.feed(chunk) { event in try decoder.decode(event.data) { yield($0) } }
/// ```
public struct AnthropicStreamDecoder: Sendable {
    public let model: String
    public let location: ErrorLocation
    public let created: Int
    private var started = false
    /// Block index → tool call index.
    private var toolBlocks: [Int: Int] = [:]
    private var stopReason: String?
    private var usage = AnthropicUsage(inputTokens: nil, outputTokens: nil)
    public private(set) var isEnded = false

    public init(model: String, location: ErrorLocation = ErrorLocation(), created: Int = Timestamps.nowSeconds()) {
        self.model = model
        self.location = location
        self.created = created
    }

    public mutating func decode(_ data: [UInt8], _ emit: (ChatEvent) throws -> Void) throws {
        try decode(WireJSON.decode(AnthropicStreamEvent.self, from: data, location: location), emit)
    }

    public mutating func decode(_ event: AnthropicStreamEvent, _ emit: (ChatEvent) throws -> Void) throws {
        guard !isEnded else { return }
        switch event.type {
        case "message_start":
            let message = event.message
            if let count = message?.usage.inputTokens { usage.inputTokens = count }
            if let count = message?.usage.cacheReadInputTokens { usage.cacheReadInputTokens = count }
            if let count = message?.usage.cacheCreationInputTokens { usage.cacheCreationInputTokens = count }
            try start(id: message?.id ?? "", model: message?.model ?? model, emit)
        case "content_block_start":
            try start(id: "", model: model, emit)
            switch event.contentBlock {
            case .text(let text)?:
                if !text.isEmpty { try emit(.textDelta(text)) }
            case .toolUse(let id, let name, let input)?:
                let call = toolBlocks.count
                toolBlocks[event.index ?? -1] = call
                // The input comes as pieces; a block that carries it whole says so with a non-empty input.
                let whole = input.objectValue?.isEmpty == false ? input.jsonText : ""
                try emit(.toolCallDelta(ToolCallDelta(index: call, id: id, name: name, arguments: whole)))
            default:
                break
            }
        case "content_block_delta":
            guard let delta = event.delta else { return }
            switch delta.type {
            case "text_delta":
                if let text = delta.text, !text.isEmpty { try emit(.textDelta(text)) }
            case "input_json_delta":
                guard let call = toolBlocks[event.index ?? -1], let piece = delta.partialJSON, !piece.isEmpty else { return }
                try emit(.toolCallDelta(ToolCallDelta(index: call, id: nil, name: nil, arguments: piece)))
            default:
                break
            }
        case "message_delta":
            if let reason = event.delta?.stopReason { stopReason = reason }
            if let count = event.usage?.outputTokens { usage.outputTokens = count }
            if let count = event.usage?.inputTokens { usage.inputTokens = count }
        case "message_stop":
            isEnded = true
            let reason = stopReason.map(AnthropicStopReason.core) ?? (toolBlocks.isEmpty ? .stop : .toolCalls)
            try emit(.finish(StreamFinish(reason: reason, usage: usage.inputTokens == nil && usage.outputTokens == nil ? nil : usage.usage)))
        case "error":
            isEnded = true
            let type = event.error?.type ?? "api_error"
            let status = type == "overloaded_error" ? 529 : type == "rate_limit_error" ? 429 : type == "invalid_request_error" ? 400 : 500
            try emit(.error(.upstream(status: status, message: event.error?.message ?? "the backend sent an error event", location: location)))
        default:
            break
        }
    }

    /// Ends the stream at the end of the body: one without `message_stop` was cut.
    public mutating func end(_ emit: (ChatEvent) throws -> Void) throws {
        guard !isEnded else { return }
        isEnded = true
        try emit(.error(.streamInterrupted("the body ended before message_stop", location: location)))
    }

    private mutating func start(id: String, model: String, _ emit: (ChatEvent) throws -> Void) throws {
        guard !started else { return }
        started = true
        try emit(.start(StreamStart(id: id, model: model, created: created)))
    }
}
