import FerryCore

/// Turns streamed Gemini responses (SSE frames or JSON array elements, each a whole response object) into
/// ``ChatEvent``s. Each `functionCall` part becomes a whole ``ToolCallDelta`` with the next index. There is no
/// `[DONE]`: the finish event is emitted at the end of the body, with the last usage seen.
///
/// ```swift
/// var decoder = GeminiStreamDecoder(model: "gemini-2.0-flash")
/// try sse.feed(chunk) { event in try decoder.decode(event.data) { yield($0) } }
/// try decoder.end { yield($0) }
/// ```
public struct GeminiStreamDecoder: Sendable {
    public let model: String
    public let location: ErrorLocation
    /// Gemini answers carry no creation time: the decoder's own is used.
    public let created: Int
    private var started = false
    private var nextToolIndex = 0
    private var finishReason: String?
    private var usage: Usage?
    public private(set) var isEnded = false

    public init(model: String, location: ErrorLocation = ErrorLocation(), created: Int = Timestamps.nowSeconds()) {
        self.model = model
        self.location = location
        self.created = created
    }

    /// Decodes one frame's JSON.
    public mutating func decode(_ data: [UInt8], _ emit: (ChatEvent) throws -> Void) throws {
        try decode(WireJSON.decode(GeminiGenerateContentResponse.self, from: data, location: location), emit)
    }

    /// Decodes one response object.
    public mutating func decode(_ response: GeminiGenerateContentResponse, _ emit: (ChatEvent) throws -> Void) throws {
        guard !isEnded else { return }
        if let error = response.error {
            isEnded = true
            try emit(.error(.upstream(status: error.code, message: error.message, location: location)))
            return
        }
        if !started {
            started = true
            try emit(.start(StreamStart(id: response.responseId ?? "", model: response.modelVersion ?? model, created: created)))
        }
        if let candidate = response.candidates?.first {
            for part in candidate.content?.parts ?? [] {
                if let text = part.text, !text.isEmpty, part.thought != true { try emit(.textDelta(text)) }
                if let call = part.functionCall {
                    let arguments = (call.args ?? [:]).jsonText
                    let id = call.id ?? ToolCall.synthesizedID(index: nextToolIndex, seed: call.name + arguments)
                    try emit(.toolCallDelta(ToolCallDelta(index: nextToolIndex, id: id, name: call.name, arguments: arguments)))
                    nextToolIndex += 1
                }
            }
            if let reason = candidate.finishReason { finishReason = reason }
        }
        if let metadata = response.usageMetadata { usage = metadata.usage }
    }

    /// Ends the stream at the end of the body.
    public mutating func end(_ emit: (ChatEvent) throws -> Void) throws {
        guard !isEnded else { return }
        isEnded = true
        guard let finishReason else {
            try emit(.error(.streamInterrupted("the body ended before a candidate carried a finishReason", location: location)))
            return
        }
        try emit(.finish(StreamFinish(reason: GeminiFinishReason.core(finishReason, calledTools: nextToolIndex > 0), usage: usage)))
    }
}
