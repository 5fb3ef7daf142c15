import FerryWire
import Foundation
import NIOCore

/// The hot path's hand-written readers and writers against their Codable twins.
enum ReaderProperties {
    static func readers(_ input: [UInt8]) -> FuzzViolation? {
        guard let selector = input.first else { return nil }
        let json = Array(input.dropFirst())
        switch selector % 7 {
        case 0: return agree(OpenAIChatRequest.self, json)
        case 1: return agree(OpenAIChatCompletionChunk.self, json) ?? plainTextAgrees(json)
        case 2: return agree(OpenAIChatCompletion.self, json) ?? summaryAgrees(json)
        case 3: return agree(OpenAIMessage.self, json)
        case 4: return agree(OpenAIUsage.self, json)
        case 5: return agree(OllamaChatRequest.self, json)
        default: return agree(ResponsesRequest.self, json)
        }
    }

    /// A document the hand-written reader takes, Codable reads to an equal value; a value Codable reads, the
    /// hand-written writer (where there is one and it does not decline) writes so that Codable reads it back equal.
    private static func agree<Value: FastJSONDecodable & Codable & Equatable>(_ type: Value.Type, _ json: [UInt8]) -> FuzzViolation? {
        let reference = try? JSONDecoder().decode(Value.self, from: Data(json))
        if let fast = JSONScanner.read(json, Value.read) {
            guard let reference else { return violation(Value.self, json, "the hand-written reader took a document Codable rejects: \(fast)") }
            if fast != reference { return violation(Value.self, json, "the hand-written reader read \(fast), Codable \(reference)") }
        }
        guard let reference, let buffer = WireJSON.writtenByHand(reference) else { return nil }
        guard let back = try? JSONDecoder().decode(Value.self, from: Data(buffer.readableBytesView)) else {
            return violation(Value.self, json, "the hand-written writer wrote what Codable cannot read: \(String(buffer: buffer))")
        }
        if back != reference { return violation(Value.self, json, "written by hand and read back: \(back), was \(reference)") }
        return nil
    }

    /// The stream's scan for plain text deltas: where it finds text, Codable reads a chunk whose one delta is that
    /// text and nothing else.
    private static func plainTextAgrees(_ json: [UInt8]) -> FuzzViolation? {
        guard let range = OpenAIChatCompletionChunk.plainText(in: json) else { return nil }
        let text = String(decoding: json[range], as: UTF8.self)
        guard let chunk = try? JSONDecoder().decode(OpenAIChatCompletionChunk.self, from: Data(json)) else {
            return violation(OpenAIChatCompletionChunk.self, json, "the plain-text scan took \(text.debugDescription) from a chunk Codable rejects")
        }
        guard let choices = chunk.choices, choices.count == 1, choices[0].delta.content == text, choices[0].finishReason == nil,
              choices[0].index == 0, choices[0].delta.toolCalls == nil, choices[0].delta.reasoningContent == nil, chunk.usage == nil, chunk.error == nil
        else { return violation(OpenAIChatCompletionChunk.self, json, "the plain-text scan read \(text.debugDescription), Codable \(chunk)") }
        return nil
    }

    /// The forwarded answer's one-pass summary: where it reads one, Codable reads the answer, with the same usage.
    private static func summaryAgrees(_ json: [UInt8]) -> FuzzViolation? {
        guard let summary = OpenAIChatCompletionSummary(json) else { return nil }
        guard let completion = try? JSONDecoder().decode(OpenAIChatCompletion.self, from: Data(json)) else {
            return violation(OpenAIChatCompletion.self, json, "the summary took an answer Codable rejects")
        }
        if summary.usage != completion.usage?.usage { return violation(OpenAIChatCompletion.self, json, "the summary read usage \(String(describing: summary.usage)), Codable \(String(describing: completion.usage))") }
        return nil
    }

    private static func violation<Value>(_ type: Value.Type, _ json: [UInt8], _ what: String) -> FuzzViolation {
        FuzzViolation(target: .readers, message: "\(Value.self): \(what) — input \(String(decoding: json, as: UTF8.self).debugDescription)")
    }
}
