import FerryCore
import NIOCore

/// Writes ``ChatEvent``s as an OpenAI-compatible SSE stream: chat chunks or legacy completion chunks, the usage
/// chunk when the client asked for it, then `data: [DONE]`. An in-band error is written as `{"error":{…}}`.
///
/// ```swift
/// var encoder = OpenAIStreamEncoder(kind: .chat, includeUsage: true)
/// var buffer = ByteBuffer()
/// for try await event in stream { try encoder.encode(event, into: &buffer) }
/// ```
public struct OpenAIStreamEncoder: Sendable {
    public let kind: OpenAIStreamDecoder.Kind
    public let includeUsage: Bool
    private var id = ""
    private var model = ""
    private var created = 0
    /// A chat text chunk's bytes before and after its text, made from the first one written after the start.
    private var textFrame: (before: [UInt8], after: [UInt8])?

    public init(kind: OpenAIStreamDecoder.Kind, includeUsage: Bool) {
        self.kind = kind
        self.includeUsage = includeUsage
    }

    public mutating func encode(_ event: ChatEvent, into buffer: inout ByteBuffer) throws {
        switch event {
        case .start(let start):
            id = start.id
            model = start.model
            created = start.created
            textFrame = nil
            if kind == .chat { try writeChat(.init(role: "assistant", content: ""), finishReason: nil, into: &buffer) }
        case .textDelta(let text):
            switch kind {
            case .chat: try writeChat(.init(content: text), finishReason: nil, into: &buffer)
            case .completion: try writeCompletion(text: text, finishReason: nil, into: &buffer)
            }
        case .toolCallDelta(let delta):
            guard kind == .chat else { return }
            let call = OpenAIToolCall(
                index: delta.index, id: delta.id, type: delta.id == nil && delta.name == nil ? nil : "function",
                function: .init(name: delta.name, arguments: delta.arguments)
            )
            try writeChat(.init(toolCalls: [call]), finishReason: nil, into: &buffer)
        case .finish(let finish):
            let reason = finish.reason?.openAIValue ?? "stop"
            switch kind {
            case .chat: try writeChat(.init(), finishReason: reason, into: &buffer)
            case .completion: try writeCompletion(text: "", finishReason: reason, into: &buffer)
            }
            if includeUsage, let usage = finish.usage {
                switch kind {
                case .chat:
                    try write(OpenAIChatCompletionChunk(id: id, created: created, model: model, choices: [], usage: OpenAIUsage(usage)), into: &buffer)
                case .completion:
                    try write(OpenAICompletion(id: id, created: created, model: model, choices: [], usage: OpenAIUsage(usage)), into: &buffer)
                }
            }
            SSEEncoder.writeDone(into: &buffer)
        case .error(let error):
            try write(OpenAIChatCompletionChunk(error: OpenAIErrorDetail(error)), into: &buffer)
        }
    }

    /// A chat text chunk written around bytes that need no escaping. The frame is the chunk of an empty text split
    /// where the text goes, so the bytes are those ``encode(_:into:)`` writes for `.textDelta`.
    public mutating func encode(text: UnsafeRawBufferPointer, into buffer: inout ByteBuffer) throws {
        if kind == .chat, textFrame == nil { textFrame = try makeTextFrame() }
        guard kind == .chat, let frame = textFrame else { return try encode(.textDelta(String(decoding: text, as: UTF8.self)), into: &buffer) }
        buffer.writeBytes(frame.before)
        buffer.writeBytes(text)
        buffer.writeBytes(frame.after)
    }

    private func makeTextFrame() throws -> (before: [UInt8], after: [UInt8])? {
        var empty = ByteBuffer()
        try writeChat(.init(content: ""), finishReason: nil, into: &empty)
        let bytes = Array(empty.readableBytesView)
        let marker = Array("\"content\":\"\"".utf8)
        guard let at = bytes.indices.first(where: { bytes[$0...].starts(with: marker) }) else { return nil }
        let split = at + marker.count - 1
        return (Array(bytes[..<split]), Array(bytes[split...]))
    }

    private func writeChat(_ delta: OpenAIChatCompletionChunk.Delta, finishReason: String?, into buffer: inout ByteBuffer) throws {
        let chunk = OpenAIChatCompletionChunk(id: id, created: created, model: model, choices: [.init(delta: delta, finishReason: finishReason)])
        try write(chunk, into: &buffer)
    }

    private func writeCompletion(text: String, finishReason: String?, into buffer: inout ByteBuffer) throws {
        let chunk = OpenAICompletion(id: id, created: created, model: model, choices: [.init(text: text, finishReason: finishReason)], usage: nil)
        try write(chunk, into: &buffer)
    }

    /// One `data:` event; compact JSON never holds a newline, so it is written in place.
    private func write<Value: Encodable>(_ value: Value, into buffer: inout ByteBuffer) throws {
        buffer.writeStaticString("data: ")
        try WireJSON.encode(value, into: &buffer)
        buffer.writeStaticString("\n\n")
    }
}

extension OpenAIErrorDetail {
    /// The wire form of a ``FerryError``: the whole teaching text as the message, typed by status.
    public init(_ error: FerryError) {
        let body = OpenAIErrorBody(status: error.responseStatus, message: error.description, param: nil)
        self = body.error
    }
}
