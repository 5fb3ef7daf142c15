import FerryCore
import Foundation

extension OllamaChatRequest {
    /// The wire form of a core request. Images must be base64 `data:` URLs: Ollama takes no image addresses.
    public init(_ request: ChatRequest, stream: Bool) throws {
        self.init(model: request.model, messages: try request.messages.map(OllamaMessage.init), stream: stream)
        if !request.tools.isEmpty {
            tools = request.tools.map { tool in
                OpenAITool(type: "function", function: .init(name: tool.name, description: tool.description, parameters: tool.parameters, strict: nil))
            }
        }
        format = request.responseFormat.flatMap(OllamaFormat.value(for:))
        options = OllamaOptions(request.sampling)
    }

    /// The core form; throws ``FerryError/Code/badRequest`` with Ollama's wording for a missing model.
    public func chatRequest() throws -> ChatRequest {
        guard !model.isEmpty else { throw FerryError.invalidRequest("model is required", field: "model") }
        guard !messages.isEmpty else { throw FerryError.invalidRequest("must hold at least one message", field: "messages") }
        var sampling = options?.sampling ?? SamplingParameters()
        try OpenAIChatRequest.validate(&sampling)
        return ChatRequest(
            model: model,
            messages: try messages.enumerated().map { index, message in try message.chatMessage(field: "messages[\(index)]") },
            tools: (tools ?? []).map { tool in
                ToolDefinition(name: tool.function.name, description: tool.function.description, parameters: tool.function.parameters ?? ["type": "object", "properties": [:]])
            },
            sampling: sampling,
            responseFormat: try format.map(OllamaFormat.responseFormat(for:)),
            includeUsage: true
        )
    }
}

extension OllamaMessage {
    /// The wire form of a core message.
    public init(_ message: ChatMessage) throws {
        let images = try message.images.map { image -> String in
            guard let inline = image.inlineData else {
                throw FerryError.invalidRequest(
                    "Ollama takes images as base64 data, not addresses (\(image.url.prefix(60)))", field: "messages.content.image_url"
                )
            }
            return inline.base64
        }
        self.init(
            role: message.role.rawValue,
            content: message.text,
            images: images.isEmpty ? nil : images,
            toolCalls: message.toolCalls.isEmpty ? nil : message.toolCalls.map { call in
                OllamaToolCall(function: .init(name: call.name, arguments: call.argumentsValue ?? [:], index: nil))
            },
            toolName: message.role == .tool ? message.name : nil
        )
    }

    /// The core form. Calls without an id get a stable synthesised one.
    public func chatMessage(field: @autoclosure () -> String = "message") throws -> ChatMessage {
        guard let chatRole = ChatRole(rawValue: role) else {
            throw FerryError.invalidRequest("must be system, user, assistant or tool, got \"\(role)\"", field: "\(field()).role")
        }
        var parts: [ContentPart] = []
        if !content.isEmpty || (toolCalls ?? []).isEmpty { parts.append(.text(content)) }
        for image in images ?? [] {
            parts.append(.image(ImageSource(base64: image, mimeType: OllamaFormat.imageMimeType(base64: image))))
        }
        return ChatMessage(
            role: chatRole,
            content: parts,
            toolCalls: (toolCalls ?? []).enumerated().map { index, call in
                call.toolCall(index: index)
            },
            toolCallID: nil,
            name: toolName
        )
    }
}

extension OllamaToolCall {
    /// The core form; `index` numbers calls without an id.
    public func toolCall(index: Int) -> ToolCall {
        let arguments = function.arguments.jsonText
        return ToolCall(id: id ?? ToolCall.synthesizedID(index: index, seed: function.name + arguments), name: function.name, arguments: arguments)
    }
}

extension OllamaOptions {
    /// The wire form of core sampling parameters; nil when none is set.
    public init?(_ sampling: SamplingParameters) {
        guard sampling != SamplingParameters() else { return nil }
        self.init()
        temperature = sampling.temperature
        topP = sampling.topP
        topK = sampling.topK
        numPredict = sampling.maxTokens
        seed = sampling.seed
        stop = sampling.stop.isEmpty ? nil : sampling.stop
        presencePenalty = sampling.presencePenalty
        frequencyPenalty = sampling.frequencyPenalty
    }

    /// The core form. `num_predict` of -1 or -2 (unlimited, fill context) means no limit.
    public var sampling: SamplingParameters {
        SamplingParameters(
            temperature: temperature, topP: topP, topK: topK,
            maxTokens: numPredict.flatMap { $0 > 0 ? $0 : nil }, stop: stop ?? [], seed: seed,
            presencePenalty: presencePenalty, frequencyPenalty: frequencyPenalty
        )
    }
}

extension OllamaChatResponse {
    /// The wire form of a whole core answer (`stream: false`).
    public init(_ response: ChatResponse, timings: OllamaTimings) throws {
        var message = try OllamaMessage(response.message)
        message.role = "assistant"
        self.init(model: response.model, createdAt: Timestamps.rfc3339(Date(timeIntervalSince1970: TimeInterval(response.created))), message: message, done: true)
        doneReason = OllamaFormat.doneReason(response.finishReason)
        apply(usage: response.usage, timings: timings)
    }

    /// The core form of a whole answer.
    public func chatResponse(location: ErrorLocation = ErrorLocation()) throws -> ChatResponse {
        if let error { throw FerryError.upstream(status: 500, message: error, location: location) }
        guard let message else { throw FerryError.invalidResponse("an Ollama chat answer without `message`", location: location) }
        var core = try message.chatMessage(field: "message")
        core.role = .assistant
        return ChatResponse(
            id: OllamaFormat.responseID(model: model ?? "", createdAt: createdAt),
            model: model ?? location.model ?? "",
            created: OllamaFormat.seconds(createdAt),
            message: core,
            finishReason: OllamaFormat.finishReason(doneReason, calledTools: !core.toolCalls.isEmpty),
            usage: usage
        )
    }
}

extension OllamaGenerateRequest {
    /// The wire form of a core completion request.
    public init(_ request: CompletionRequest, stream: Bool) {
        self.init(model: request.model, prompt: request.prompt, stream: stream)
        suffix = request.suffix
        system = request.system
        format = request.responseFormat.flatMap(OllamaFormat.value(for:))
        options = OllamaOptions(request.sampling)
    }

    /// The core form.
    public func completionRequest() throws -> CompletionRequest {
        guard !model.isEmpty else { throw FerryError.invalidRequest("model is required", field: "model") }
        var sampling = options?.sampling ?? SamplingParameters()
        try OpenAIChatRequest.validate(&sampling)
        return CompletionRequest(
            model: model, prompt: prompt ?? "", suffix: suffix, system: system, sampling: sampling,
            responseFormat: try format.map(OllamaFormat.responseFormat(for:)), includeUsage: true
        )
    }
}

extension OllamaGenerateResponse {
    /// The wire form of a whole core completion (`stream: false`).
    public init(_ response: CompletionResponse, timings: OllamaTimings) {
        self.init(model: response.model, createdAt: Timestamps.rfc3339(Date(timeIntervalSince1970: TimeInterval(response.created))), response: response.text, done: true)
        doneReason = OllamaFormat.doneReason(response.finishReason)
        apply(usage: response.usage, timings: timings)
    }

    /// The core form of a whole completion.
    public func completionResponse(location: ErrorLocation = ErrorLocation()) throws -> CompletionResponse {
        if let error { throw FerryError.upstream(status: 500, message: error, location: location) }
        return CompletionResponse(
            id: OllamaFormat.responseID(model: model ?? "", createdAt: createdAt),
            model: model ?? location.model ?? "",
            created: OllamaFormat.seconds(createdAt),
            text: response ?? "",
            finishReason: OllamaFormat.finishReason(doneReason, calledTools: false),
            usage: usage
        )
    }
}
