import NIOCore

/// A whole chat completion of text messages read and written by hand; one with tool calls goes through Codable.
extension OpenAIChatCompletion: FastJSONDecodable, FastJSONEncodable {
    package static func read(_ json: inout JSONScanner) throws -> OpenAIChatCompletion {
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

    var estimatedJSONSize: Int {
        var size = 384 + model.utf8.count
        for choice in choices {
            if case .text(let text)? = choice.message.content { size += text.utf8.count }
            size += 96
        }
        return size
    }

    func writeJSON(into out: inout ByteWriter) -> Bool {
        guard choices.allSatisfy({ $0.message.isPlainText }) else { return false }
        out.write(#"{"id":"#)
        out.writeJSONString(id)
        out.write(#","object":"#)
        out.writeJSONString(object)
        out.write(#","created":"#)
        out.write(decimal: created)
        out.write(#","model":"#)
        out.writeJSONString(model)
        out.write(#","choices":["#)
        for (position, choice) in choices.enumerated() {
            out.write(position == 0 ? #"{"index":"# : #",{"index":"#)
            out.write(decimal: choice.index)
            out.write(#","message":"#)
            _ = choice.message.writeJSON(into: &out)
            out.write(#","finish_reason":"#)
            out.writeJSONString(choice.finishReason)
            out.write(#","logprobs":null}"#)
        }
        out.write("]")
        if let usage {
            out.write(#","usage":"#)
            _ = usage.writeJSON(into: &out)
        }
        if let systemFingerprint {
            out.write(#","system_fingerprint":"#)
            out.writeJSONString(systemFingerprint)
        }
        out.write("}")
        return true
    }
}

extension OpenAIChatCompletion.Choice {
    package static func read(_ json: inout JSONScanner) throws -> Self {
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
