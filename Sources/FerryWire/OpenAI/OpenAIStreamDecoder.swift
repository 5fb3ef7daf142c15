import FerryCore

/// Turns the `data:` payloads of an OpenAI-compatible stream (chat or legacy completion) into ``ChatEvent``s.
///
/// The finish event is held back until `[DONE]` (or the end of the body), so the usage chunk that
/// `stream_options.include_usage` adds after the finish reason lands in the same event. Tool-call fragments are
/// keyed by `index` (missing → 0); empty argument fragments are dropped; an `error` object in the stream
/// becomes an in-band error.
///
/// ```swift
/// var decoder = OpenAIStreamDecoder(kind: .chat)
/// try sse.feed(chunk) { event in try decoder.decode(event.data) { yield($0) } }
/// try decoder.end { yield($0) }
/// ```
public struct OpenAIStreamDecoder: Sendable {
    public enum Kind: Sendable { case chat, completion }

    public let kind: Kind
    public let location: ErrorLocation
    private var started = false
    private var sawFinish = false
    private var finishReason: FinishReason?
    private var usage: Usage?
    /// Whether `[DONE]`, an error or the finish has ended the stream.
    public private(set) var isEnded = false

    public init(kind: Kind, location: ErrorLocation = ErrorLocation()) {
        self.kind = kind
        self.location = location
    }

    /// Decodes one event's data.
    public mutating func decode(_ data: [UInt8], _ emit: (ChatEvent) throws -> Void) throws {
        guard !isEnded else { return }
        try decodeChunk(data, emit)
    }

    /// Decodes one event's data; a chat chunk that only adds plain text (see
    /// ``OpenAIChatCompletionChunk/plainText(in:)``) goes to `text` as its bytes instead of to `emit` as a
    /// `.textDelta` — nothing is made for it.
    public mutating func decode(_ data: [UInt8], text: (UnsafeRawBufferPointer) throws -> Void, _ emit: (ChatEvent) throws -> Void) throws {
        guard !isEnded else { return }
        if kind == .chat, started, let range = OpenAIChatCompletionChunk.plainText(in: data) {
            try data.withUnsafeBytes { try text(UnsafeRawBufferPointer(rebasing: $0[range])) }
            return
        }
        try decodeChunk(data, emit)
    }

    private mutating func decodeChunk(_ data: [UInt8], _ emit: (ChatEvent) throws -> Void) throws {
        if data.elementsEqual("[DONE]".utf8) {
            try end(emit)
            return
        }
        switch kind {
        case .chat:
            let chunk = try WireJSON.decode(OpenAIChatCompletionChunk.self, from: data, location: location)
            if let error = chunk.error { return try fail(error, emit) }
            try begin(id: chunk.id, model: chunk.model, created: chunk.created, emit)
            for choice in chunk.choices ?? [] where choice.index == 0 {
                if let content = choice.delta.content, !content.isEmpty { try emit(.textDelta(content)) }
                for call in choice.delta.toolCalls ?? [] {
                    let arguments = call.function?.arguments ?? ""
                    let name = call.function?.name
                    if call.id == nil, name == nil, arguments.isEmpty { continue }
                    try emit(.toolCallDelta(ToolCallDelta(index: call.index ?? 0, id: call.id, name: name, arguments: arguments)))
                }
                if let reason = choice.finishReason { finish(FinishReason(openAIValue: reason)) }
            }
            if let wireUsage = chunk.usage { usage = wireUsage.usage }
        case .completion:
            let chunk = try WireJSON.decode(OpenAICompletion.self, from: data, location: location)
            if let error = chunk.error { return try fail(error, emit) }
            try begin(id: chunk.id, model: chunk.model, created: chunk.created, emit)
            for choice in chunk.choices ?? [] where choice.index == 0 {
                if !choice.text.isEmpty { try emit(.textDelta(choice.text)) }
                if let reason = choice.finishReason { finish(FinishReason(openAIValue: reason)) }
            }
            if let wireUsage = chunk.usage { usage = wireUsage.usage }
        }
    }

    /// Ends the stream at `[DONE]` or the end of the body: emits the finish, or an interruption error when no
    /// finish reason ever came and no `[DONE]` was seen.
    public mutating func end(_ emit: (ChatEvent) throws -> Void, bodyEnded: Bool = false) throws {
        guard !isEnded else { return }
        isEnded = true
        if bodyEnded, !sawFinish {
            try emit(.error(.streamInterrupted("the body ended without a finish reason or [DONE]", location: location)))
            return
        }
        try emit(.finish(StreamFinish(reason: finishReason, usage: usage)))
    }

    private mutating func begin(id: String?, model: String?, created: Int?, _ emit: (ChatEvent) throws -> Void) throws {
        guard !started else { return }
        started = true
        try emit(.start(StreamStart(id: id ?? "", model: model ?? location.model ?? "", created: created ?? 0)))
    }

    private mutating func finish(_ reason: FinishReason) {
        sawFinish = true
        finishReason = reason
    }

    private mutating func fail(_ detail: OpenAIErrorDetail, _ emit: (ChatEvent) throws -> Void) throws {
        isEnded = true
        let status = detail.code.flatMap { code -> Int? in
            if case .integer(let value) = code { return Int(value) }
            return nil
        } ?? 500
        try emit(.error(OpenAIErrorBody(error: detail).ferryError(status: status, location: location)))
    }
}
