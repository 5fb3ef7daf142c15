import NIOCore

/// The common chunk — a text or reasoning delta, the role, the finish reason, usage — read and written by hand;
/// tool-call fragments and in-band errors go through Codable.
extension OpenAIChatCompletionChunk: FastJSONDecodable, FastJSONEncodable {
    init() {}

    package static func read(_ json: inout JSONScanner) throws -> OpenAIChatCompletionChunk {
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

    func writeJSON(into out: inout ByteWriter) -> Bool {
        guard error == nil, choices?.allSatisfy({ $0.delta.toolCalls == nil }) ?? true else { return false }
        out.write("{")
        var comma = false
        func key(_ name: StaticString) {
            if comma { out.write(",") }
            comma = true
            out.write(name)
        }
        if let id { key(#""id":"#); out.writeJSONString(id) }
        if let object { key(#""object":"#); out.writeJSONString(object) }
        if let created { key(#""created":"#); out.write(decimal: created) }
        if let model { key(#""model":"#); out.writeJSONString(model) }
        if let choices {
            key(#""choices":["#)
            for (position, choice) in choices.enumerated() {
                if position > 0 { out.write(",") }
                choice.write(into: &out)
            }
            out.write("]")
        }
        if let usage { key(#""usage":"#); _ = usage.writeJSON(into: &out) }
        out.write("}")
        return true
    }
}

extension OpenAIChatCompletionChunk.Choice {
    package static func read(_ json: inout JSONScanner) throws -> Self {
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
    func write(into out: inout ByteWriter) {
        out.write(#"{"index":"#)
        out.write(decimal: index)
        out.write(#","delta":"#)
        delta.write(into: &out)
        out.write(#","logprobs":null,"finish_reason":"#)
        out.writeJSONString(finishReason)
        out.write("}")
    }
}

extension OpenAIChatCompletionChunk.Delta {
    package static func read(_ json: inout JSONScanner) throws -> Self {
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
    func write(into out: inout ByteWriter) {
        out.write("{")
        var comma = false
        if let role {
            out.write(#""role":"#)
            out.writeJSONString(role)
            comma = true
        }
        if let content {
            out.write(comma ? #","content":"# : #""content":"#)
            out.writeJSONString(content)
            comma = true
        }
        if let reasoningContent {
            out.write(comma ? #","reasoning_content":"# : #""reasoning_content":"#)
            out.writeJSONString(reasoningContent)
        }
        out.write("}")
    }
}
