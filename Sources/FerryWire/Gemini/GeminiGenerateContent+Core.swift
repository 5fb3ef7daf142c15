import FerryCore

extension GeminiGenerateContentRequest {
    /// The wire form of a core request: system messages become `systemInstruction`, assistant turns `model`,
    /// tool results `functionResponse` parts in a `user` turn (consecutive results share one turn).
    public init(_ request: ChatRequest) throws {
        var contents: [GeminiContent] = []
        var system: [GeminiPart] = []
        var callNames: [String: String] = [:]
        for (index, message) in request.messages.enumerated() {
            switch message.role {
            case .system:
                system.append(GeminiPart(text: message.text))
            case .user:
                contents.append(GeminiContent(role: "user", parts: try Self.parts(of: message, field: "messages[\(index)]")))
            case .assistant:
                var parts = try Self.parts(of: message, field: "messages[\(index)]").filter { $0.text?.isEmpty != true }
                for call in message.toolCalls {
                    callNames[call.id] = call.name
                    parts.append(GeminiPart(functionCall: .init(id: call.id, name: call.name, args: call.argumentsValue ?? [:])))
                }
                contents.append(GeminiContent(role: "model", parts: parts))
            case .tool:
                guard let name = message.name ?? message.toolCallID.flatMap({ callNames[$0] }) else {
                    throw FerryError.invalidRequest(
                        "a tool result must name its tool (or answer a call made earlier in the conversation) for Gemini",
                        field: "messages[\(index)].name"
                    )
                }
                let value = (try? JSONValue(parsing: message.text)).flatMap { $0.objectValue != nil ? $0 : nil }
                let part = GeminiPart(functionResponse: .init(id: message.toolCallID, name: name, response: value ?? ["result": .string(message.text)]))
                if let last = contents.last, last.role == "user", last.parts.allSatisfy({ $0.functionResponse != nil }) {
                    contents[contents.count - 1].parts.append(part)
                } else {
                    contents.append(GeminiContent(role: "user", parts: [part]))
                }
            }
        }
        self.init(contents: contents)
        if !system.isEmpty { systemInstruction = GeminiContent(role: nil, parts: system) }
        if !request.tools.isEmpty {
            tools = [GeminiTool(functionDeclarations: request.tools.map { .init(name: $0.name, description: $0.description, parameters: $0.parameters) })]
        }
        if let choice = request.toolChoice {
            let config: GeminiToolConfig.FunctionCallingConfig = switch choice {
            case .auto: .init(mode: "AUTO")
            case .none: .init(mode: "NONE")
            case .required: .init(mode: "ANY")
            case .function(let name): .init(mode: "ANY", allowedFunctionNames: [name])
            }
            toolConfig = GeminiToolConfig(functionCallingConfig: config)
        }
        var config = GeminiGenerationConfig()
        let sampling = request.sampling
        config.temperature = sampling.temperature
        config.topP = sampling.topP
        config.topK = sampling.topK
        config.maxOutputTokens = sampling.maxTokens
        config.stopSequences = sampling.stop.isEmpty ? nil : sampling.stop
        config.seed = sampling.seed
        config.presencePenalty = sampling.presencePenalty
        config.frequencyPenalty = sampling.frequencyPenalty
        switch request.responseFormat {
        case .jsonObject?: config.responseMimeType = "application/json"
        case .jsonSchema(_, let schema, _)?:
            config.responseMimeType = "application/json"
            config.responseJsonSchema = schema
        case .text?, nil: break
        }
        if config != GeminiGenerationConfig() { generationConfig = config }
    }

    private static func parts(of message: ChatMessage, field: String) throws -> [GeminiPart] {
        try message.content.map { part in
            switch part {
            case .text(let text):
                return GeminiPart(text: text)
            case .image(let image):
                if let inline = image.inlineData {
                    return GeminiPart(inlineData: .init(mimeType: inline.mimeType, data: inline.base64))
                }
                guard image.url.hasPrefix("http") || image.url.hasPrefix("gs://") else {
                    throw FerryError.invalidRequest("an image must be a data: URL or an address", field: "\(field).content")
                }
                return GeminiPart(fileData: .init(mimeType: nil, fileUri: image.url))
            }
        }
    }

    /// The core form, for the model named in the URL.
    public func chatRequest(model: String) throws -> ChatRequest {
        guard !contents.isEmpty else { throw FerryError.invalidRequest("contents must not be empty", field: "contents") }
        var messages: [ChatMessage] = []
        if let systemInstruction {
            let text = systemInstruction.parts.compactMap(\.text).joined(separator: "\n")
            messages.append(.system(text))
        }
        var callIndex = 0
        for (index, content) in contents.enumerated() {
            let role = content.role ?? "user"
            guard role == "user" || role == "model" else {
                throw FerryError.invalidRequest("role must be user or model, got \"\(role)\"", field: "contents[\(index)].role")
            }
            var parts: [ContentPart] = []
            var calls: [ToolCall] = []
            for part in content.parts {
                if let text = part.text, part.thought != true { parts.append(.text(text)) }
                if let inline = part.inlineData { parts.append(.image(ImageSource(base64: inline.data, mimeType: inline.mimeType))) }
                if let file = part.fileData { parts.append(.image(ImageSource(url: file.fileUri))) }
                if let call = part.functionCall {
                    let arguments = (call.args ?? [:]).jsonText
                    calls.append(ToolCall(id: call.id ?? ToolCall.synthesizedID(index: callIndex, seed: call.name + arguments), name: call.name, arguments: arguments))
                    callIndex += 1
                }
                if let response = part.functionResponse {
                    let text = response.response.objectValue?.count == 1 ? (response.response["result"]?.stringValue ?? response.response.jsonText) : response.response.jsonText
                    messages.append(.tool(callID: response.id, name: response.name, content: text))
                }
            }
            if !parts.isEmpty || !calls.isEmpty {
                messages.append(ChatMessage(role: role == "model" ? .assistant : .user, content: parts, toolCalls: calls))
            }
        }
        let config = generationConfig
        var sampling = SamplingParameters(
            temperature: config?.temperature, topP: config?.topP, topK: config?.topK, maxTokens: config?.maxOutputTokens,
            stop: config?.stopSequences ?? [], seed: config?.seed,
            presencePenalty: config?.presencePenalty, frequencyPenalty: config?.frequencyPenalty
        )
        try OpenAIChatRequest.validate(&sampling)
        var format: ResponseFormat?
        if config?.responseMimeType == "application/json" {
            if let schema = config?.responseJsonSchema ?? config?.responseSchema {
                format = .jsonSchema(name: "response", schema: schema, strict: nil)
            } else {
                format = .jsonObject
            }
        }
        let toolChoice: ToolChoice? = toolConfig?.functionCallingConfig.flatMap { config in
            switch config.mode?.uppercased() {
            case "NONE": ToolChoice.none
            case "ANY": config.allowedFunctionNames?.count == 1 ? .function(config.allowedFunctionNames![0]) : .required
            case "AUTO": .auto
            default: nil
            }
        }
        return ChatRequest(
            model: model,
            messages: messages,
            tools: (tools ?? []).flatMap { $0.functionDeclarations ?? [] }.map {
                ToolDefinition(name: $0.name, description: $0.description, parameters: $0.parameters ?? $0.parametersJsonSchema ?? ["type": "object", "properties": [:]])
            },
            toolChoice: toolChoice,
            sampling: sampling,
            responseFormat: format,
            includeUsage: true
        )
    }
}

extension GeminiGenerateContentResponse {
    /// The wire form of a whole core answer.
    public init(_ response: ChatResponse) {
        var parts: [GeminiPart] = []
        if !response.text.isEmpty || response.message.toolCalls.isEmpty { parts.append(GeminiPart(text: response.text)) }
        for call in response.message.toolCalls {
            parts.append(GeminiPart(functionCall: .init(id: call.id, name: call.name, args: call.argumentsValue ?? [:])))
        }
        self.init(
            candidates: [Candidate(content: GeminiContent(role: "model", parts: parts), finishReason: GeminiFinishReason.wire(response.finishReason))],
            usageMetadata: response.usage.map(UsageMetadata.init),
            modelVersion: response.model,
            responseId: response.id
        )
    }

    /// The core form of a whole answer (first candidate).
    public func chatResponse(model: String, location: ErrorLocation = ErrorLocation()) throws -> ChatResponse {
        var assembler = ChatStreamAssembler()
        var decoder = GeminiStreamDecoder(model: model, location: location)
        try decoder.decode(self) { try assembler.consume($0) }
        try decoder.end { try assembler.consume($0) }
        return assembler.response()
    }
}
