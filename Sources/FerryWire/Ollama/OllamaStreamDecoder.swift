import FerryCore

/// Turns the NDJSON lines of an Ollama stream (`/api/chat` or `/api/generate`) into ``ChatEvent``s.
///
/// Ollama delivers each tool call whole, arguments as an object and usually without an id: each becomes one
/// ``ToolCallDelta`` with the next index and a synthesised id. The line with `done: true` becomes the finish
/// event with usage; a line with `error` becomes an in-band error.
///
/// ```swift
/// var decoder = OllamaStreamDecoder(kind: .chat)
/// try ndjson.feed(chunk) { line in try decoder.decode(line) { yield($0) } }
/// try decoder.end { yield($0) }
/// ```
public struct OllamaStreamDecoder: Sendable {
    public enum Kind: Sendable { case chat, generate }

    public let kind: Kind
    public let location: ErrorLocation
    private var started = false
    private var nextToolIndex = 0
    public private(set) var isEnded = false

    public init(kind: Kind, location: ErrorLocation = ErrorLocation()) {
        self.kind = kind
        self.location = location
    }

    /// Decodes one NDJSON line.
    public mutating func decode(_ line: [UInt8], _ emit: (ChatEvent) throws -> Void) throws {
        guard !isEnded else { return }
        switch kind {
        case .chat:
            let chunk = try WireJSON.decode(OllamaChatResponse.self, from: line, location: location)
            if let error = chunk.error { return try fail(error, emit) }
            try begin(model: chunk.model, createdAt: chunk.createdAt, emit)
            if let message = chunk.message {
                if !message.content.isEmpty { try emit(.textDelta(message.content)) }
                for call in message.toolCalls ?? [] {
                    let whole = call.toolCall(index: nextToolIndex)
                    try emit(.toolCallDelta(ToolCallDelta(index: nextToolIndex, id: whole.id, name: whole.name, arguments: whole.arguments)))
                    nextToolIndex += 1
                }
            }
            if chunk.done == true {
                isEnded = true
                let reason = OllamaFormat.finishReason(chunk.doneReason, calledTools: nextToolIndex > 0)
                try emit(.finish(StreamFinish(reason: reason, usage: chunk.usage ?? Usage(promptTokens: 0, completionTokens: 0), loadDuration: chunk.loadDuration.flatMap { $0 > 0 ? .nanoseconds($0) : nil })))
            }
        case .generate:
            let chunk = try WireJSON.decode(OllamaGenerateResponse.self, from: line, location: location)
            if let error = chunk.error { return try fail(error, emit) }
            try begin(model: chunk.model, createdAt: chunk.createdAt, emit)
            if let text = chunk.response, !text.isEmpty { try emit(.textDelta(text)) }
            if chunk.done == true {
                isEnded = true
                let reason = OllamaFormat.finishReason(chunk.doneReason, calledTools: false)
                try emit(.finish(StreamFinish(reason: reason, usage: chunk.usage ?? Usage(promptTokens: 0, completionTokens: 0), loadDuration: chunk.loadDuration.flatMap { $0 > 0 ? .nanoseconds($0) : nil })))
            }
        }
    }

    /// Ends the stream at the end of the body: an error when no `done: true` line came.
    public mutating func end(_ emit: (ChatEvent) throws -> Void) throws {
        guard !isEnded else { return }
        isEnded = true
        try emit(.error(.streamInterrupted("the body ended before a line with \"done\": true", location: location)))
    }

    private mutating func begin(model: String?, createdAt: String?, _ emit: (ChatEvent) throws -> Void) throws {
        guard !started else { return }
        started = true
        let name = model ?? location.model ?? ""
        try emit(.start(StreamStart(id: OllamaFormat.responseID(model: name, createdAt: createdAt), model: name, created: OllamaFormat.seconds(createdAt))))
    }

    private mutating func fail(_ message: String, _ emit: (ChatEvent) throws -> Void) throws {
        isEnded = true
        if let model = OllamaStreamDecoder.missingModel(in: message) {
            try emit(.error(.modelNotFound(requested: model, served: [], location: location)))
        } else {
            try emit(.error(.upstream(status: 500, message: message, location: location)))
        }
    }

    /// The model named in Ollama's `model "x" not found, try pulling it first`.
    public static func missingModel(in message: String) -> String? {
        guard message.contains("not found"), let open = message.firstIndex(of: "\"") else { return nil }
        let rest = message[message.index(after: open)...]
        guard let close = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<close])
    }
}
