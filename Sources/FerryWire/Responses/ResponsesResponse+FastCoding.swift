import NIOCore

/// A response of text and function calls, without tools, metadata or a structured format, written by hand: the
/// Responses stream writes it whole in its first two frames and its last. Anything else goes through Codable.
extension ResponsesResponse: FastJSONEncodable {
    var estimatedJSONSize: Int {
        var size = 640 + id.utf8.count + model.utf8.count + (instructions?.utf8.count ?? 0) + (error?.message.utf8.count ?? 0)
        for item in output { size += item.estimatedJSONSize }
        return size
    }

    func writeJSON(into out: inout ByteWriter) -> Bool {
        guard writesPlainly, case .mode(let mode) = toolChoice else { return false }
        out.write(#"{"id":"#)
        out.writeJSONString(id)
        out.write(#","object":"#)
        out.writeJSONString(object)
        out.write(#","created_at":"#)
        out.write(decimal: createdAt)
        out.write(#","status":"#)
        out.writeJSONString(status)
        out.write(#","model":"#)
        out.writeJSONString(model)
        out.write(#","output":["#)
        for (position, item) in output.enumerated() {
            if position > 0 { out.write(",") }
            _ = item.writeJSON(into: &out)
        }
        out.write(#"],"usage":"#)
        if let usage { _ = usage.writeJSON(into: &out) } else { out.write("null") }
        out.write(#","error":"#)
        if let error {
            out.write(#"{"code":"#)
            out.writeJSONString(error.code)
            out.write(#","message":"#)
            out.writeJSONString(error.message)
            out.write("}")
        } else {
            out.write("null")
        }
        out.write(#","incomplete_details":"#)
        if let incompleteDetails {
            out.write(#"{"reason":"#)
            out.writeJSONString(incompleteDetails.reason)
            out.write("}")
        } else {
            out.write("null")
        }
        out.write(#","instructions":"#)
        out.writeJSONString(instructions)
        out.write(#","tools":[],"tool_choice":"#)
        out.writeJSONString(mode)
        out.write(parallelToolCalls ? #","parallel_tool_calls":true"# : #","parallel_tool_calls":false"#)
        out.write(#","previous_response_id":"#)
        out.writeJSONString(previousResponseID)
        out.write(store ? #","store":true"# : #","store":false"#)
        out.write(#","temperature":"#)
        if let temperature { out.writeJSONNumber(temperature) } else { out.write("null") }
        out.write(#","top_p":"#)
        if let topP { out.writeJSONNumber(topP) } else { out.write("null") }
        out.write(#","max_output_tokens":"#)
        if let maxOutputTokens { out.write(decimal: maxOutputTokens) } else { out.write("null") }
        out.write(#","text":"#)
        if let format = text.format {
            out.write(#"{"format":{"type":"#)
            out.writeJSONString(format.type)
            out.write("}}")
        } else {
            out.write("{}")
        }
        out.write(#","metadata":{}"#)
        if let user {
            out.write(#","user":"#)
            out.writeJSONString(user)
        }
        out.write("}")
        return true
    }
}

extension ResponsesText {
    /// A format named by its type alone (`text`, `json_object`), or none.
    var writesPlainly: Bool {
        guard let format else { return true }
        return format.name == nil && format.schema == nil && format.strict == nil
    }
}

extension ResponsesItem: FastJSONEncodable {
    var estimatedJSONSize: Int {
        switch self {
        case .message(let message): 160 + (message.id?.utf8.count ?? 0) + message.content.text.utf8.count
        case .functionCall(let call): 160 + call.callID.utf8.count + call.name.utf8.count + call.arguments.utf8.count
        case .functionCallOutput(let id, let output): 64 + id.utf8.count + output.utf8.count
        case .reasoning: 256
        }
    }

    /// What an answer's output holds: a message of text parts, or a function call.
    var writesPlainly: Bool {
        switch self {
        case .message(let message):
            guard case .parts(let parts) = message.content else { return true }
            return parts.allSatisfy(\.writesPlainly)
        case .functionCall: return true
        case .functionCallOutput, .reasoning: return false
        }
    }

    func writeJSON(into out: inout ByteWriter) -> Bool {
        switch self {
        case .message(let message):
            guard writesPlainly else { return false }
            out.write("{")
            var comma = false
            out.writeOptionalField(#""type":"#, message.type, &comma)
            out.writeOptionalField(#""id":"#, message.id, &comma)
            out.writeOptionalField(#""status":"#, message.status, &comma)
            out.write(comma ? #","role":"# : #""role":"#)
            out.writeJSONString(message.role)
            out.write(#","content":"#)
            switch message.content {
            case .text(let text):
                out.writeJSONString(text)
            case .parts(let parts):
                out.write("[")
                for (position, part) in parts.enumerated() {
                    if position > 0 { out.write(",") }
                    _ = part.writeJSON(into: &out)
                }
                out.write("]")
            }
            out.write("}")
            return true
        case .functionCall(let call):
            out.write(#"{"type":"#)
            out.writeJSONString(call.type)
            if let id = call.id {
                out.write(#","id":"#)
                out.writeJSONString(id)
            }
            out.write(#","call_id":"#)
            out.writeJSONString(call.callID)
            out.write(#","name":"#)
            out.writeJSONString(call.name)
            out.write(#","arguments":"#)
            out.writeJSONString(call.arguments)
            if let status = call.status {
                out.write(#","status":"#)
                out.writeJSONString(status)
            }
            out.write("}")
            return true
        case .functionCallOutput, .reasoning:
            return false
        }
    }
}

extension ResponsesContentPart: FastJSONEncodable {
    /// A text part (`output_text`, `input_text`): no image, detail, refusal or annotations.
    var writesPlainly: Bool {
        imageURL == nil && detail == nil && refusal == nil && (annotations?.isEmpty ?? true)
    }

    func writeJSON(into out: inout ByteWriter) -> Bool {
        guard writesPlainly else { return false }
        out.write(#"{"type":"#)
        out.writeJSONString(type)
        if let text {
            out.write(#","text":"#)
            out.writeJSONString(text)
        }
        if annotations != nil { out.write(#","annotations":[]"#) }
        out.write("}")
        return true
    }
}

extension ResponsesUsage: FastJSONEncodable {
    func writeJSON(into out: inout ByteWriter) -> Bool {
        out.write(#"{"input_tokens":"#)
        out.write(decimal: inputTokens)
        out.write(#","output_tokens":"#)
        out.write(decimal: outputTokens)
        out.write(#","total_tokens":"#)
        out.write(decimal: totalTokens)
        out.write(#","input_tokens_details":{"cached_tokens":"#)
        out.write(decimal: inputTokensDetails.cachedTokens)
        out.write(#"},"output_tokens_details":{"reasoning_tokens":"#)
        out.write(decimal: outputTokensDetails.reasoningTokens)
        out.write("}}")
        return true
    }
}

extension ByteWriter {
    /// `"key":"value"` after a comma when one is due, when `value` is there.
    fileprivate mutating func writeOptionalField(_ key: StaticString, _ value: String?, _ comma: inout Bool) {
        guard let value else { return }
        if comma { write(",") }
        write(key)
        writeJSONString(value)
        comma = true
    }
}
