import NIOCore

/// A whole chat completion of text messages read and written by hand; one with tool calls goes through Codable.
extension OpenAIChatCompletion: FastJSONDecodable, FastJSONEncodable {
    static func read(_ json: inout JSONScanner) throws -> OpenAIChatCompletion {
        var id: String?
        var object: String?
        var created: Int?
        var model: String?
        var choices: [Choice]?
        var usage: OpenAIUsage?
        var fingerprint: String?
        var first = true
        try json.beginObject()
        while let key = try json.nextKey(&first) {
            if JSONScanner.matches(key, "choices") {
                choices = try json.array(of: Choice.read)
            } else if JSONScanner.matches(key, "id") {
                id = try json.string()
            } else if JSONScanner.matches(key, "object") {
                object = try json.string()
            } else if JSONScanner.matches(key, "created") {
                created = try json.int()
            } else if JSONScanner.matches(key, "model") {
                model = try json.string()
            } else if JSONScanner.matches(key, "usage") {
                usage = json.skipNull() ? nil : try OpenAIUsage.read(&json)
            } else if JSONScanner.matches(key, "system_fingerprint") {
                fingerprint = try json.optionalString()
            } else {
                try json.skipValue()
            }
        }
        guard let id, let object, let created, let model, let choices else { throw JSONScanner.Miss() }
        var completion = OpenAIChatCompletion(id: id, created: created, model: model, choices: choices, usage: usage)
        completion.object = object
        completion.systemFingerprint = fingerprint
        return completion
    }

    func writeJSON(into buffer: inout ByteBuffer) -> Bool {
        guard choices.allSatisfy(\.message.isPlainText) else { return false }
        buffer.writeStaticString(#"{"id":"#)
        JSONWriter.writeString(id, into: &buffer)
        buffer.writeStaticString(#","object":"#)
        JSONWriter.writeString(object, into: &buffer)
        buffer.writeStaticString(#","created":"#)
        JSONWriter.writeInt(created, into: &buffer)
        buffer.writeStaticString(#","model":"#)
        JSONWriter.writeString(model, into: &buffer)
        buffer.writeStaticString(#","choices":["#)
        for (position, choice) in choices.enumerated() {
            buffer.writeStaticString(position == 0 ? #"{"index":"# : #",{"index":"#)
            JSONWriter.writeInt(choice.index, into: &buffer)
            buffer.writeStaticString(#","message":"#)
            _ = choice.message.writeJSON(into: &buffer)
            buffer.writeStaticString(#","finish_reason":"#)
            JSONWriter.writeOptionalString(choice.finishReason, into: &buffer)
            buffer.writeStaticString(#","logprobs":null}"#)
        }
        buffer.writeStaticString("]")
        if let usage {
            buffer.writeStaticString(#","usage":"#)
            _ = usage.writeJSON(into: &buffer)
        }
        if let systemFingerprint {
            buffer.writeStaticString(#","system_fingerprint":"#)
            JSONWriter.writeString(systemFingerprint, into: &buffer)
        }
        buffer.writeStaticString("}")
        return true
    }
}

extension OpenAIChatCompletion.Choice {
    static func read(_ json: inout JSONScanner) throws -> Self {
        var index = 0
        var message: OpenAIMessage?
        var finishReason: String?
        var first = true
        try json.beginObject()
        while let key = try json.nextKey(&first) {
            if JSONScanner.matches(key, "message") {
                message = try OpenAIMessage.read(&json)
            } else if JSONScanner.matches(key, "index") {
                index = try json.optionalInt() ?? 0
            } else if JSONScanner.matches(key, "finish_reason") {
                finishReason = try json.optionalString()
            } else {
                try json.skipValue()
            }
        }
        guard let message else { throw JSONScanner.Miss() }
        return Self(index: index, message: message, finishReason: finishReason)
    }
}
