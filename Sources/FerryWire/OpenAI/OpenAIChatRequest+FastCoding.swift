import FerryCore
import NIOCore

extension OpenAIChatRequest {
    /// Reads a client's request body as ``WireJSON/decodeRequest(_:from:)`` does (the same errors), by hand first.
    ///
    /// ```swift
    /// let request = try OpenAIChatRequest(requestBody: body.readableBytesView)
    /// ```
    public init(requestBody: ByteBufferView) throws(FerryError) {
        self = try WireJSON.decodeFastRequest(Self.self, from: requestBody)
    }

    /// Writes the request's JSON at the buffer's writer index, as ``WireJSON/encode(_:into:)`` does, by hand first.
    public func encode(into buffer: inout ByteBuffer) throws {
        try WireJSON.encodeFast(self, into: &buffer)
    }
}

/// A chat request of text messages and sampling parameters read and written by hand — what nearly every proxied
/// request is; one with tools, a tool choice, a response format or content parts goes through Codable.
extension OpenAIChatRequest: FastJSONDecodable, FastJSONEncodable {
    package static func read(_ json: inout JSONScanner) throws -> OpenAIChatRequest {
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

    var estimatedJSONSize: Int {
        var size = 256 + model.utf8.count
        for message in messages {
            if case .text(let text)? = message.content { size += text.utf8.count }
            size += 48
        }
        return size
    }

    func writeJSON(into out: inout ByteWriter) -> Bool {
        guard tools == nil, toolChoice == nil, responseFormat == nil,
              messages.allSatisfy({ $0.isPlainText }),
              temperature?.isFinite ?? true, topP?.isFinite ?? true,
              presencePenalty?.isFinite ?? true, frequencyPenalty?.isFinite ?? true
        else { return false }
        out.write(#"{"model":"#)
        out.writeJSONString(model)
        out.write(#","messages":["#)
        for (position, message) in messages.enumerated() {
            if position > 0 { out.write(",") }
            _ = message.writeJSON(into: &out)
        }
        out.write("]")
        if let temperature { out.write(#","temperature":"#); out.writeJSONNumber(temperature) }
        if let topP { out.write(#","top_p":"#); out.writeJSONNumber(topP) }
        if let topK { out.write(#","top_k":"#); out.write(decimal: topK) }
        if let maxTokens { out.write(#","max_tokens":"#); out.write(decimal: maxTokens) }
        if let maxCompletionTokens { out.write(#","max_completion_tokens":"#); out.write(decimal: maxCompletionTokens) }
        if let stop {
            out.write(#","stop":"#)
            switch stop {
            case .one(let value):
                out.writeJSONString(value)
            case .many(let values):
                out.write("[")
                for (position, value) in values.enumerated() {
                    if position > 0 { out.write(",") }
                    out.writeJSONString(value)
                }
                out.write("]")
            }
        }
        if let seed { out.write(#","seed":"#); out.write(decimal: seed) }
        if let presencePenalty { out.write(#","presence_penalty":"#); out.writeJSONNumber(presencePenalty) }
        if let frequencyPenalty { out.write(#","frequency_penalty":"#); out.writeJSONNumber(frequencyPenalty) }
        if let stream { out.write(stream ? #","stream":true"# : #","stream":false"#) }
        if let streamOptions {
            out.write(#","stream_options":{"#)
            if let include = streamOptions.includeUsage { out.write(include ? #""include_usage":true"# : #""include_usage":false"#) }
            out.write("}")
        }
        if let user { out.write(#","user":"#); out.writeJSONString(user) }
        if let n { out.write(#","n":"#); out.write(decimal: n) }
        out.write("}")
        return true
    }
}
