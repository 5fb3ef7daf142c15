import FerryCore
import Foundation
import NIOCore

/// Writes ``ChatEvent``s as Gemini's `streamGenerateContent` answer: one whole response object per SSE frame
/// (`alt=sse`) or per element of one JSON array (the default), the last carrying `finishReason` and
/// `usageMetadata`; no `[DONE]`. Tool-call fragments are collected by index and written whole as `functionCall`
/// parts.
public struct GeminiStreamEncoder: Sendable {
    public enum Framing: Sendable {
        /// `data: {…}` frames (`?alt=sse`).
        case sse
        /// `[{…},\r\n{…}]`, written element by element.
        case jsonArray
    }

    public let framing: Framing
    private var id = ""
    private var model = ""
    private var calls: [Int: (id: String?, name: String, arguments: String)] = [:]
    private var wroteElement = false

    public init(framing: Framing = .sse) {
        self.framing = framing
    }

    public mutating func encode(_ event: ChatEvent, into buffer: inout ByteBuffer) throws {
        switch event {
        case .start(let start):
            id = start.id
            model = start.model
        case .textDelta(let text):
            try write(parts: [GeminiPart(text: text)], finishReason: nil, usage: nil, into: &buffer)
        case .toolCallDelta(let delta):
            var call = calls[delta.index] ?? (id: nil, name: "", arguments: "")
            if let id = delta.id { call.id = id }
            if let name = delta.name, call.name.isEmpty { call.name = name }
            call.arguments += delta.arguments
            calls[delta.index] = call
        case .finish(let finish):
            let parts = calls.keys.sorted().map { index in
                let call = calls[index]!
                let args = (try? JSONValue(parsing: call.arguments.isEmpty ? "{}" : call.arguments)) ?? [:]
                return GeminiPart(functionCall: .init(id: call.id, name: call.name, args: args))
            }
            try write(parts: parts.isEmpty ? [GeminiPart(text: "")] : parts, finishReason: GeminiFinishReason.wire(finish.reason), usage: finish.usage, into: &buffer)
            closeArray(into: &buffer)
        case .error(let error):
            let body = GeminiErrorBody(code: error.responseStatus, message: error.description)
            writeElement(try WireJSON.encode(body), into: &buffer)
            closeArray(into: &buffer)
        }
    }

    private mutating func writeElement(_ json: Data, into buffer: inout ByteBuffer) {
        switch framing {
        case .sse:
            SSEEncoder.writeData(json, into: &buffer)
        case .jsonArray:
            buffer.writeStaticString(wroteElement ? ",\r\n" : "[")
            buffer.writeBytes(json)
        }
        wroteElement = true
    }

    private mutating func closeArray(into buffer: inout ByteBuffer) {
        guard framing == .jsonArray else { return }
        buffer.writeStaticString(wroteElement ? "]" : "[]")
    }

    private mutating func write(parts: [GeminiPart], finishReason: String?, usage: Usage?, into buffer: inout ByteBuffer) throws {
        let response = GeminiGenerateContentResponse(
            candidates: [.init(content: GeminiContent(role: "model", parts: parts), finishReason: finishReason)],
            usageMetadata: usage.map(GeminiGenerateContentResponse.UsageMetadata.init),
            modelVersion: model,
            responseId: id
        )
        writeElement(try WireJSON.encode(response), into: &buffer)
    }
}
