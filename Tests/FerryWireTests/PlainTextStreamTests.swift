import FerryCore
@testable import FerryWire
import NIOCore
import Testing

@Suite("Plain text deltas: handed over as bytes, written back exactly as the events would be")
struct PlainTextStreamTests {
    /// A stream with plain text chunks among chunks a plain-text reader must leave to the full one. (Tool calls are
    /// left out: their chunks are written by Codable, whose key order differs from one encoding to the next.)
    static let stream: String = {
        let head = #"{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1732000000,"model":"demo","#
        let chunks = [
            #""choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}"#,
            #""choices":[{"index":0,"delta":{"content":"Ferries"},"logprobs":null,"finish_reason":null}]}"#,
            #""choices":[{"index":0,"delta":{"role":"assistant","content":" carry"},"logprobs":null,"finish_reason":null}],"usage":null}"#,
            #""system_fingerprint":"fp","choices":[{"delta":{"content":" people"},"index":0,"stop_reason":null}]}"#,
            #""choices":[{"index":0,"delta":{"content":" caf\u00e9 \"quoted\""},"logprobs":null,"finish_reason":null}]}"#,
            #""choices":[{"index":0,"delta":{"content":" café"},"logprobs":null,"finish_reason":null}]}"#,
            #""choices":[{"index":1,"delta":{"content":" other choice"},"logprobs":null,"finish_reason":null}]}"#,
            #""choices":[{"index":0,"delta":{"content":" two"}},{"index":1,"delta":{"content":" choices"}}]}"#,
            #""choices":[{"index":0,"delta":{"reasoning_content":"hm","content":" thinking"},"logprobs":null,"finish_reason":null}]}"#,
            #""choices":[{"index":0,"delta":{"content":" across"},"logprobs":null,"finish_reason":null}],"usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8}}"#,
            #""choices":[{"index":0,"delta":{"content":" water"},"logprobs":null,"finish_reason":"stop"}]}"#,
        ]
        return chunks.map { "data: " + head + $0 + "\n\n" }.joined() + "data: [DONE]\n\n"
    }()

    /// The stream written by `encoder`, read with the plain-text hand-over (`text`) or without; and how many text
    /// deltas were handed over as bytes.
    private func transcode(_ encoder: some ChatEventEncoder, handOver: Bool, cut: Int) throws -> (written: String, handedOver: Int) {
        var encoder = encoder
        var parser = OpenAIStreamParser(kind: .chat)
        var out = ByteBuffer()
        var handedOver = 0
        let bytes = Array(Self.stream.utf8)
        for part in [bytes[..<cut], bytes[cut...]] {
            let chunk = ByteBuffer(bytes: part)
            if handOver {
                try parser.feed(chunk, text: { text in
                    handedOver += 1
                    try encoder.encode(text: text, into: &out)
                }) { try encoder.encode($0, into: &out) }
            } else {
                try parser.feed(chunk) { try encoder.encode($0, into: &out) }
            }
        }
        try parser.finish { try encoder.encode($0, into: &out) }
        return (String(buffer: out), handedOver)
    }

    @Test("OpenAI and Ollama clients get the same bytes either way, wherever the body is cut; only plain chunks are handed over")
    func sameBytes() throws {
        for cut in stride(from: 1, to: Self.stream.utf8.count, by: 97) {
            let openAI = OpenAIStreamEncoder(kind: .chat, includeUsage: true)
            let events = try transcode(openAI, handOver: false, cut: cut)
            let bytes = try transcode(openAI, handOver: true, cut: cut)
            #expect(bytes.written == events.written)
            #expect(bytes.handedOver == 3, "Ferries, carry, people; everything else needs the full reader")
            // Ollama lines carry the time they were written: compare what a client reads from them.
            let ollama = OllamaStreamEncoder(kind: .chat)
            let handedOver = try texts(ofOllama: transcode(ollama, handOver: true, cut: cut).written)
            #expect(handedOver == (try texts(ofOllama: transcode(ollama, handOver: false, cut: cut).written)))
            #expect(handedOver.prefix(3) == ["Ferries", " carry", " people"])
        }
    }

    /// The text deltas an Ollama client reads from `ndjson`.
    private func texts(ofOllama ndjson: String) throws -> [String] {
        var parser = OllamaStreamParser(kind: .chat)
        var texts: [String] = []
        let collect = { (event: ChatEvent) in if case .textDelta(let text) = event { texts.append(text) } }
        try parser.feed(ByteBuffer(string: ndjson), collect)
        try parser.finish(collect)
        return texts
    }

    @Test("the plain-text reader says where the text is, and nothing for chunks it must not judge")
    func plainText() throws {
        let plain = Array(#"{"id":"x","choices":[{"index":0,"delta":{"content":"hi there"},"finish_reason":null}]}"#.utf8)
        let range = try #require(OpenAIChatCompletionChunk.plainText(in: plain))
        #expect(String(decoding: plain[range], as: UTF8.self) == "hi there")
        for other in [
            #"{"choices":[{"index":0,"delta":{"content":""}}]}"#,
            #"{"choices":[{"index":0,"delta":{"content":"tab\there"}}]}"#,
            #"{"choices":[{"index":0,"delta":{"content":"hi"}}],"error":{"message":"x"}}"#,
            #"{"id":7,"choices":[{"index":0,"delta":{"content":"hi"}}]}"#,
            #"{"choices":[{"index":0,"delta":{"content":"hi"}}]} trailing"#,
            #"{"choices":null}"#,
            #"{"choices":[{"index":0,"delta":{"content":"hi","tool_calls":[{"index":0}]}}]}"#,
        ] {
            #expect(OpenAIChatCompletionChunk.plainText(in: Array(other.utf8)) == nil, "\(other)")
        }
    }
}
