import FerryCore
import NIOCore

/// Reads one dialect's streamed response body — framing and dialect together — into ``ChatEvent``s, whatever
/// the chunk boundaries. The counterpart of ``ChatEventEncoder``.
///
/// ```swift
/// var parser = OpenAIStreamParser(kind: .chat)
/// for try await chunk in body { try parser.feed(chunk) { events.append($0) } }
/// try parser.finish { events.append($0) }
/// ```
public protocol ChatStreamParser: Sendable {
    /// Feeds one chunk of the body.
    mutating func feed(_ chunk: ByteBuffer, _ emit: (ChatEvent) throws -> Void) throws
    /// Feeds one chunk of the body; a text delta the parser can hand over without making a string goes to `text`
    /// instead of `emit`: ASCII bytes that need no JSON escaping (no quote, backslash or control character),
    /// valid only during the call. Parsers that cannot do this emit every text delta as ``ChatEvent/textDelta(_:)``.
    mutating func feed(_ chunk: ByteBuffer, text: (UnsafeRawBufferPointer) throws -> Void, _ emit: (ChatEvent) throws -> Void) throws
    /// Ends the body: emits the finish, or an interruption error when the stream was cut short.
    mutating func finish(_ emit: (ChatEvent) throws -> Void) throws
}

extension ChatStreamParser {
    public mutating func feed(_ chunk: ByteBuffer, text: (UnsafeRawBufferPointer) throws -> Void, _ emit: (ChatEvent) throws -> Void) throws {
        try feed(chunk, emit)
    }
}

/// An OpenAI-compatible SSE body (chat or legacy completion).
public struct OpenAIStreamParser: ChatStreamParser {
    private var framing = SSEDecoder()
    private var decoder: OpenAIStreamDecoder

    public init(kind: OpenAIStreamDecoder.Kind, location: ErrorLocation = ErrorLocation()) {
        decoder = OpenAIStreamDecoder(kind: kind, location: location)
    }

    public mutating func feed(_ chunk: ByteBuffer, _ emit: (ChatEvent) throws -> Void) throws {
        try framing.feed(chunk) { event in try decoder.decode(event.data, emit) }
    }

    public mutating func feed(_ chunk: ByteBuffer, text: (UnsafeRawBufferPointer) throws -> Void, _ emit: (ChatEvent) throws -> Void) throws {
        try framing.feed(chunk) { event in try decoder.decode(event.data, text: text, emit) }
    }

    public mutating func finish(_ emit: (ChatEvent) throws -> Void) throws {
        try framing.finish { event in try decoder.decode(event.data, emit) }
        try decoder.end(emit, bodyEnded: true)
    }
}

/// An Ollama NDJSON body (`/api/chat` or `/api/generate`).
public struct OllamaStreamParser: ChatStreamParser {
    private var framing = NDJSONDecoder()
    private var decoder: OllamaStreamDecoder

    public init(kind: OllamaStreamDecoder.Kind, location: ErrorLocation = ErrorLocation()) {
        decoder = OllamaStreamDecoder(kind: kind, location: location)
    }

    public mutating func feed(_ chunk: ByteBuffer, _ emit: (ChatEvent) throws -> Void) throws {
        try framing.feed(chunk) { line in try decoder.decode(line, emit) }
    }

    public mutating func finish(_ emit: (ChatEvent) throws -> Void) throws {
        try framing.finish { line in try decoder.decode(line, emit) }
        try decoder.end(emit)
    }
}

/// A Gemini `streamGenerateContent` body, as SSE (`alt=sse`) or as one JSON array.
public struct GeminiStreamParser: ChatStreamParser {
    private enum Framing: Sendable {
        case sse(SSEDecoder)
        case jsonArray(JSONArrayStreamDecoder)
    }

    private var framing: Framing
    private var decoder: GeminiStreamDecoder

    public init(model: String, framing: GeminiStreamEncoder.Framing, location: ErrorLocation = ErrorLocation(), created: Int = Timestamps.nowSeconds()) {
        self.framing = switch framing {
        case .sse: .sse(SSEDecoder())
        case .jsonArray: .jsonArray(JSONArrayStreamDecoder())
        }
        decoder = GeminiStreamDecoder(model: model, location: location, created: created)
    }

    public mutating func feed(_ chunk: ByteBuffer, _ emit: (ChatEvent) throws -> Void) throws {
        switch framing {
        case .sse(var sse):
            try sse.feed(chunk) { event in try decoder.decode(event.data, emit) }
            framing = .sse(sse)
        case .jsonArray(var array):
            try array.feed(chunk) { element in try decoder.decode(element, emit) }
            framing = .jsonArray(array)
        }
    }

    public mutating func finish(_ emit: (ChatEvent) throws -> Void) throws {
        switch framing {
        case .sse(var sse):
            try sse.finish { event in try decoder.decode(event.data, emit) }
            framing = .sse(sse)
        case .jsonArray(var array):
            try array.finish()
            framing = .jsonArray(array)
        }
        try decoder.end(emit)
    }
}

/// The Messages API's SSE stream (``AnthropicStreamDecoder``).
public struct AnthropicStreamParser: ChatStreamParser {
    private var sse = SSEDecoder()
    private var decoder: AnthropicStreamDecoder

    public init(model: String, location: ErrorLocation = ErrorLocation(), created: Int = Timestamps.nowSeconds()) {
        decoder = AnthropicStreamDecoder(model: model, location: location, created: created)
    }

    public mutating func feed(_ chunk: ByteBuffer, _ emit: (ChatEvent) throws -> Void) throws {
        try sse.feed(chunk) { event in try decoder.decode(event.data, emit) }
    }

    public mutating func finish(_ emit: (ChatEvent) throws -> Void) throws {
        try sse.finish { event in try decoder.decode(event.data, emit) }
        try decoder.end(emit)
    }
}
