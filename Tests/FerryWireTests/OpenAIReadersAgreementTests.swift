import FerryCore
@testable import FerryWire
import Foundation
import Testing

/// The four readers of OpenAI's answers — Codable, the hand-written reader, the plain-text chunk scan and the
/// whole answer's summary — on random documents (seeded, so a failure can be replayed): well-formed ones of every
/// shape, wrong types, and broken JSON. Whatever a fast reader takes, Codable takes too and reads the same.
@Suite("OpenAI readers agree on random chunks and answers")
struct OpenAIReadersAgreementTests {
    struct Writer {
        var random: SplitMix64

        mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

        mutating func string() -> String {
            pick([#""Paris""#, #"" Paris""#, #""""#, #""a\nb""#, #""quote \" slash \\""#, #""é 😀""#, #""\u00e9\ud83d\ude00""#, #""tab\there""#, #""stop""#])
        }

        mutating func maybe(_ value: String) -> String { chance(15) ? "null" : value }

        /// Now and then a value of the wrong kind, or a field no reader knows.
        mutating func wrongKind() -> String { pick(["1", "true", #""x""#, "[]", "{}", "1.5"]) }

        mutating func object(_ members: [(String, String)]) -> String {
            var members = members.filter { _ in !chance(20) }
            if chance(10) { members.append(("x_unknown", pick(["1", #"{"a":[1,2]}"#, "null", #""v""#]))) }
            members.shuffle(using: &random)
            let space = chance(20) ? " " : ""
            return "{" + members.map { "\(space)\"\($0.0)\"\(space):\(space)\(chance(3) ? wrongKind() : $0.1)" }.joined(separator: ",") + "\(space)}"
        }

        mutating func usage() -> String {
            object([("prompt_tokens", "\(random.next() % 100)"), ("completion_tokens", "\(random.next() % 100)"), ("total_tokens", "\(random.next() % 200)"),
                    ("prompt_tokens_details", maybe(object([("cached_tokens", "\(random.next() % 10)")])))])
        }

        mutating func toolCalls(streamed: Bool) -> String {
            let arguments = pick([#""{\"city\":\"Oslo\"}""#, #""{\"ci""#, #""""#])
            let call = object((streamed ? [("index", "0")] : []) + [("id", #""call_1""#), ("type", #""function""#), ("function", object([("name", #""get_weather""#), ("arguments", arguments)]))])
            return "[" + call + "]"
        }

        mutating func chunk() -> String {
            let choices = (0..<pick([0, 1, 1, 1, 2])).map { index in
                object([("index", "\(index)"), ("delta", maybe(object([("role", maybe(#""assistant""#)), ("content", maybe(string())),
                                                                            ("tool_calls", maybe(toolCalls(streamed: true))), ("reasoning_content", maybe(string()))]))),
                        ("logprobs", "null"), ("finish_reason", maybe(pick([#""stop""#, #""length""#, #""tool_calls""#])))])
            }
            return object([("id", maybe(#""chatcmpl-1""#)), ("object", #""chat.completion.chunk""#), ("created", "1767225600"), ("model", maybe(#""m""#)),
                           ("choices", maybe("[" + choices.joined(separator: ",") + "]")), ("usage", chance(70) ? "null" : usage()),
                           ("error", chance(90) ? "null" : object([("message", string()), ("type", #""server_error""#)]))])
        }

        mutating func answer() -> String {
            let choices = (0..<pick([0, 1, 1, 2])).map { index in
                object([("index", "\(index)"), ("message", object([("role", #""assistant""#), ("content", maybe(string())),
                                                                    ("tool_calls", maybe(toolCalls(streamed: false))), ("reasoning_content", maybe(string()))])),
                        ("logprobs", "null"), ("finish_reason", maybe(#""stop""#))])
            }
            return object([("id", #""chatcmpl-1""#), ("object", #""chat.completion""#), ("created", "1767225600"), ("model", pick([#""m""#, #""""#])),
                           ("choices", "[" + choices.joined(separator: ",") + "]"), ("usage", maybe(usage())), ("system_fingerprint", maybe(#""fp""#))])
        }

        /// Broken JSON now and then: cut short, or a stray byte.
        mutating func damaged(_ text: String) -> String {
            guard chance(10), !text.isEmpty else { return text }
            var bytes = Array(text.utf8)
            if chance(50) { bytes.removeLast(Int(random.next() % UInt64(bytes.count))) } else { bytes.insert(pick(Array(",:{[\"\\x".utf8)), at: Int(random.next() % UInt64(bytes.count))) }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    @Test("chunks: fast and plain-text readers take only what Codable takes, and read it the same", arguments: 0..<20)
    func chunks(seed: UInt64) throws {
        var writer = Writer(random: SplitMix64(seed: seed))
        for _ in 0..<200 {
            let text = writer.damaged(writer.chunk())
            let bytes = Array(text.utf8)
            let codable = try? JSONDecoder().decode(OpenAIChatCompletionChunk.self, from: Data(bytes))
            if let fast = JSONScanner.read(bytes, { try OpenAIChatCompletionChunk.read(&$0) }) {
                #expect(fast == codable, "seed \(seed): the hand-written reader read \(text) as \(fast), Codable as \(String(describing: codable))")
            }
            if let range = OpenAIChatCompletionChunk.plainText(in: bytes) {
                let choice = codable?.choices?.first
                #expect(codable != nil && codable?.choices?.count == 1 && choice?.index == 0, "seed \(seed): plain text in a chunk Codable reads otherwise: \(text)")
                #expect(choice?.delta.content == String(decoding: bytes[range], as: UTF8.self) && choice?.delta.content?.isEmpty == false, "seed \(seed): \(text)")
                #expect(choice?.finishReason == nil && choice?.delta.toolCalls == nil && codable?.usage == nil && codable?.error == nil, "seed \(seed): \(text)")
            }
        }
    }

    @Test("whole answers: the fast reader and the summary take only what Codable takes; the summary's usage is Codable's", arguments: 0..<20)
    func answers(seed: UInt64) throws {
        var writer = Writer(random: SplitMix64(seed: seed))
        for _ in 0..<200 {
            let text = writer.damaged(writer.answer())
            let bytes = Array(text.utf8)
            let codable = try? JSONDecoder().decode(OpenAIChatCompletion.self, from: Data(bytes))
            if let fast = JSONScanner.read(bytes, { try OpenAIChatCompletion.read(&$0) }) {
                #expect(fast == codable, "seed \(seed): the hand-written reader read \(text) as \(fast), Codable as \(String(describing: codable))")
            }
            if let summary = OpenAIChatCompletionSummary(bytes) {
                #expect(codable != nil, "seed \(seed): the summary took what Codable refuses: \(text)")
                #expect(summary.usage == codable?.usage?.usage, "seed \(seed): usage \(String(describing: summary.usage)) against \(String(describing: codable?.usage)) in \(text)")
            }
        }
    }
}
