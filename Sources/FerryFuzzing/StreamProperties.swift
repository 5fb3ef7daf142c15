import FerryCore
import FerryWire
import NIOCore

/// The chat stream parser of each backend dialect: the same events, and the same error, however the bytes are cut.
enum StreamProperties {
    static func streams(_ input: [UInt8]) -> FuzzViolation? {
        guard input.count >= 2 else { return nil }
        let cut = Chunking(Array(input.dropFirst()))
        switch input[0] % 5 {
        case 0: return agree("OpenAI", cut) { OpenAIStreamParser(kind: .chat) }
        case 1: return agree("Ollama", cut) { OllamaStreamParser(kind: .chat) }
        case 2: return agree("Gemini SSE", cut) { GeminiStreamParser(model: "m", framing: .sse, created: 0) }
        case 3: return agree("Gemini array", cut) { GeminiStreamParser(model: "m", framing: .jsonArray, created: 0) }
        default: return agree("Anthropic", cut) { AnthropicStreamParser(model: "m", created: 0) }
        }
    }

    /// An event without the time it was made at: a stream that gives no time of its own is stamped with the clock's
    /// (Ollama's, without `created_at`), which may tick between the two readings.
    private static func timeless(_ event: ChatEvent) -> ChatEvent {
        guard case .start(var start) = event else { return event }
        start.created = 0
        return .start(start)
    }

    private static func agree<Parser: ChatStreamParser>(_ name: String, _ cut: Chunking, _ make: () -> Parser) -> FuzzViolation? {
        let (whole, chunked) = FramingProperties.wholeAndCut(cut) { (chunks, events: inout [ChatEvent]) in
            var parser = make()
            for chunk in chunks { try parser.feed(ByteBuffer(bytes: chunk)) { events.append(Self.timeless($0)) } }
            try parser.finish { events.append(Self.timeless($0)) }
        }
        guard whole != chunked else { return nil }
        return FuzzViolation(target: .streams, message: "\(name): whole \(whole) but in chunks \(chunked)")
    }
}
