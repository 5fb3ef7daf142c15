import NIOCore

/// A chat request of text messages and sampling parameters read and written by hand — what nearly every proxied
/// request is; one with tools, a tool choice, a response format or content parts goes through Codable.
extension OpenAIChatRequest: FastJSONDecodable, FastJSONEncodable {
    static func read(_ json: inout JSONScanner) throws -> OpenAIChatRequest {
        var model: String?
        var messages: [OpenAIMessage]?
        var request = OpenAIChatRequest(model: "", messages: [])
        var first = true
        try json.beginObject()
        while let key = try json.nextKey(&first) {
            if JSONScanner.matches(key, "messages") {
                messages = try json.array(of: OpenAIMessage.read)
            } else if JSONScanner.matches(key, "model") {
                model = try json.string()
            } else if JSONScanner.matches(key, "max_tokens") {
                request.maxTokens = try json.optionalInt()
            } else if JSONScanner.matches(key, "max_completion_tokens") {
                request.maxCompletionTokens = try json.optionalInt()
            } else if JSONScanner.matches(key, "temperature") {
                request.temperature = try json.optionalDouble()
            } else if JSONScanner.matches(key, "top_p") {
                request.topP = try json.optionalDouble()
            } else if JSONScanner.matches(key, "top_k") {
                request.topK = try json.optionalInt()
            } else if JSONScanner.matches(key, "stream") {
                request.stream = try json.optionalBool()
            } else if JSONScanner.matches(key, "stream_options") {
                guard !json.skipNull() else { continue }
                var options = OpenAIStreamOptions(includeUsage: nil)
                var inner = true
                try json.beginObject()
                while let option = try json.nextKey(&inner) {
                    if JSONScanner.matches(option, "include_usage") { options.includeUsage = try json.optionalBool() } else { try json.skipValue() }
                }
                request.streamOptions = options
            } else if JSONScanner.matches(key, "stop") {
                // One stop string; a list goes through Codable.
                request.stop = try json.optionalString().map { .one($0) }
            } else if JSONScanner.matches(key, "seed") {
                request.seed = try json.optionalInt()
            } else if JSONScanner.matches(key, "presence_penalty") {
                request.presencePenalty = try json.optionalDouble()
            } else if JSONScanner.matches(key, "frequency_penalty") {
                request.frequencyPenalty = try json.optionalDouble()
            } else if JSONScanner.matches(key, "user") {
                request.user = try json.optionalString()
            } else if JSONScanner.matches(key, "n") {
                request.n = try json.optionalInt()
            } else if JSONScanner.matches(key, "tools") || JSONScanner.matches(key, "tool_choice") || JSONScanner.matches(key, "response_format") {
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

    func writeJSON(into buffer: inout ByteBuffer) -> Bool {
        guard tools == nil, toolChoice == nil, responseFormat == nil,
              messages.allSatisfy(\.isPlainText),
              [temperature, topP, presencePenalty, frequencyPenalty].allSatisfy({ $0?.isFinite ?? true })
        else { return false }
        buffer.writeStaticString(#"{"model":"#)
        JSONWriter.writeString(model, into: &buffer)
        buffer.writeStaticString(#","messages":["#)
        for (position, message) in messages.enumerated() {
            if position > 0 { buffer.writeStaticString(",") }
            _ = message.writeJSON(into: &buffer)
        }
        buffer.writeStaticString("]")
        if let temperature { buffer.writeStaticString(#","temperature":"#); JSONWriter.writeDouble(temperature, into: &buffer) }
        if let topP { buffer.writeStaticString(#","top_p":"#); JSONWriter.writeDouble(topP, into: &buffer) }
        if let topK { buffer.writeStaticString(#","top_k":"#); JSONWriter.writeInt(topK, into: &buffer) }
        if let maxTokens { buffer.writeStaticString(#","max_tokens":"#); JSONWriter.writeInt(maxTokens, into: &buffer) }
        if let maxCompletionTokens { buffer.writeStaticString(#","max_completion_tokens":"#); JSONWriter.writeInt(maxCompletionTokens, into: &buffer) }
        if let stop {
            buffer.writeStaticString(#","stop":"#)
            switch stop {
            case .one(let value):
                JSONWriter.writeString(value, into: &buffer)
            case .many(let values):
                buffer.writeStaticString("[")
                for (position, value) in values.enumerated() {
                    if position > 0 { buffer.writeStaticString(",") }
                    JSONWriter.writeString(value, into: &buffer)
                }
                buffer.writeStaticString("]")
            }
        }
        if let seed { buffer.writeStaticString(#","seed":"#); JSONWriter.writeInt(seed, into: &buffer) }
        if let presencePenalty { buffer.writeStaticString(#","presence_penalty":"#); JSONWriter.writeDouble(presencePenalty, into: &buffer) }
        if let frequencyPenalty { buffer.writeStaticString(#","frequency_penalty":"#); JSONWriter.writeDouble(frequencyPenalty, into: &buffer) }
        if let stream { buffer.writeStaticString(stream ? #","stream":true"# : #","stream":false"#) }
        if let streamOptions {
            buffer.writeStaticString(#","stream_options":{"#)
            if let include = streamOptions.includeUsage { buffer.writeStaticString(include ? #""include_usage":true"# : #""include_usage":false"#) }
            buffer.writeStaticString("}")
        }
        if let user { buffer.writeStaticString(#","user":"#); JSONWriter.writeString(user, into: &buffer) }
        if let n { buffer.writeStaticString(#","n":"#); JSONWriter.writeInt(n, into: &buffer) }
        buffer.writeStaticString("}")
        return true
    }
}
