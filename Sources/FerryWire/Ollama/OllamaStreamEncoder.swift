import FerryCore
import NIOCore

/// Writes ``ChatEvent``s as Ollama NDJSON (`/api/chat` or `/api/generate` lines).
///
/// Tool-call fragments (from an OpenAI-dialect backend) are collected by index and written whole, in one line
/// before the `done` line, as Ollama does. Durations in the final line are measured from the encoder's creation
/// and split at the first token (``OllamaTimings``); `load_duration` is the backend's, when it reports one.
///
/// ```swift
/// var encoder = OllamaStreamEncoder(kind: .chat)
/// for try await event in stream { try encoder.encode(event, into: &buffer) }
/// ```
public struct OllamaStreamEncoder: Sendable {
    public let kind: OllamaStreamDecoder.Kind
    private var model = ""
    private var createdAt = ""
    private let begun = ContinuousClock.now
    private var firstToken: ContinuousClock.Instant?
    private var calls: [Int: (id: String?, name: String, arguments: String)] = [:]

    public init(kind: OllamaStreamDecoder.Kind) {
        self.kind = kind
    }

    public mutating func encode(_ event: ChatEvent, into buffer: inout ByteBuffer) throws {
        switch event {
        case .start(let start):
            model = start.model
            createdAt = Timestamps.rfc3339()
        case .textDelta(let text):
            if firstToken == nil { firstToken = .now }
            switch kind {
            case .chat: try write(OllamaChatResponse(model: model, createdAt: Timestamps.rfc3339(), message: OllamaMessage(role: "assistant", content: text), done: false), into: &buffer)
            case .generate: try write(OllamaGenerateResponse(model: model, createdAt: Timestamps.rfc3339(), response: text, done: false), into: &buffer)
            }
        case .toolCallDelta(let delta):
            if firstToken == nil { firstToken = .now }
            var call = calls[delta.index] ?? (id: nil, name: "", arguments: "")
            if let id = delta.id { call.id = id }
            if let name = delta.name, call.name.isEmpty { call.name = name }
            call.arguments += delta.arguments
            calls[delta.index] = call
        case .finish(let finish):
            let timings = OllamaTimings(begun: begun, firstToken: firstToken, load: finish.loadDuration)
            switch kind {
            case .chat:
                if !calls.isEmpty {
                    let toolCalls = calls.keys.sorted().map { index in
                        let call = calls[index]!
                        let arguments = (try? JSONValue(parsing: call.arguments.isEmpty ? "{}" : call.arguments)) ?? [:]
                        return OllamaToolCall(function: .init(name: call.name, arguments: arguments, index: index))
                    }
                    try write(OllamaChatResponse(model: model, createdAt: Timestamps.rfc3339(), message: OllamaMessage(role: "assistant", content: "", toolCalls: toolCalls), done: false), into: &buffer)
                }
                var last = OllamaChatResponse(model: model, createdAt: Timestamps.rfc3339(), message: OllamaMessage(role: "assistant", content: ""), done: true)
                last.doneReason = OllamaFormat.doneReason(finish.reason)
                last.apply(usage: finish.usage, timings: timings)
                try write(last, into: &buffer)
            case .generate:
                var last = OllamaGenerateResponse(model: model, createdAt: Timestamps.rfc3339(), response: "", done: true)
                last.doneReason = OllamaFormat.doneReason(finish.reason)
                last.apply(usage: finish.usage, timings: timings)
                try write(last, into: &buffer)
            }
        case .error(let error):
            try write(OllamaErrorBody(error: error.description), into: &buffer)
        }
    }

    private func write<Value: Encodable>(_ value: Value, into buffer: inout ByteBuffer) throws {
        try NDJSONEncoder.writeLine(value, into: &buffer)
    }
}
