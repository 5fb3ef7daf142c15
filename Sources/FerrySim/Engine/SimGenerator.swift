import FerryCore
import Foundation

/// Decides, deterministically, what FerrySim answers: the same request always gives the same answer.
///
/// - text: words drawn from a fixed vocabulary (a few multi-byte ones included) by a generator seeded with the
///   request; the natural length is 16 to 48 tokens, cut by `max_tokens` (finish `length`) or before the first
///   stop sequence (finish `stop`);
/// - tool calls: when tools are offered (and `tool_choice` is not `none`) and the last user message names some of
///   them — or `tool_choice` requires one — the answer is a call to each, with arguments that satisfy its schema;
///   asked in Ferry's prompted form (tools in the system prompt, none in the request), the same calls as a JSON
///   action in the text.
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
        if let action = Self.promptedAction(request) {
            // Pieces of eight characters, so that a stream of it has several deltas.
            let pieces = stride(from: 0, to: action.count, by: 8).map { start in
                String(action.dropFirst(start).prefix(8))
            }
            return Output(tokens: pieces, toolCalls: [], finishReason: .stop, completionTokens: pieces.count)
        }
        let tools = toolsToCall(request)
        if !tools.isEmpty {
            let calls = tools.enumerated().map { index, tool in
                ToolCall(id: "call_" + String((hash.value &+ UInt64(index)) & 0xFFFF_FFFF_FFFF, radix: 36), name: tool.name, arguments: Self.arguments(for: tool.parameters).jsonText)
            }
            let tokens = calls.reduce(0) { $0 + SimTokenizer.tokens($1.arguments).count + 2 }
            return Output(tokens: [], toolCalls: calls, finishReason: .toolCalls, completionTokens: max(1, tokens))
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

    /// A model asked to call tools in its text — Ferry's prompted form: no `tools`, the tools listed in the system
    /// prompt as `- name: …` with an `arguments schema:` line, and the action format shown —, answering a fresh
    /// question that names some of them: the JSON action calling each, with arguments that satisfy its schema.
    static func promptedAction(_ request: ChatRequest) -> String? {
        guard request.tools.isEmpty, let system = request.messages.first, system.role == .system,
              system.text.contains(#"{"tool_calls": [{"name": "TOOL_NAME""#),
              let last = request.messages.last, last.role == .user, !last.text.hasPrefix("Result of ")
        else { return nil }
        var listed: [(name: String, schema: JSONValue)] = []
        let lines = system.text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() where line.hasPrefix("- ") {
            let name = line.dropFirst(2).prefix { $0 != ":" && $0 != " " }
            let schemaLine = index + 1 < lines.count ? lines[index + 1].trimmingCharacters(in: .whitespaces) : ""
            let schema = schemaLine.hasPrefix("arguments schema: ") ? (try? JSONValue(parsing: String(schemaLine.dropFirst(18)))) ?? .object([:]) : .object([:])
            listed.append((String(name), schema))
        }
        let question = last.text.lowercased()
        let named = listed.filter { question.contains($0.name.lowercased()) }
        guard !named.isEmpty else { return nil }
        let calls: [JSONValue] = named.map { .object(["name": .string($0.name), "arguments": arguments(for: $0.schema)]) }
        return JSONValue.object(["tool_calls": .array(calls)]).jsonText
    }

    /// The tools to call: each one the question names, in the order they are offered (several at once, as models
    /// that call tools in parallel do), or the one `tool_choice` requires.
    private func toolsToCall(_ request: ChatRequest) -> [ToolDefinition] {
        guard !request.tools.isEmpty else { return [] }
        switch request.toolChoice {
        case .none?: return []
        case .function(let name)?: return request.tools.filter { $0.name == name }.prefix(1).map { $0 }
        case .required?:
            let named = mentionedTools(request)
            return named.isEmpty ? [request.tools[0]] : named
        case .auto?, nil:
            return mentionedTools(request)
        }
    }

    private func mentionedTools(_ request: ChatRequest) -> [ToolDefinition] {
        // Only a fresh question triggers calls: after a tool result the model answers in text.
        guard let last = request.messages.last, last.role == .user else { return [] }
        let text = last.text.lowercased()
        return request.tools.filter { text.contains($0.name.lowercased()) }
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
