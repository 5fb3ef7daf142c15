import FerryCore
import NIOCore

/// Writes a stream of ``ChatEvent``s in one dialect's streaming format (SSE or NDJSON). One encoder per
/// response: it keeps what it must remember between events (ids, half-assembled tool calls).
public protocol ChatEventEncoder: Sendable {
    mutating func encode(_ event: ChatEvent, into buffer: inout ByteBuffer) throws
    /// Writes a text delta given as ASCII bytes that need no JSON escaping (what
    /// ``ChatStreamParser/feed(_:text:_:)`` hands over): the same bytes `encode(.textDelta(…))` writes.
    mutating func encode(text: UnsafeRawBufferPointer, into buffer: inout ByteBuffer) throws
}

extension ChatEventEncoder {
    public mutating func encode(text: UnsafeRawBufferPointer, into buffer: inout ByteBuffer) throws {
        try encode(.textDelta(String(decoding: text, as: UTF8.self)), into: &buffer)
    }
}

extension OpenAIStreamEncoder: ChatEventEncoder {}
extension OllamaStreamEncoder: ChatEventEncoder {}
extension GeminiStreamEncoder: ChatEventEncoder {}
extension AnthropicStreamEncoder: ChatEventEncoder {}
