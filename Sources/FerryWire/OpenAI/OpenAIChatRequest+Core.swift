import FerryCore

extension OpenAIChatRequest {
    /// The wire form of a core request.
    public init(_ request: ChatRequest, stream: Bool) {
        self.init(model: request.model, messages: request.messages.map(OpenAIMessage.init))
        if !request.tools.isEmpty {
            tools = request.tools.map { tool in
                OpenAITool(type: "function", function: .init(name: tool.name, description: tool.description, parameters: tool.parameters, strict: tool.strict))
            }
        }
        toolChoice = request.toolChoice.map { choice in
            switch choice {
            case .auto: .mode("auto")
            case .none: .mode("none")
            case .required: .mode("required")
            case .function(let name): .function(name)
            }
        }
        let sampling = request.sampling
        temperature = sampling.temperature
        topP = sampling.topP
        topK = sampling.topK
        maxTokens = sampling.maxTokens
        stop = sampling.stop.isEmpty ? nil : .many(sampling.stop)
        seed = sampling.seed
        presencePenalty = sampling.presencePenalty
        frequencyPenalty = sampling.frequencyPenalty
        responseFormat = request.responseFormat.map(OpenAIResponseFormat.init)
        self.stream = stream ? true : nil
        streamOptions = stream ? OpenAIStreamOptions(includeUsage: true) : nil
        user = request.user
    }

    /// The core form; throws ``FerryError/Code/badRequest`` naming the field that is wrong.
    public func chatRequest() throws -> ChatRequest {
        guard !model.isEmpty else { throw FerryError.invalidRequest("must name a model", field: "model") }
        guard !messages.isEmpty else { throw FerryError.invalidRequest("must hold at least one message", field: "messages") }
        if let n, n != 1 { throw FerryError.invalidRequest("only n = 1 is supported, got \(n)", field: "n") }
        var sampling = SamplingParameters(
            temperature: temperature, topP: topP, topK: topK,
            maxTokens: maxCompletionTokens ?? maxTokens, stop: stop?.values ?? [], seed: seed,
            presencePenalty: presencePenalty, frequencyPenalty: frequencyPenalty
        )
        try Self.validate(&sampling)
        return ChatRequest(
            model: model,
            messages: try messages.enumerated().map { index, message in try message.chatMessage(field: "messages[\(index)]") },
            tools: try (tools ?? []).enumerated().map { index, tool in
                guard tool.type == "function" else {
                    throw FerryError.invalidRequest("type must be \"function\", got \"\(tool.type)\"", field: "tools[\(index)].type")
                }
                return ToolDefinition(
                    name: tool.function.name, description: tool.function.description,
                    parameters: tool.function.parameters ?? ["type": "object", "properties": [:]], strict: tool.function.strict
                )
            },
            toolChoice: try toolChoice.map { choice in
                switch choice {
                case .mode("auto"): .auto
                case .mode("none"): ToolChoice.none
                case .mode("required"): .required
                case .mode(let other):
                    throw FerryError.invalidRequest("must be auto, none, required or a function, got \"\(other)\"", field: "tool_choice")
                case .function(let name): .function(name)
                }
            },
            sampling: sampling,
            responseFormat: try responseFormat?.responseFormat(),
            includeUsage: streamOptions?.includeUsage ?? false,
            user: user
        )
    }

    /// Range checks shared by chat and completions.
    static func validate(_ sampling: inout SamplingParameters) throws {
        if let value = sampling.temperature, !(0...2).contains(value) {
            throw FerryError.invalidRequest("must be between 0 and 2, got \(value)", field: "temperature")
        }
        if let value = sampling.topP, !(0...1).contains(value) {
            throw FerryError.invalidRequest("must be between 0 and 1, got \(value)", field: "top_p")
        }
        if let value = sampling.maxTokens, value < 1 {
            throw FerryError.invalidRequest("must be at least 1, got \(value)", field: "max_tokens")
        }
        if let value = sampling.presencePenalty, !(-2...2).contains(value) {
            throw FerryError.invalidRequest("must be between -2 and 2, got \(value)", field: "presence_penalty")
        }
        if let value = sampling.frequencyPenalty, !(-2...2).contains(value) {
            throw FerryError.invalidRequest("must be between -2 and 2, got \(value)", field: "frequency_penalty")
        }
        if let value = sampling.topK, value < -1 {
            throw FerryError.invalidRequest("must be -1 (off) or positive, got \(value)", field: "top_k")
        }
    }
}

extension OpenAIMessage {
    /// The wire form of a core message.
    public init(_ message: ChatMessage) {
        let content: OpenAIMessageContent?
        if message.images.isEmpty {
            content = message.content.isEmpty && !message.toolCalls.isEmpty ? nil : .text(message.text)
        } else {
            content = .parts(message.content.map { part in
                switch part {
                case .text(let text): .text(text)
                case .image(let image): .image(image.url, detail: image.detail)
                }
            })
        }
        self.init(
            role: message.role.rawValue,
            content: content,
            name: message.role == .tool ? nil : message.name,
            toolCalls: message.toolCalls.isEmpty ? nil : message.toolCalls.map { call in
                OpenAIToolCall(id: call.id, type: "function", function: .init(name: call.name, arguments: call.arguments))
            },
            toolCallID: message.toolCallID
        )
    }

    /// The core form; `field` names this message in errors (e.g. `messages[2]`).
    public func chatMessage(field: @autoclosure () -> String = "message") throws -> ChatMessage {
        let chatRole: ChatRole
        switch role {
        case "system", "developer": chatRole = .system
        case "user": chatRole = .user
        case "assistant": chatRole = .assistant
        case "tool", "function": chatRole = .tool
        default:
            throw FerryError.invalidRequest("must be system, developer, user, assistant or tool, got \"\(role)\"", field: "\(field()).role")
        }
        var parts: [ContentPart] = []
        switch content {
        case .text(let text)?:
            if !text.isEmpty || toolCalls == nil { parts = [.text(text)] }
        case .parts(let wireParts)?:
            parts = try wireParts.enumerated().map { index, part in
                switch part.type {
                case "text", "input_text":
                    return .text(part.text ?? "")
                case "image_url":
                    guard let image = part.imageURL else {
                        throw FerryError.invalidRequest("an image_url part needs an `image_url.url`", field: "\(field()).content[\(index)]")
                    }
                    return .image(ImageSource(url: image.url, detail: image.detail))
                default:
                    throw FerryError.invalidRequest("unsupported content part type \"\(part.type)\"", field: "\(field()).content[\(index)].type")
                }
            }
        case nil:
            if chatRole != .assistant {
                throw FerryError.invalidRequest("a \(role) message needs content", field: "\(field()).content")
            }
        }
        return ChatMessage(
            role: chatRole,
            content: parts,
            toolCalls: (toolCalls ?? []).enumerated().map { index, call in
                ToolCall(
                    id: call.id ?? ToolCall.synthesizedID(index: index, seed: (call.function?.name ?? "") + (call.function?.arguments ?? "")),
                    name: call.function?.name ?? "",
                    arguments: call.function?.arguments ?? "{}"
                )
            },
            toolCallID: toolCallID,
            name: name
        )
    }
}

extension OpenAIResponseFormat {
    /// The wire form of a core response format.
    public init(_ format: ResponseFormat) {
        switch format {
        case .text: self.init(type: "text")
        case .jsonObject: self.init(type: "json_object")
        case .jsonSchema(let name, let schema, let strict):
            self.init(type: "json_schema", jsonSchema: JSONSchema(name: name, schema: schema, strict: strict))
        }
    }

    /// The core form.
    public func responseFormat() throws -> ResponseFormat {
        switch type {
        case "text": return .text
        case "json_object": return .jsonObject
        case "json_schema":
            guard let jsonSchema else {
                throw FerryError.invalidRequest("type json_schema needs a `json_schema` object", field: "response_format.json_schema")
            }
            return .jsonSchema(name: jsonSchema.name, schema: jsonSchema.schema ?? ["type": "object"], strict: jsonSchema.strict)
        default:
            throw FerryError.invalidRequest("must be text, json_object or json_schema, got \"\(type)\"", field: "response_format.type")
        }
    }
}
