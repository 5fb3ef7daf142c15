import FerryCore
import NIOCore

extension OllamaChatRequest {
    /// Reads a client's request body as ``WireJSON/decodeRequest(_:from:)`` does (the same errors), by hand first.
    public init(requestBody: ByteBufferView) throws(FerryError) {
        self = try WireJSON.decodeFastRequest(Self.self, from: requestBody)
    }
}

/// An Ollama chat request of text messages and options read by hand, and a text answer written by hand — the
/// Ollama front's hot path; images, tools, formats and tool calls go through Codable.
extension OllamaChatRequest: FastJSONDecodable {
    package static func read(_ json: inout JSONScanner) throws -> OllamaChatRequest {
        var model: String?
        var messages: [OllamaMessage]?
        var request = OllamaChatRequest(model: "", messages: [])
        var first = true
        try json.beginObject()
        while let key = try json.nextKey(&first) {
            if JSONScanner.matches(key, "messages") {
                messages = try json.array(of: OllamaMessage.read)
            } else if JSONScanner.matches(key, "model") {
                model = try json.string()
            } else if JSONScanner.matches(key, "stream") {
                request.stream = try json.optionalBool()
            } else if JSONScanner.matches(key, "options") {
                request.options = json.skipNull() ? nil : try OllamaOptions.read(&json)
            } else if JSONScanner.matches(key, "tools") || JSONScanner.matches(key, "format") || JSONScanner.matches(key, "keep_alive") || JSONScanner.matches(key, "think") {
                guard json.skipNull() else { throw JSONScanner.Miss() }
            } else {
                try json.skipValue()
            }
        }
        guard let model, let messages else { throw JSONScanner.Miss() }
        request.model = model
        request.messages = messages
        return request
    }
}

extension OllamaOptions {
    package static func read(_ json: inout JSONScanner) throws -> OllamaOptions {
        var options = OllamaOptions()
        var first = true
        try json.beginObject()
        while let key = try json.nextKey(&first) {
            if JSONScanner.matches(key, "num_predict") {
                options.numPredict = try json.optionalInt()
            } else if JSONScanner.matches(key, "temperature") {
                options.temperature = try json.optionalDouble()
            } else if JSONScanner.matches(key, "top_p") {
                options.topP = try json.optionalDouble()
            } else if JSONScanner.matches(key, "top_k") {
                options.topK = try json.optionalInt()
            } else if JSONScanner.matches(key, "num_ctx") {
                options.numCtx = try json.optionalInt()
            } else if JSONScanner.matches(key, "seed") {
                options.seed = try json.optionalInt()
            } else if JSONScanner.matches(key, "presence_penalty") {
                options.presencePenalty = try json.optionalDouble()
            } else if JSONScanner.matches(key, "frequency_penalty") {
                options.frequencyPenalty = try json.optionalDouble()
            } else if JSONScanner.matches(key, "stop") {
                // One stop string; a list goes through Codable.
                options.stop = try json.optionalString().map { [$0] }
            } else {
                try json.skipValue()
            }
        }
        return options
    }
}

extension OllamaMessage {
    package static func read(_ json: inout JSONScanner) throws -> OllamaMessage {
        var role: String?
        var message = OllamaMessage(role: "", content: "")
        var first = true
        try json.beginObject()
        while let key = try json.nextKey(&first) {
            if JSONScanner.matches(key, "content") {
                message.content = try json.optionalString() ?? ""
            } else if JSONScanner.matches(key, "role") {
                role = try json.string()
            } else if JSONScanner.matches(key, "tool_name") {
                message.toolName = try json.optionalString()
            } else if JSONScanner.matches(key, "thinking") {
                message.thinking = try json.optionalString()
            } else if JSONScanner.matches(key, "images") || JSONScanner.matches(key, "tool_calls") {
                guard json.skipNull() else { throw JSONScanner.Miss() }
            } else {
                try json.skipValue()
            }
        }
        guard let role else { throw JSONScanner.Miss() }
        message.role = role
        return message
    }

    /// The message without images or tool calls (the caller checked), absent fields left out.
    func write(into out: inout ByteWriter) {
        out.write(#"{"role":"#)
        out.writeJSONString(role)
        out.write(#","content":"#)
        out.writeJSONString(content)
        if let toolName {
            out.write(#","tool_name":"#)
            out.writeJSONString(toolName)
        }
        if let thinking {
            out.write(#","thinking":"#)
            out.writeJSONString(thinking)
        }
        out.write("}")
    }
}

extension OllamaChatResponse: FastJSONEncodable {
    func writeJSON(into out: inout ByteWriter) -> Bool {
        guard message?.images == nil, message?.toolCalls == nil else { return false }
        out.write("{")
        var comma = false
        func key(_ name: StaticString) {
            if comma { out.write(",") }
            comma = true
            out.write(name)
        }
        if let model { key(#""model":"#); out.writeJSONString(model) }
        if let createdAt { key(#""created_at":"#); out.writeJSONString(createdAt) }
        if let message { key(#""message":"#); message.write(into: &out) }
        if let done { key(done ? #""done":true"# : #""done":false"#) }
        if let doneReason { key(#""done_reason":"#); out.writeJSONString(doneReason) }
        if let totalDuration { key(#""total_duration":"#); out.write(decimal: Int(totalDuration)) }
        if let loadDuration { key(#""load_duration":"#); out.write(decimal: Int(loadDuration)) }
        if let promptEvalCount { key(#""prompt_eval_count":"#); out.write(decimal: promptEvalCount) }
        if let promptEvalDuration { key(#""prompt_eval_duration":"#); out.write(decimal: Int(promptEvalDuration)) }
        if let evalCount { key(#""eval_count":"#); out.write(decimal: evalCount) }
        if let evalDuration { key(#""eval_duration":"#); out.write(decimal: Int(evalDuration)) }
        if let error { key(#""error":"#); out.writeJSONString(error) }
        out.write("}")
        return true
    }
}
