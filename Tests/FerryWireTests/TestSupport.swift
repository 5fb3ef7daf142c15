import FerryCore
import FerryWire
import Foundation
import NIOCore
import Testing

/// Bytes of a file in Fixtures/.
func fixture(_ name: String) throws -> [UInt8] {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    return Array(try Data(contentsOf: url))
}

/// The bytes cut at the given offsets, as the chunks a body would arrive in.
func chunks(_ bytes: [UInt8], cuts: [Int]) -> [ByteBuffer] {
    var result: [ByteBuffer] = []
    var start = 0
    for cut in cuts.sorted() + [bytes.count] where cut >= start {
        result.append(ByteBuffer(bytes: bytes[start..<cut]))
        start = cut
    }
    return result
}

/// The events of an OpenAI-compatible SSE body arriving in `chunks`.
func openAIEvents(_ chunks: [ByteBuffer], kind: OpenAIStreamDecoder.Kind = .chat) throws -> [ChatEvent] {
    var events: [ChatEvent] = []
    var sse = SSEDecoder()
    var decoder = OpenAIStreamDecoder(kind: kind)
    for chunk in chunks { try sse.feed(chunk) { try decoder.decode($0.data) { events.append($0) } } }
    try sse.finish { try decoder.decode($0.data) { events.append($0) } }
    try decoder.end({ events.append($0) }, bodyEnded: true)
    return events
}

/// The events of an Ollama NDJSON body arriving in `chunks`.
func ollamaEvents(_ chunks: [ByteBuffer], kind: OllamaStreamDecoder.Kind = .chat) throws -> [ChatEvent] {
    var events: [ChatEvent] = []
    var ndjson = NDJSONDecoder()
    var decoder = OllamaStreamDecoder(kind: kind)
    for chunk in chunks { try ndjson.feed(chunk) { try decoder.decode($0) { events.append($0) } } }
    try ndjson.finish { try decoder.decode($0) { events.append($0) } }
    try decoder.end { events.append($0) }
    return events
}

/// The events of a Gemini SSE body arriving in `chunks`.
func geminiSSEEvents(_ chunks: [ByteBuffer]) throws -> [ChatEvent] {
    var events: [ChatEvent] = []
    var sse = SSEDecoder()
    var decoder = GeminiStreamDecoder(model: "gemini-2.0-flash", created: 1)
    for chunk in chunks { try sse.feed(chunk) { try decoder.decode($0.data) { events.append($0) } } }
    try sse.finish { try decoder.decode($0.data) { events.append($0) } }
    try decoder.end { events.append($0) }
    return events
}

/// The events of a Gemini JSON-array body arriving in `chunks`.
func geminiArrayEvents(_ chunks: [ByteBuffer]) throws -> [ChatEvent] {
    var events: [ChatEvent] = []
    var array = JSONArrayStreamDecoder()
    var decoder = GeminiStreamDecoder(model: "gemini-2.0-flash", created: 1)
    for chunk in chunks { try array.feed(chunk) { try decoder.decode($0) { events.append($0) } } }
    try array.finish()
    try decoder.end { events.append($0) }
    return events
}

/// Encodes events with `encoder` into one body.
func encode(_ events: [ChatEvent], with encoder: some ChatEventEncoder) throws -> [UInt8] {
    var encoder = encoder
    var buffer = ByteBuffer()
    for event in events { try encoder.encode(event, into: &buffer) }
    return Array(buffer.readableBytesView)
}

/// A JSON body as bytes.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
