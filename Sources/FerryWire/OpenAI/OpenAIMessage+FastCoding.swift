import NIOCore

/// A text message (string or null content, no tool calls) read and written by hand; content parts and tool calls
/// go through Codable.
extension OpenAIMessage: FastJSONDecodable, FastJSONEncodable {
    package static func read(_ json: inout JSONScanner) throws -> OpenAIMessage {
        var role: String?
        var message = OpenAIMessage(role: "", content: nil)
        var first = true
        try json.beginObject()
        while let key = try json.nextKey(&first) {
            if JSONScanner.matches(key, "content") {
                message.content = try json.optionalString().map { .text($0) }
            } else if JSONScanner.matches(key, "role") {
                role = try json.string()
            } else if JSONScanner.matches(key, "name") {
                message.name = try json.optionalString()
            } else if JSONScanner.matches(key, "tool_calls") {
                guard !json.skipNull() else { continue }
                var firstCall = true
                try json.beginArray()
                guard try !json.nextElement(&firstCall) else { throw JSONScanner.Miss() }
                message.toolCalls = []
            } else if JSONScanner.matches(key, "tool_call_id") {
                message.toolCallID = try json.optionalString()
            } else if JSONScanner.matches(key, "reasoning_content") {
                message.reasoningContent = try json.optionalString()
            } else {
                try json.skipValue()
            }
        }
        guard let role else { throw JSONScanner.Miss() }
        message.role = role
        return message
    }

    func writeJSON(into out: inout ByteWriter) -> Bool {
        guard isPlainText else { return false }
        out.write(#"{"role":"#)
        out.writeJSONString(role)
        out.write(#","content":"#)
        if case .text(let text)? = content { out.writeJSONString(text) } else { out.write("null") }
        if let name {
            out.write(#","name":"#)
            out.writeJSONString(name)
        }
        if toolCalls != nil { out.write(#","tool_calls":[]"#) }
        if let toolCallID {
            out.write(#","tool_call_id":"#)
            out.writeJSONString(toolCallID)
        }
        if let reasoningContent {
            out.write(#","reasoning_content":"#)
            out.writeJSONString(reasoningContent)
        }
        out.write("}")
        return true
    }
}

extension OpenAIMessage {
    /// Text (or no) content and no tool calls: what the hand-written writer handles.
    var isPlainText: Bool {
        if case .parts? = content { return false }
        return toolCalls?.isEmpty ?? true
    }
}
