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

/// The events of a whole body arriving in `chunks`, read by `parser`.
func parse(_ chunks: [ByteBuffer], with parser: some ChatStreamParser) throws -> [ChatEvent] {
    var parser = parser
    var events: [ChatEvent] = []
    for chunk in chunks { try parser.feed(chunk) { events.append($0) } }
    try parser.finish { events.append($0) }
    return events
}

func openAIEvents(_ chunks: [ByteBuffer], kind: OpenAIStreamDecoder.Kind = .chat) throws -> [ChatEvent] {
    try parse(chunks, with: OpenAIStreamParser(kind: kind))
}

func ollamaEvents(_ chunks: [ByteBuffer], kind: OllamaStreamDecoder.Kind = .chat) throws -> [ChatEvent] {
    try parse(chunks, with: OllamaStreamParser(kind: kind))
}

func geminiSSEEvents(_ chunks: [ByteBuffer]) throws -> [ChatEvent] {
    try parse(chunks, with: GeminiStreamParser(model: "gemini-2.0-flash", framing: .sse, created: 1))
}

func anthropicEvents(_ chunks: [ByteBuffer]) throws -> [ChatEvent] {
    try parse(chunks, with: AnthropicStreamParser(model: "claude", created: 1))
}

func geminiArrayEvents(_ chunks: [ByteBuffer]) throws -> [ChatEvent] {
    try parse(chunks, with: GeminiStreamParser(model: "gemini-2.0-flash", framing: .jsonArray, created: 1))
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
