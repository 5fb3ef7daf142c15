import FerryCore

/// A response object of the Responses API: its id, status (`in_progress`, `completed`, `incomplete`, `failed`), the
/// output items (an assistant message, function calls), usage, and the request's settings echoed back.
public struct ResponsesResponse: Sendable, Hashable, Codable {
    public var id: String
    public var object: String
    public var createdAt: Int
    public var status: String
    public var model: String
    public var output: [ResponsesItem]
    public var usage: ResponsesUsage?
    public var error: ResponsesError?
    public var incompleteDetails: IncompleteDetails?
    public var instructions: String?
    public var tools: [ResponsesTool]
    public var toolChoice: ResponsesToolChoice
    public var parallelToolCalls: Bool
    public var previousResponseID: String?
    public var store: Bool
    public var temperature: Double?
    public var topP: Double?
    public var maxOutputTokens: Int?
    public var text: ResponsesText
    public var metadata: [String: String]
    public var user: String?

    public struct IncompleteDetails: Sendable, Hashable, Codable {
        public var reason: String
    }

    enum CodingKeys: String, CodingKey {
        case id, object, status, model, output, usage, error, instructions, tools, store, temperature, text, metadata, user
        case createdAt = "created_at"
        case incompleteDetails = "incomplete_details"
        case toolChoice = "tool_choice"
        case parallelToolCalls = "parallel_tool_calls"
        case previousResponseID = "previous_response_id"
        case topP = "top_p"
        case maxOutputTokens = "max_output_tokens"
    }

    /// The response to `request` before any output: `in_progress`, the request's settings echoed.
    public init(id: String, model: String, createdAt: Int, request: ResponsesRequest) {
        self.id = id
        object = "response"
        self.createdAt = createdAt
        status = "in_progress"
        self.model = model
        output = []
        instructions = request.instructions
        tools = request.tools ?? []
        toolChoice = request.toolChoice ?? .mode("auto")
        parallelToolCalls = request.parallelToolCalls ?? true
        previousResponseID = request.previousResponseID
        store = request.store ?? true
        temperature = request.temperature
        topP = request.topP
        maxOutputTokens = request.maxOutputTokens
        text = request.text ?? ResponsesText(format: .init(type: "text"))
        metadata = request.metadata ?? [:]
        user = request.user
    }

    // Nulls written as the API writes them: `error`, `incomplete_details`, `usage` while in progress.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(object, forKey: .object)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(status, forKey: .status)
        try container.encode(model, forKey: .model)
        try container.encode(output, forKey: .output)
        try container.encode(usage, forKey: .usage)
        try container.encode(error, forKey: .error)
        try container.encode(incompleteDetails, forKey: .incompleteDetails)
        try container.encode(instructions, forKey: .instructions)
        try container.encode(tools, forKey: .tools)
        try container.encode(toolChoice, forKey: .toolChoice)
        try container.encode(parallelToolCalls, forKey: .parallelToolCalls)
        try container.encode(previousResponseID, forKey: .previousResponseID)
        try container.encode(store, forKey: .store)
        try container.encode(temperature, forKey: .temperature)
        try container.encode(topP, forKey: .topP)
        try container.encode(maxOutputTokens, forKey: .maxOutputTokens)
        try container.encode(text, forKey: .text)
        try container.encode(metadata, forKey: .metadata)
        try container.encodeIfPresent(user, forKey: .user)
    }

    /// The id of the output item at `index`: derived from the response's, so a stream and the stored response name
    /// their items alike.
    public static func itemID(_ prefix: String, responseID: String, index: Int) -> String {
        let base = responseID.hasPrefix("resp_") ? String(responseID.dropFirst(5)) : responseID
        return "\(prefix)_\(base)_\(index)"
    }

    /// Finishes the response with `answer`: its text as an assistant message, its tool calls as function calls,
    /// usage, and the status (`incomplete` when the answer hit the token limit).
    public mutating func complete(with answer: ChatResponse) {
        output = []
        if !answer.text.isEmpty || answer.message.toolCalls.isEmpty {
            output.append(.message(ResponsesMessage(
                id: Self.itemID("msg", responseID: id, index: output.count), role: "assistant",
                content: .parts([ResponsesContentPart(type: "output_text", text: answer.text)]), status: "completed"
            )))
        }
        for call in answer.message.toolCalls {
            output.append(.functionCall(ResponsesFunctionCall(id: Self.itemID("fc", responseID: id, index: output.count), callID: call.id, name: call.name, arguments: call.arguments, status: "completed")))
        }
        usage = answer.usage.map(ResponsesUsage.init)
        if answer.finishReason == .length {
            status = "incomplete"
            incompleteDetails = IncompleteDetails(reason: "max_output_tokens")
        } else {
            status = "completed"
        }
    }

    /// The assistant turn of the output, in the core form (for a conversation that goes on from this response).
    public var assistantMessage: ChatMessage {
        var text = ""
        var calls: [ToolCall] = []
        for item in output {
            switch item {
            case .message(let message): text += message.content.text
            case .functionCall(let call): calls.append(ToolCall(id: call.callID, name: call.name, arguments: call.arguments))
            default: continue
            }
        }
        return ChatMessage(role: .assistant, content: text.isEmpty && !calls.isEmpty ? [] : [.text(text)], toolCalls: calls)
    }
}

public struct ResponsesUsage: Sendable, Hashable, Codable {
    public var inputTokens: Int
    public var outputTokens: Int
    public var totalTokens: Int
    public var inputTokensDetails: Details
    public var outputTokensDetails: OutputDetails

    public struct Details: Sendable, Hashable, Codable {
        public var cachedTokens: Int
        enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
    }

    public struct OutputDetails: Sendable, Hashable, Codable {
        public var reasoningTokens: Int
        enum CodingKeys: String, CodingKey { case reasoningTokens = "reasoning_tokens" }
    }

    public init(_ usage: Usage) {
        inputTokens = usage.promptTokens
        outputTokens = usage.completionTokens
        totalTokens = usage.promptTokens + usage.completionTokens
        inputTokensDetails = Details(cachedTokens: usage.cachedPromptTokens ?? 0)
        outputTokensDetails = OutputDetails(reasoningTokens: 0)
    }

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case totalTokens = "total_tokens"
        case inputTokensDetails = "input_tokens_details"
        case outputTokensDetails = "output_tokens_details"
    }
}

public struct ResponsesError: Sendable, Hashable, Codable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
