import NIOCore

/// The common chunk — a text or reasoning delta, the role, the finish reason, usage — read and written by hand;
/// tool-call fragments and in-band errors go through Codable.
extension OpenAIChatCompletionChunk: FastJSONDecodable, FastJSONEncodable {
    init() {}

    static func read(_ json: inout JSONScanner) throws -> OpenAIChatCompletionChunk {
        var chunk = OpenAIChatCompletionChunk()
        var first = true
        try json.beginObject()
        while let key = try json.nextKey(&first) {
            if JSONScanner.matches(key, "choices") {
                guard !json.skipNull() else { continue }
                chunk.choices = try json.array(of: Choice.read)
            } else if JSONScanner.matches(key, "id") {
                chunk.id = try json.optionalString()
            } else if JSONScanner.matches(key, "object") {
                chunk.object = try json.optionalString()
            } else if JSONScanner.matches(key, "created") {
                chunk.created = try json.optionalInt()
            } else if JSONScanner.matches(key, "model") {
                chunk.model = try json.optionalString()
            } else if JSONScanner.matches(key, "usage") {
                chunk.usage = json.skipNull() ? nil : try OpenAIUsage.read(&json)
            } else if JSONScanner.matches(key, "error") {
                guard json.skipNull() else { throw JSONScanner.Miss() }
            } else {
                try json.skipValue()
            }
        }
        return chunk
    }

    func writeJSON(into buffer: inout ByteBuffer) -> Bool {
        guard error == nil, choices?.allSatisfy({ $0.delta.toolCalls == nil }) ?? true else { return false }
        buffer.writeStaticString("{")
        var comma = false
        func key(_ name: StaticString) {
            if comma { buffer.writeStaticString(",") }
            comma = true
            buffer.writeStaticString(name)
        }
        if let id { key(#""id":"#); JSONWriter.writeString(id, into: &buffer) }
        if let object { key(#""object":"#); JSONWriter.writeString(object, into: &buffer) }
        if let created { key(#""created":"#); JSONWriter.writeInt(created, into: &buffer) }
        if let model { key(#""model":"#); JSONWriter.writeString(model, into: &buffer) }
        if let choices {
            key(#""choices":["#)
            for (position, choice) in choices.enumerated() {
                if position > 0 { buffer.writeStaticString(",") }
                choice.write(into: &buffer)
            }
            buffer.writeStaticString("]")
        }
        if let usage { key(#""usage":"#); _ = usage.writeJSON(into: &buffer) }
        buffer.writeStaticString("}")
        return true
    }
}

extension OpenAIChatCompletionChunk.Choice {
    static func read(_ json: inout JSONScanner) throws -> Self {
        var choice = Self(delta: .init())
        var first = true
        try json.beginObject()
        while let key = try json.nextKey(&first) {
            if JSONScanner.matches(key, "delta") {
                guard !json.skipNull() else { continue }
                choice.delta = try OpenAIChatCompletionChunk.Delta.read(&json)
            } else if JSONScanner.matches(key, "index") {
                choice.index = try json.optionalInt() ?? 0
            } else if JSONScanner.matches(key, "finish_reason") {
                choice.finishReason = try json.optionalString()
            } else {
                try json.skipValue()
            }
        }
        return choice
    }

    /// `{"index":…,"delta":{…},"logprobs":null,"finish_reason":…}`, as the Codable conformance writes it.
    func write(into buffer: inout ByteBuffer) {
        buffer.writeStaticString(#"{"index":"#)
        JSONWriter.writeInt(index, into: &buffer)
        buffer.writeStaticString(#","delta":"#)
        delta.write(into: &buffer)
        buffer.writeStaticString(#","logprobs":null,"finish_reason":"#)
        JSONWriter.writeOptionalString(finishReason, into: &buffer)
        buffer.writeStaticString("}")
    }
}

extension OpenAIChatCompletionChunk.Delta {
    static func read(_ json: inout JSONScanner) throws -> Self {
        var delta = Self()
        var first = true
        try json.beginObject()
        while let key = try json.nextKey(&first) {
            if JSONScanner.matches(key, "content") {
                delta.content = try json.optionalString()
            } else if JSONScanner.matches(key, "role") {
                delta.role = try json.optionalString()
            } else if JSONScanner.matches(key, "reasoning_content") {
                delta.reasoningContent = try json.optionalString()
            } else if JSONScanner.matches(key, "tool_calls") {
                guard json.skipNull() else { throw JSONScanner.Miss() }
            } else {
                try json.skipValue()
            }
        }
        return delta
    }

    /// The delta without tool calls (the caller checked), absent fields left out.
    func write(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("{")
        var comma = false
        if let role {
            buffer.writeStaticString(#""role":"#)
            JSONWriter.writeString(role, into: &buffer)
            comma = true
        }
        if let content {
            buffer.writeStaticString(comma ? #","content":"# : #""content":"#)
            JSONWriter.writeString(content, into: &buffer)
            comma = true
        }
        if let reasoningContent {
            buffer.writeStaticString(comma ? #","reasoning_content":"# : #""reasoning_content":"#)
            JSONWriter.writeString(reasoningContent, into: &buffer)
        }
        buffer.writeStaticString("}")
    }
}
