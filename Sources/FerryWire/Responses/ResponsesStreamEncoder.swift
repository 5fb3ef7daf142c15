import FerryCore
import Foundation
import NIOCore

/// Writes ``ChatEvent``s as the Responses API's stream, every frame named (`event: …`) and numbered
/// (`sequence_number`): `response.created` and `response.in_progress`; for the answer's text an output message —
/// `response.output_item.added`, `response.content_part.added`, `response.output_text.delta`s, then
/// `…output_text.done`, `…content_part.done`, `…output_item.done`; for each tool call a function call item —
/// `…output_item.added`, `response.function_call_arguments.delta`s, `….done`, `…output_item.done`; at the end
/// `response.completed` (or `response.incomplete` at the token limit) with the whole response, or
/// `response.failed` on an error. Items are named as ``ResponsesResponse/complete(with:)`` names them, so the
/// stream and the stored response agree.
///
/// ```swift
/// var encoder = ResponsesStreamEncoder(response: ResponsesResponse(id: "resp_1", model: "m", createdAt: 0, request: request))
/// ```
public struct ResponsesStreamEncoder: Sendable {
    private enum Open {
        case none
        case message(id: String, text: String)
        case call(index: Int, item: ResponsesFunctionCall)
    }

    private var response: ResponsesResponse
    private var open = Open.none
    private var sequence = 0
    private var started = false

    public init(response: ResponsesResponse) {
        self.response = response
    }

    /// The response as the stream has told it so far (complete once the stream ended).
    public var current: ResponsesResponse { response }

    public mutating func encode(_ event: ChatEvent, into buffer: inout ByteBuffer) throws {
        switch event {
        case .start:
            try start(into: &buffer)
        case .textDelta(let text):
            try start(into: &buffer)
            try openMessage(into: &buffer)
            guard case .message(let id, var sofar) = open else { return }
            open = .none
            sofar += text
            open = .message(id: id, text: sofar)
            writeTextDelta(itemID: id, into: &buffer) { $0.writeJSONString(text) }
        case .toolCallDelta(let delta):
            try start(into: &buffer)
            if case .call(let index, _) = open, index == delta.index {} else {
                try close(into: &buffer)
                let item = ResponsesFunctionCall(
                    id: ResponsesResponse.itemID("fc", responseID: response.id, index: response.output.count),
                    callID: delta.id ?? ToolCall.synthesizedID(index: delta.index, seed: delta.name ?? ""), name: delta.name ?? "", arguments: "", status: "in_progress"
                )
                try frame("response.output_item.added", ItemEvent(outputIndex: response.output.count, item: .functionCall(item)), into: &buffer)
                open = .call(index: delta.index, item: item)
            }
            guard case .call(let index, var item) = open, !delta.arguments.isEmpty else { return }
            item.arguments += delta.arguments
            open = .call(index: index, item: item)
            try frame("response.function_call_arguments.delta", ArgumentsDelta(itemID: item.id ?? "", outputIndex: response.output.count, delta: delta.arguments), into: &buffer)
        case .finish(let finish):
            try start(into: &buffer)
            try close(into: &buffer)
            response.usage = finish.usage.map(ResponsesUsage.init)
            if finish.reason == .length {
                response.status = "incomplete"
                response.incompleteDetails = .init(reason: "max_output_tokens")
                try frame("response.incomplete", ResponseEvent(response: response), into: &buffer)
            } else {
                response.status = "completed"
                try frame("response.completed", ResponseEvent(response: response), into: &buffer)
            }
        case .error(let error):
            try start(into: &buffer)
            response.status = "failed"
            response.error = ResponsesError(code: error.responseStatus >= 500 ? "server_error" : "invalid_request", message: error.description)
            try frame("response.failed", ResponseEvent(response: response), into: &buffer)
        }
    }

    /// A text delta, nearly every frame: written by hand.
    private mutating func writeTextDelta(itemID: String, into buffer: inout ByteBuffer, _ delta: (inout ByteWriter) -> Void) {
        let index = response.output.count, number = sequence
        sequence += 1
        buffer.writeWithByteWriter(estimatedSize: 256 + itemID.utf8.count) { out in
            out.write("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":")
            out.write(decimal: number)
            out.write(",\"item_id\":")
            out.writeJSONString(itemID)
            out.write(",\"output_index\":")
            out.write(decimal: index)
            out.write(",\"content_index\":0,\"delta\":")
            delta(&out)
            out.write(",\"logprobs\":[]}\n\n")
        }
    }

    private mutating func start(into buffer: inout ByteBuffer) throws {
        guard !started else { return }
        started = true
        try frame("response.created", ResponseEvent(response: response), into: &buffer)
        try frame("response.in_progress", ResponseEvent(response: response), into: &buffer)
    }

    private mutating func openMessage(into buffer: inout ByteBuffer) throws {
        if case .message = open { return }
        try close(into: &buffer)
        let id = ResponsesResponse.itemID("msg", responseID: response.id, index: response.output.count)
        let item = ResponsesItem.message(ResponsesMessage(id: id, role: "assistant", content: .parts([]), status: "in_progress"))
        try frame("response.output_item.added", ItemEvent(outputIndex: response.output.count, item: item), into: &buffer)
        try frame("response.content_part.added", PartEvent(itemID: id, outputIndex: response.output.count, part: ResponsesContentPart(type: "output_text", text: "")), into: &buffer)
        open = .message(id: id, text: "")
    }

    /// Ends the open item: its `done` events, and it joins the response's output.
    private mutating func close(into buffer: inout ByteBuffer) throws {
        let index = response.output.count
        switch open {
        case .none:
            return
        case .message(let id, let text):
            let part = ResponsesContentPart(type: "output_text", text: text)
            try frame("response.output_text.done", TextDone(itemID: id, outputIndex: index, text: text), into: &buffer)
            try frame("response.content_part.done", PartEvent(itemID: id, outputIndex: index, part: part), into: &buffer)
            let item = ResponsesItem.message(ResponsesMessage(id: id, role: "assistant", content: .parts([part]), status: "completed"))
            try frame("response.output_item.done", ItemEvent(outputIndex: index, item: item), into: &buffer)
            response.output.append(item)
        case .call(_, var item):
            item.status = "completed"
            try frame("response.function_call_arguments.done", ArgumentsDone(itemID: item.id ?? "", outputIndex: index, arguments: item.arguments), into: &buffer)
            try frame("response.output_item.done", ItemEvent(outputIndex: index, item: .functionCall(item)), into: &buffer)
            response.output.append(.functionCall(item))
        }
        open = .none
    }

    /// A named, numbered frame; its JSON written by hand (``ResponsesStreamBody``) unless it holds what only
    /// Codable writes (tools, a schema). Compact JSON has no line breaks: the data is one line.
    private mutating func frame(_ type: String, _ body: some ResponsesStreamBody, into buffer: inout ByteBuffer) throws {
        var body = body
        body.type = type
        body.sequenceNumber = sequence
        sequence += 1
        buffer.writeStaticString("event: ")
        buffer.writeString(type)
        buffer.writeStaticString("\ndata: ")
        try WireJSON.encodeFast(body, into: &buffer)
        buffer.writeStaticString("\n\n")
    }

    struct ResponseEvent: ResponsesStreamBody {
        var type = ""
        var sequenceNumber = 0
        var response: ResponsesResponse
        enum CodingKeys: String, CodingKey { case type, response; case sequenceNumber = "sequence_number" }
    }

    struct ItemEvent: ResponsesStreamBody {
        var type = ""
        var sequenceNumber = 0
        var outputIndex: Int
        var item: ResponsesItem
        enum CodingKeys: String, CodingKey { case type, item; case sequenceNumber = "sequence_number"; case outputIndex = "output_index" }
    }

    struct PartEvent: ResponsesStreamBody {
        var type = ""
        var sequenceNumber = 0
        var itemID: String
        var outputIndex: Int
        var contentIndex = 0
        var part: ResponsesContentPart
        enum CodingKeys: String, CodingKey {
            case type, part
            case sequenceNumber = "sequence_number", itemID = "item_id", outputIndex = "output_index", contentIndex = "content_index"
        }
    }

    struct TextDone: ResponsesStreamBody {
        var type = ""
        var sequenceNumber = 0
        var itemID: String
        var outputIndex: Int
        var contentIndex = 0
        var text: String
        var logprobs: [Int] = []
        enum CodingKeys: String, CodingKey {
            case type, text, logprobs
            case sequenceNumber = "sequence_number", itemID = "item_id", outputIndex = "output_index", contentIndex = "content_index"
        }
    }

    struct ArgumentsDelta: ResponsesStreamBody {
        var type = ""
        var sequenceNumber = 0
        var itemID: String
        var outputIndex: Int
        var delta: String
        enum CodingKeys: String, CodingKey { case type, delta; case sequenceNumber = "sequence_number", itemID = "item_id", outputIndex = "output_index" }
    }

    struct ArgumentsDone: ResponsesStreamBody {
        var type = ""
        var sequenceNumber = 0
        var itemID: String
        var outputIndex: Int
        var arguments: String
        enum CodingKeys: String, CodingKey { case type, arguments; case sequenceNumber = "sequence_number", itemID = "item_id", outputIndex = "output_index" }
    }
}

/// A frame of the Responses stream: its type and sequence number are set as it is written.
protocol ResponsesStreamBody: FastJSONEncodable, Encodable {
    var type: String { get set }
    var sequenceNumber: Int { get set }
}

extension ResponsesStreamEncoder: ChatEventEncoder {}
