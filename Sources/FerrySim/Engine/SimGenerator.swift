import FerryCore
import Foundation

/// Decides, deterministically, what FerrySim answers: the same request always gives the same answer.
///
/// - text: words drawn from a fixed vocabulary (a few multi-byte ones included) by a generator seeded with the
///   request; the natural length is 16 to 48 tokens, cut by `max_tokens` (finish `length`) or before the first
///   stop sequence (finish `stop`);
/// - tool calls: when tools are offered (and `tool_choice` is not `none`) and the last user message names one of
///   them — or `tool_choice` requires one — the answer is a call to it, with arguments that satisfy its schema.
public struct SimGenerator: Sendable {
    /// What to emit, before timing is applied.
    public struct Output: Sendable {
        /// Text tokens, each with its leading space where it has one.
        public var tokens: [String]
        public var toolCalls: [ToolCall]
        public var finishReason: FinishReason
        /// How many completion tokens usage reports.
        public var completionTokens: Int
    }

    static let vocabulary: [String] = [
        "the", "model", "answers", "quickly", "with", "simulated", "tokens", "and", "a", "steady", "rhythm",
        "of", "words", "that", "flow", "like", "a", "river", "through", "the", "valley", "while", "servers",
        "hum", "softly", "in", "racks", "under", "cool", "air", "each", "request", "finds", "its", "way",
        "to", "an", "answer", "café", "über", "naïve", "🚀", "مرحبا", "日本語", "gateway", "ferry", "carries",
        "every", "prompt", "across", "calm", "water", "safely", "home", "again", "today", "light",
    ]

    public let seed: UInt64
    /// Every answer's length when set (a request's max_tokens still cuts it); else 16 to 48 tokens.
    public let answerTokens: Int?

    public init(seed: UInt64, answerTokens: Int? = nil) {
        self.seed = seed
        self.answerTokens = answerTokens
    }

    /// The answer to a chat request.
    public func chat(_ request: ChatRequest) -> Output {
        var hash = StableHash()
        hash.combine(seed)
        hash.combine(request.model)
        for message in request.messages {
            hash.combine(message.role.rawValue)
            hash.combine(message.text)
            for call in message.toolCalls { hash.combine(call.name + call.arguments) }
        }
        if let seed = request.sampling.seed { hash.combine(UInt64(bitPattern: Int64(seed))) }
        if let tool = toolToCall(request) {
            let arguments = Self.arguments(for: tool.parameters).jsonText
            let id = "call_" + String(hash.value & 0xFFFF_FFFF_FFFF, radix: 36)
            let call = ToolCall(id: id, name: tool.name, arguments: arguments)
            return Output(tokens: [], toolCalls: [call], finishReason: .toolCalls, completionTokens: max(1, SimTokenizer.tokens(arguments).count + 2))
        }
        return text(hash: hash.value, sampling: request.sampling)
    }

    /// The answer to a legacy completion.
    public func complete(_ request: CompletionRequest) -> Output {
        var hash = StableHash()
        hash.combine(seed)
        hash.combine(request.model)
        hash.combine(request.system ?? "")
        hash.combine(request.prompt)
        if let seed = request.sampling.seed { hash.combine(UInt64(bitPattern: Int64(seed))) }
        return text(hash: hash.value, sampling: request.sampling)
    }

    private func text(hash: UInt64, sampling: SamplingParameters) -> Output {
        var random = SplitMix64(seed: hash)
        let drawn = 16 + Int(random.next() % 33)
        let natural = answerTokens ?? drawn
        let limit = sampling.maxTokens.map { min($0, natural) } ?? natural
        var tokens: [String] = []
        tokens.reserveCapacity(limit)
        for index in 0..<limit {
            let word = Self.vocabulary[Int(random.next() % UInt64(Self.vocabulary.count))]
            tokens.append(index == 0 ? word.prefix(1).uppercased() + word.dropFirst() : " " + word)
        }
        var reason: FinishReason = limit < natural ? .length : .stop
        if reason == .stop, let last = tokens.last { tokens[tokens.count - 1] = last + "." }
        if !sampling.stop.isEmpty {
            var text = ""
            for (index, token) in tokens.enumerated() {
                let candidate = text + token
                if let cut = sampling.stop.compactMap({ $0.isEmpty ? nil : candidate.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
                    let partial = String(candidate[..<cut.lowerBound].dropFirst(text.count))
                    tokens = Array(tokens[..<index]) + (partial.isEmpty ? [] : [partial])
                    reason = .stop
                    break
                }
                text = candidate
            }
        }
        return Output(tokens: tokens, toolCalls: [], finishReason: reason, completionTokens: tokens.count)
    }

    private func toolToCall(_ request: ChatRequest) -> ToolDefinition? {
        guard !request.tools.isEmpty else { return nil }
        switch request.toolChoice {
        case .none?: return nil
        case .function(let name)?: return request.tools.first { $0.name == name }
        case .required?:
            return mentionedTool(request) ?? request.tools.first
        case .auto?, nil:
            return mentionedTool(request)
        }
    }

    private func mentionedTool(_ request: ChatRequest) -> ToolDefinition? {
        // Only a fresh question triggers a call: after a tool result the model answers in text.
        guard let last = request.messages.last, last.role == .user else { return nil }
        let text = last.text.lowercased()
        return request.tools.first { text.contains($0.name.lowercased()) }
    }

    /// A value that satisfies `schema`: every property filled (enum → first value, string → a sample, number →
    /// within bounds), arrays with one item.
    public static func arguments(for schema: JSONValue) -> JSONValue {
        let value = value(for: schema, name: "value")
        // Every dialect takes arguments as an object, whatever the schema claims.
        return value.objectValue == nil ? .object([:]) : value
    }

    private static func value(for schema: JSONValue, name: String) -> JSONValue {
        if let options = schema["enum"]?.arrayValue, let first = options.first { return first }
        if let constant = schema["const"] { return constant }
        if let choices = (schema["anyOf"] ?? schema["oneOf"])?.arrayValue, let first = choices.first { return value(for: first, name: name) }
        // Gemini's SDKs write types in upper case (`OBJECT`, `STRING`).
        var type = schema["type"]?.stringValue?.lowercased()
        if type == nil, let types = schema["type"]?.arrayValue {
            type = types.compactMap { $0.stringValue?.lowercased() }.first { $0 != "null" }
        }
        switch type {
        case "object", nil:
            var members: [String: JSONValue] = [:]
            for (key, property) in schema["properties"]?.objectValue ?? [:] {
                members[key] = value(for: property, name: key)
            }
            return .object(members)
        case "array":
            let count = max(1, Int(schema["minItems"]?.doubleValue ?? 1))
            return .array(Array(repeating: value(for: schema["items"] ?? ["type": "string"], name: name), count: count))
        case "integer":
            let minimum = schema["minimum"]?.doubleValue ?? 1
            let maximum = schema["maximum"]?.doubleValue ?? max(minimum, 42)
            return .integer(Int64(min(max(42, minimum), maximum).rounded(.up)))
        case "number":
            let minimum = schema["minimum"]?.doubleValue ?? 0
            let maximum = schema["maximum"]?.doubleValue ?? max(minimum, 21.5)
            return .number(min(max(21.5, minimum), maximum))
        case "boolean":
            return .bool(true)
        case "null":
            return .null
        default:
            if schema["format"]?.stringValue == "date" { return "2026-01-01" }
            let sample = "sample \(name)"
            if let minLength = schema["minLength"]?.doubleValue, sample.count < Int(minLength) {
                return .string(sample + String(repeating: "x", count: Int(minLength) - sample.count))
            }
            if let maxLength = schema["maxLength"]?.doubleValue { return .string(String(sample.prefix(Int(maxLength)))) }
            return .string(sample)
        }
    }
}
