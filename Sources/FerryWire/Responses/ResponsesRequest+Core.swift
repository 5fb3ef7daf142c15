import FerryCore

extension ResponsesRequest {
    /// The core form, after `history` (the conversation of the response named by `previous_response_id`):
    /// `instructions` are the system message (they are not carried from one response to the next), input messages
    /// keep their roles (`developer` is a system message), function calls join the assistant turn before them,
    /// function call outputs are tool messages (named after their call), reasoning is left out.
    public func chatRequest(history: [ChatMessage] = []) throws -> ChatRequest {
        var messages: [ChatMessage] = []
        if let instructions, !instructions.isEmpty { messages.append(.system(instructions)) }
        messages += history
        var callNames: [String: String] = [:]
        for message in history {
            for call in message.toolCalls { callNames[call.id] = call.name }
        }
        let items = input?.items ?? []
        guard !items.isEmpty || !history.isEmpty else { throw FerryError.invalidRequest("must hold at least one item", field: "input") }
        for (index, item) in items.enumerated() {
            let field = "input[\(index)]"
            switch item {
            case .message(let message):
                let content = try Self.parts(of: message.content, field: "\(field).content")
                switch message.role {
                case "user": messages.append(ChatMessage(role: .user, content: content))
                case "system", "developer": messages.append(ChatMessage(role: .system, content: content))
                case "assistant": messages.append(ChatMessage(role: .assistant, content: content))
                default: throw FerryError.invalidRequest("must be user, assistant, system or developer, got \"\(message.role)\"", field: "\(field).role")
                }
            case .functionCall(let call):
                callNames[call.callID] = call.name
                let toolCall = ToolCall(id: call.callID, name: call.name, arguments: call.arguments)
                if let last = messages.last, last.role == .assistant {
                    messages[messages.count - 1].toolCalls.append(toolCall)
                } else {
                    messages.append(ChatMessage(role: .assistant, toolCalls: [toolCall]))
                }
            case .functionCallOutput(let id, let output):
                messages.append(.tool(callID: id, name: callNames[id], content: output))
            case .reasoning:
                continue
            }
        }
        if let value = maxOutputTokens, value < 1 { throw FerryError.invalidRequest("must be at least 1, got \(value)", field: "max_output_tokens") }
        var sampling = SamplingParameters(temperature: temperature, topP: topP, maxTokens: maxOutputTokens)
        try OpenAIChatRequest.validate(&sampling)
        return ChatRequest(
            model: model,
            messages: messages,
            tools: try (tools ?? []).enumerated().map { index, tool in
                guard tool.type == "function" else {
                    throw FerryError.invalidRequest("the built-in tool \"\(tool.type)\" runs only on OpenAI's platform; give a function tool instead", field: "tools[\(index)].type")
                }
                guard let name = tool.name else { throw FerryError.invalidRequest("a function tool needs a name", field: "tools[\(index)].name") }
                return ToolDefinition(name: name, description: tool.description, parameters: tool.parameters ?? ["type": "object", "properties": [:]], strict: tool.strict)
            },
            toolChoice: try toolChoice.map { choice in
                switch choice {
                case .mode("auto"): return .auto
                case .mode("none"): return ToolChoice.none
                case .mode("required"): return .required
                case .mode(let other): throw FerryError.invalidRequest("must be auto, none, required or a function, got \"\(other)\"", field: "tool_choice")
                case .function(let name): return .function(name)
                }
            },
            sampling: sampling,
            responseFormat: try text?.format.flatMap { format in
                switch format.type {
                case "text": return nil
                case "json_object": return .jsonObject
                case "json_schema":
                    guard let schema = format.schema else { throw FerryError.invalidRequest("a json_schema format carries its schema", field: "text.format.schema") }
                    return .jsonSchema(name: format.name ?? "response", schema: schema, strict: format.strict)
                default:
                    throw FerryError.invalidRequest("must be text, json_object or json_schema, got \"\(format.type)\"", field: "text.format.type")
                }
            },
            includeUsage: true,
            user: user
        )
    }

    static func parts(of content: ResponsesContent, field: String) throws -> [ContentPart] {
        switch content {
        case .text(let text):
            return [.text(text)]
        case .parts(let parts):
            return try parts.enumerated().compactMap { index, part in
                switch part.type {
                case "input_text", "output_text", "text":
                    return .text(part.text ?? "")
                case "refusal":
                    return .text(part.refusal ?? "")
                case "input_image":
                    guard let url = part.imageURL else { throw FerryError.invalidRequest("an image is given by image_url (files are not kept here)", field: "\(field)[\(index)].image_url") }
                    return .image(ImageSource(url: url, detail: part.detail))
                default:
                    throw FerryError.invalidRequest("unknown content part type \"\(part.type)\" (Ferry takes input_text, input_image, output_text and refusal)", field: "\(field)[\(index)].type")
                }
            }
        }
    }
}
