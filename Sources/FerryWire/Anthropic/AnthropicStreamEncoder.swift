import FerryCore
import Foundation
import NIOCore

/// Writes ``ChatEvent``s as the Messages API's stream: `message_start`, a `ping`, then for each content block
/// `content_block_start`, its deltas (`text_delta`, or `input_json_delta` for a tool call's input) and
/// `content_block_stop`, then `message_delta` (stop reason and usage) and `message_stop`; a failure is an `error`
/// event. Every frame names its event (`event: …`) as Anthropic's clients require. Text deltas, nearly every
/// frame, are written by hand.
///
/// ```swift
/// var encoder = AnthropicStreamEncoder()
/// try encoder.encode(.start(StreamStart(id: "msg_1", model: "claude", created: 0)), into: &buffer)
/// ```
public struct AnthropicStreamEncoder: Sendable {
    /// The block being written: text, or the tool call of this index.
    private enum Open: Equatable {
        case none
        case text
        case tool(Int)
    }

    private var open = Open.none
    /// The index of the next block.
    private var nextBlock = 0
    private var started = false
    private var id = ""
    private var model = ""

    public init() {}

    public mutating func encode(_ event: ChatEvent, into buffer: inout ByteBuffer) throws {
        switch event {
        case .start(let start):
            id = start.id
            model = start.model
            try startMessage(into: &buffer)
        case .textDelta(let text):
            try writeTextDelta(size: text.utf8.count, into: &buffer) { $0.writeJSONString(text) }
        case .toolCallDelta(let delta):
            try startMessage(into: &buffer)
            if open != .tool(delta.index) {
                closeBlock(into: &buffer)
                let id = delta.id ?? ToolCall.synthesizedID(index: delta.index, seed: delta.name ?? "")
                try frame("content_block_start", BlockStart(index: nextBlock, contentBlock: .toolUse(id: id, name: delta.name ?? "", input: [:])), into: &buffer)
                open = .tool(delta.index)
                nextBlock += 1
            }
            if !delta.arguments.isEmpty {
                try frame("content_block_delta", BlockDelta(index: nextBlock - 1, delta: .init(type: "input_json_delta", partialJSON: delta.arguments)), into: &buffer)
            }
        case .finish(let finish):
            try startMessage(into: &buffer)
            closeBlock(into: &buffer)
            let reason = AnthropicStopReason.wire(finish.reason)
            buffer.writeWithByteWriter(estimatedSize: 256) { out in
                out.write("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":")
                out.writeJSONString(reason)
                out.write(",\"stop_sequence\":null},\"usage\":{")
                if let usage = finish.usage {
                    out.write("\"input_tokens\":")
                    out.write(decimal: usage.promptTokens)
                    out.write(",\"output_tokens\":")
                    out.write(decimal: usage.completionTokens)
                } else {
                    out.write("\"output_tokens\":0")
                }
                out.write("}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")
            }
        case .error(let error):
            try frame("error", AnthropicErrorBody(status: error.responseStatus, message: error.description), into: &buffer)
        }
    }

    /// Text given as ASCII bytes that need no escaping: the same frame `encode(.textDelta(…))` writes.
    public mutating func encode(text: UnsafeRawBufferPointer, into buffer: inout ByteBuffer) throws {
        try writeTextDelta(size: text.count, into: &buffer) { out in
            out.write(byte: UInt8(ascii: "\""))
            out.write(text)
            out.write(byte: UInt8(ascii: "\""))
        }
    }

    /// A text delta in the open text block (opened first when another block, or none, is open); `text` writes the
    /// delta's JSON string.
    private mutating func writeTextDelta(size: Int, into buffer: inout ByteBuffer, _ text: (inout ByteWriter) -> Void) throws {
        try startMessage(into: &buffer)
        openText(into: &buffer)
        buffer.writeWithByteWriter(estimatedSize: 96 + size) { out in
            out.write("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":")
            out.write(decimal: nextBlock - 1)
            out.write(",\"delta\":{\"type\":\"text_delta\",\"text\":")
            text(&out)
            out.write("}}\n\n")
        }
    }

    private mutating func startMessage(into buffer: inout ByteBuffer) throws {
        guard !started else { return }
        started = true
        buffer.writeWithByteWriter(estimatedSize: 256 + id.utf8.count + model.utf8.count) { out in
            out.write("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":")
            out.writeJSONString(id)
            out.write(",\"type\":\"message\",\"role\":\"assistant\",\"model\":")
            out.writeJSONString(model)
            out.write(",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":0,\"output_tokens\":0}}}\n\n")
            out.write("event: ping\ndata: {\"type\":\"ping\"}\n\n")
        }
    }

    private mutating func openText(into buffer: inout ByteBuffer) {
        guard open != .text else { return }
        closeBlock(into: &buffer)
        buffer.writeWithByteWriter(estimatedSize: 128) { out in
            out.write("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":")
            out.write(decimal: nextBlock)
            out.write(",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n")
        }
        open = .text
        nextBlock += 1
    }

    private mutating func closeBlock(into buffer: inout ByteBuffer) {
        guard open != .none else { return }
        buffer.writeWithByteWriter(estimatedSize: 96) { out in
            out.write("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":")
            out.write(decimal: nextBlock - 1)
            out.write("}\n\n")
        }
        open = .none
    }

    private func frame(_ name: String, _ body: some Encodable, into buffer: inout ByteBuffer) throws {
        SSEEncoder.write(named: name, data: try WireJSON.encode(body), into: &buffer)
    }

    struct BlockStart: Encodable {
        let type = "content_block_start"
        var index: Int
        var contentBlock: AnthropicContentBlock

        enum CodingKeys: String, CodingKey {
            case type, index
            case contentBlock = "content_block"
        }
    }

    struct BlockDelta: Encodable {
        let type = "content_block_delta"
        var index: Int
        var delta: AnthropicStreamEvent.Delta
    }
}
