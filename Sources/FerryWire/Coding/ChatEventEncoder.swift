import FerryCore
import NIOCore

/// Writes a stream of ``ChatEvent``s in one dialect's streaming format (SSE or NDJSON). One encoder per
/// response: it keeps what it must remember between events (ids, half-assembled tool calls).
public protocol ChatEventEncoder: Sendable {
    mutating func encode(_ event: ChatEvent, into buffer: inout ByteBuffer) throws
}

extension OpenAIStreamEncoder: ChatEventEncoder {}
extension OllamaStreamEncoder: ChatEventEncoder {}
extension GeminiStreamEncoder: ChatEventEncoder {}
