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
        case 1: return agree(OpenAIChatCompletionChunk.self, json)
        case 2: return agree(OpenAIChatCompletion.self, json)
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

    private static func violation<Value>(_ type: Value.Type, _ json: [UInt8], _ what: String) -> FuzzViolation {
        FuzzViolation(target: .readers, message: "\(Value.self): \(what) — input \(String(decoding: json, as: UTF8.self).debugDescription)")
    }
}
