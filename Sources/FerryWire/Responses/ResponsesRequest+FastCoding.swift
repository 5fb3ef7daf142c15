import FerryCore
import NIOCore

extension ResponsesRequest {
    /// Reads a client's request body as ``WireJSON/decodeRequest(_:from:)`` does (the same errors), by hand first.
    ///
    /// ```swift
    /// let request = try ResponsesRequest(requestBody: body.readableBytesView)
    /// ```
    public init(requestBody: ByteBufferView) throws(FerryError) {
        self = try WireJSON.decodeFastRequest(Self.self, from: requestBody)
    }
}

/// A Responses request of text — `input` a string or messages with string content, sampling settings, store,
/// stream, `previous_response_id` — read by hand; one with tools, a tool choice, a text format, reasoning, metadata
/// or other items goes through Codable.
extension ResponsesRequest: FastJSONDecodable {
    package static func read(_ json: inout JSONScanner) throws -> ResponsesRequest {
        var model: String?
        var request = ResponsesRequest(model: "", input: nil)
        var first = true
        try json.beginObject()
        while let key = try json.nextKey(&first) {
            if JSONScanner.matches(key, "input") {
                if json.skipNull() {
                    request.input = nil
                } else if json.stringIsNext() {
                    request.input = .text(try json.string())
                } else {
                    request.input = .items(try json.array(of: Self.readMessage))
                }
            } else if JSONScanner.matches(key, "model") {
                model = try json.string()
            } else if JSONScanner.matches(key, "instructions") {
                request.instructions = try json.optionalString()
            } else if JSONScanner.matches(key, "previous_response_id") {
                request.previousResponseID = try json.optionalString()
            } else if JSONScanner.matches(key, "store") {
                request.store = try json.optionalBool()
            } else if JSONScanner.matches(key, "stream") {
                request.stream = try json.optionalBool()
            } else if JSONScanner.matches(key, "temperature") {
                request.temperature = try json.optionalDouble()
            } else if JSONScanner.matches(key, "top_p") {
                request.topP = try json.optionalDouble()
            } else if JSONScanner.matches(key, "max_output_tokens") {
                request.maxOutputTokens = try json.optionalInt()
            } else if JSONScanner.matches(key, "parallel_tool_calls") {
                request.parallelToolCalls = try json.optionalBool()
            } else if JSONScanner.matches(key, "user") {
                request.user = try json.optionalString()
            } else if JSONScanner.matches(key, "tools") || JSONScanner.matches(key, "tool_choice") || JSONScanner.matches(key, "text")
                        || JSONScanner.matches(key, "reasoning") || JSONScanner.matches(key, "metadata") {
                guard json.skipNull() else { throw JSONScanner.Miss() }
            } else {
                try json.skipValue()
            }
        }
        guard let model else { throw JSONScanner.Miss() }
        request.model = model
        return request
    }

    /// A message item with string content (`{"role": "user", "content": "hi"}`, its type `message` or left out).
    private static func readMessage(_ json: inout JSONScanner) throws -> ResponsesItem {
        var type: String?
        var id: String?
        var status: String?
        var role: String?
        var content: String?
        var first = true
        try json.beginObject()
        while let key = try json.nextKey(&first) {
            if JSONScanner.matches(key, "role") {
                role = try json.string()
            } else if JSONScanner.matches(key, "content") {
                guard json.stringIsNext() else { throw JSONScanner.Miss() }
                content = try json.string()
            } else if JSONScanner.matches(key, "type") {
                type = try json.optionalString()
                guard type == nil || type == "message" else { throw JSONScanner.Miss() }
            } else if JSONScanner.matches(key, "id") {
                id = try json.optionalString()
            } else if JSONScanner.matches(key, "status") {
                status = try json.optionalString()
            } else {
                throw JSONScanner.Miss()
            }
        }
        guard let role, let content else { throw JSONScanner.Miss() }
        var message = ResponsesMessage(id: id, role: role, content: .text(content), status: status)
        message.type = type
        return .message(message)
    }
}
