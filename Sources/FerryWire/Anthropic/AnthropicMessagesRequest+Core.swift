import FerryCore

extension AnthropicMessagesRequest {
    /// The core form. The system prompt becomes a system message; a user turn's `tool_result` blocks become tool
    /// messages (named after the call they answer, an `is_error` result marked as an error), its text and images a
    /// user message after them; an assistant turn's `tool_use` blocks its tool calls; thinking blocks are left out.
    public func chatRequest() throws -> ChatRequest {
        guard maxTokens >= 1 else { throw FerryError.invalidRequest("must be at least 1, got \(maxTokens)", field: "max_tokens") }
        guard !messages.isEmpty else { throw FerryError.invalidRequest("must hold at least one message", field: "messages") }
        var core: [ChatMessage] = []
        if let system {
            core.append(.system(try Self.text(of: system, field: "system")))
        }
        var callNames: [String: String] = [:]
        for (index, message) in messages.enumerated() {
            let field = "messages[\(index)]"
            switch message.role {
            case "user":
                var parts: [ContentPart] = []
                for (position, block) in message.content.blocks.enumerated() {
                    switch block {
                    case .text(let text):
                        parts.append(.text(text))
                    case .image(let source):
                        parts.append(.image(try Self.image(source, field: "\(field).content[\(position)].source")))
                    case .toolResult(let id, let content, let isError):
                        var result: [ContentPart] = []
                        for (inner, part) in (content?.blocks ?? []).enumerated() {
                            switch part {
                            case .text(let text): result.append(.text(text))
                            case .image(let source): result.append(.image(try Self.image(source, field: "\(field).content[\(position)].content[\(inner)].source")))
                            default: throw FerryError.invalidRequest("a tool result holds text and images only", field: "\(field).content[\(position)].content[\(inner)].type")
                            }
                        }
                        if isError == true { result.insert(.text("Error: "), at: 0) }
                        core.append(ChatMessage(role: .tool, content: result, toolCallID: id, name: callNames[id]))
                    case .thinking, .redactedThinking:
                        continue
                    case .toolUse:
                        throw FerryError.invalidRequest("tool_use blocks belong to assistant turns", field: "\(field).content[\(position)].type")
                    }
                }
                if !parts.isEmpty { core.append(ChatMessage(role: .user, content: parts)) }
            case "assistant":
                var parts: [ContentPart] = []
                var calls: [ToolCall] = []
                for (position, block) in message.content.blocks.enumerated() {
                    switch block {
                    case .text(let text):
                        parts.append(.text(text))
                    case .toolUse(let id, let name, let input):
                        callNames[id] = name
                        calls.append(ToolCall(id: id, name: name, arguments: input.jsonText))
                    case .thinking, .redactedThinking:
                        continue
                    case .image, .toolResult:
                        throw FerryError.invalidRequest("an assistant turn holds text, tool_use and thinking blocks only", field: "\(field).content[\(position)].type")
                    }
                }
                core.append(ChatMessage(role: .assistant, content: parts, toolCalls: calls))
            default:
                throw FerryError.invalidRequest("must be user or assistant, got \"\(message.role)\"", field: "\(field).role")
            }
        }
        var sampling = SamplingParameters(temperature: temperature, topP: topP, topK: topK, maxTokens: maxTokens, stop: stopSequences ?? [])
        if let value = temperature, !(0...1).contains(value) {
            throw FerryError.invalidRequest("must be between 0 and 1, got \(value)", field: "temperature")
        }
        try OpenAIChatRequest.validate(&sampling)
        var format: ResponseFormat?
        if let wanted = outputConfig?.format {
            guard wanted.type == "json_schema", let schema = wanted.schema else {
                throw FerryError.invalidRequest("must be {\"type\": \"json_schema\", \"schema\": {…}}", field: "output_config.format")
            }
            format = .jsonSchema(name: "output", schema: schema, strict: true)
        }
        return ChatRequest(
            model: model,
            messages: core,
            tools: try (tools ?? []).enumerated().map { index, tool in
                if let type = tool.type, type != "custom" {
                    throw FerryError.invalidRequest("Anthropic's server tool \"\(type)\" runs only on Anthropic's platform; give a custom tool with input_schema instead", field: "tools[\(index)].type")
                }
                guard let schema = tool.inputSchema else { throw FerryError.invalidRequest("a tool needs an input_schema", field: "tools[\(index)].input_schema") }
                return ToolDefinition(name: tool.name, description: tool.description, parameters: schema)
            },
            toolChoice: try toolChoice.map { choice in
                switch choice.type {
                case "auto": return .auto
                case "any": return .required
                case "none": return ToolChoice.none
                case "tool":
                    guard let name = choice.name else { throw FerryError.invalidRequest("a tool choice of type tool names the tool", field: "tool_choice.name") }
                    return .function(name)
                default:
                    throw FerryError.invalidRequest("must be auto, any, tool or none, got \"\(choice.type)\"", field: "tool_choice.type")
                }
            },
            sampling: sampling,
            responseFormat: format,
            includeUsage: true,
            user: metadata?.userID
        )
    }

    /// The wire form of a core request, for an Anthropic backend; `maxTokens` when the request sets none (the API
    /// requires it). System messages, wherever they are, make the system prompt; tool messages become
    /// `tool_result` blocks of a user turn; a response format is `output_config.format` (JSON mode as the schema
    /// of any object). Anthropic has no seed or penalties: they are not sent.
    public init(_ request: ChatRequest, maxTokens defaultMaxTokens: Int) throws {
        var system: [String] = []
        var turns: [AnthropicMessage] = []
        func append(_ role: String, _ blocks: [AnthropicContentBlock]) {
            // Consecutive turns of one role are one turn (the API requires them to alternate).
            if let last = turns.last, last.role == role {
                turns[turns.count - 1].content = .blocks(last.content.blocks + blocks)
            } else {
                turns.append(AnthropicMessage(role: role, content: .blocks(blocks)))
            }
        }
        for (index, message) in request.messages.enumerated() {
            switch message.role {
            case .system:
                system.append(message.text)
            case .user:
                append("user", try Self.blocks(of: message.content, field: "messages[\(index)]"))
            case .assistant:
                var blocks = message.text.isEmpty ? [] : [AnthropicContentBlock.text(message.text)]
                for call in message.toolCalls {
                    blocks.append(.toolUse(id: call.id, name: call.name, input: call.argumentsValue ?? [:]))
                }
                if !blocks.isEmpty { append("assistant", blocks) }
            case .tool:
                guard let id = message.toolCallID else {
                    throw FerryError.invalidRequest("a tool result must name the call it answers (tool_call_id) for Anthropic", field: "messages[\(index)].tool_call_id")
                }
                append("user", [.toolResult(toolUseID: id, content: .blocks(try Self.blocks(of: message.content, field: "messages[\(index)]")), isError: nil)])
            }
        }
        self.init(model: request.model, maxTokens: request.sampling.maxTokens ?? defaultMaxTokens, messages: turns)
        if !system.isEmpty { self.system = .text(system.joined(separator: "\n\n")) }
        if !request.tools.isEmpty {
            tools = request.tools.map { AnthropicTool(name: $0.name, description: $0.description, inputSchema: $0.parameters) }
        }
        toolChoice = request.toolChoice.map { choice in
            switch choice {
            case .auto: AnthropicToolChoice(type: "auto")
            case .none: AnthropicToolChoice(type: "none")
            case .required: AnthropicToolChoice(type: "any")
            case .function(let name): AnthropicToolChoice(type: "tool", name: name)
            }
        }
        let sampling = request.sampling
        temperature = sampling.temperature.map { min($0, 1) }
        topP = sampling.topP
        topK = sampling.topK.flatMap { $0 > 0 ? $0 : nil }
        stopSequences = sampling.stop.isEmpty ? nil : sampling.stop
        metadata = request.user.map { Metadata(userID: $0) }
        switch request.responseFormat {
        case .jsonObject?: outputConfig = OutputConfig(format: .init(type: "json_schema", schema: ["type": "object"]))
        case .jsonSchema(_, let schema, _)?: outputConfig = OutputConfig(format: .init(type: "json_schema", schema: schema))
        case .text?, nil: break
        }
    }

    /// A system prompt's or a tool result's text: a string, or text blocks joined.
    static func text(of content: AnthropicContent, field: String) throws -> String {
        switch content {
        case .text(let text):
            return text
        case .blocks(let blocks):
            return try blocks.enumerated().map { index, block in
                guard case .text(let text) = block else { throw FerryError.invalidRequest("holds text blocks only", field: "\(field)[\(index)].type") }
                return text
            }.joined(separator: "\n")
        }
    }

    static func image(_ source: AnthropicImageSource, field: String) throws -> ImageSource {
        switch source.type {
        case "base64":
            guard let data = source.data else { throw FerryError.invalidRequest("a base64 image carries its data", field: "\(field).data") }
            return ImageSource(base64: data, mimeType: source.mediaType ?? "image/png")
        case "url":
            guard let url = source.url else { throw FerryError.invalidRequest("a url image carries its url", field: "\(field).url") }
            return ImageSource(url: url)
        default:
            throw FerryError.invalidRequest("must be base64 or url, got \"\(source.type)\"", field: "\(field).type")
        }
    }

    static func blocks(of parts: [ContentPart], field: String) throws -> [AnthropicContentBlock] {
        parts.map { part in
            switch part {
            case .text(let text):
                return .text(text)
            case .image(let image):
                if let inline = image.inlineData { return .image(AnthropicImageSource(type: "base64", mediaType: inline.mimeType, data: inline.base64)) }
                return .image(AnthropicImageSource(type: "url", url: image.url))
            }
        }
    }
}

extension AnthropicMessageResponse {
    /// The wire form of a whole core answer: its text as one block (an empty one when there is nothing else), its
    /// tool calls as `tool_use` blocks.
    public init(_ response: ChatResponse) {
        var content: [AnthropicContentBlock] = []
        if !response.text.isEmpty || response.message.toolCalls.isEmpty { content.append(.text(response.text)) }
        for call in response.message.toolCalls {
            content.append(.toolUse(id: call.id, name: call.name, input: call.argumentsValue ?? [:]))
        }
        self.init(
            id: response.id, model: response.model, content: content, stopReason: AnthropicStopReason.wire(response.finishReason),
            usage: response.usage.map(AnthropicUsage.init) ?? AnthropicUsage(inputTokens: 0, outputTokens: 0)
        )
    }

    /// The core form of a whole answer; thinking blocks are left out.
    public func chatResponse(created: Int = Timestamps.nowSeconds()) -> ChatResponse {
        var parts: [ContentPart] = []
        var calls: [ToolCall] = []
        for block in content {
            switch block {
            case .text(let text): parts.append(.text(text))
            case .toolUse(let id, let name, let input): calls.append(ToolCall(id: id, name: name, arguments: input.jsonText))
            default: continue
            }
        }
        let text = parts.reduce(into: "") { if case .text(let piece) = $1 { $0 += piece } }
        return ChatResponse(
            id: id, model: model, created: created, message: ChatMessage(role: .assistant, content: text.isEmpty && !calls.isEmpty ? [] : [.text(text)], toolCalls: calls),
            finishReason: stopReason.map(AnthropicStopReason.core), usage: usage.usage
        )
    }
}
