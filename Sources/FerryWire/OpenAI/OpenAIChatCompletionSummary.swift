import FerryCore
import NIOCore

/// What a gateway needs from a whole chat completion it forwards as the backend wrote it: that it is one (checked
/// in a single pass that makes nothing but the usage), and its usage.
///
/// It reads as strictly as ``OpenAIChatCompletion``'s full reader: valid JSON throughout (escapes, UTF-8, number
/// grammar), `id`, `object`, `created`, a non-empty `model` and at least one choice whose `message` is the
/// assistant's, with text or null content. It
/// says nil for anything else — malformed input, an error body, an empty model name (which the gateway fills in) —
/// and the caller reads the answer the full way, which then accepts or reports it exactly as before.
///
/// ```swift
/// if let summary = OpenAIChatCompletionSummary(body.readableBytesView) {
///     router.finished(attempt, usage: summary.usage)   // and write `body` as it stands
/// }
/// ```
public struct OpenAIChatCompletionSummary: Sendable, Hashable {
    public var usage: Usage?

    public init?(_ bytes: some Collection<UInt8>) {
        guard let usage = JSONScanner.read(bytes, Self.read) else { return nil }
        self.usage = usage
    }

    /// The same for a buffer's bytes, made in this module for them (the generic one, called from another module,
    /// runs unspecialised).
    public init?(_ bytes: ByteBufferView) {
        guard let usage = JSONScanner.read(bytes, Self.read) else { return nil }
        self.usage = usage
    }

    private static func read(_ json: inout JSONScanner) throws -> Usage? {
        var seen = (id: false, object: false, created: false, model: false, choices: false)
        var usage: Usage?
        var first = true
        try json.beginObject()
        while let key = try json.nextKey(&first) {
            if JSONScanner.matches(key, "choices") {
                try readChoices(&json)
                seen.choices = true
            } else if JSONScanner.matches(key, "id") {
                _ = try json.skipString()
                seen.id = true
            } else if JSONScanner.matches(key, "object") {
                _ = try json.skipString()
                seen.object = true
            } else if JSONScanner.matches(key, "created") {
                _ = try json.int()
                seen.created = true
            } else if JSONScanner.matches(key, "model") {
                guard try json.skipString() > 0 else { throw JSONScanner.Miss() }
                seen.model = true
            } else if JSONScanner.matches(key, "usage") {
                usage = json.skipNull() ? nil : try OpenAIUsage.read(&json).usage
            } else if JSONScanner.matches(key, "system_fingerprint") {
                if !json.skipNull() { _ = try json.skipString() }
            } else {
                try json.skipValue()
            }
        }
        guard seen.id, seen.object, seen.created, seen.model, seen.choices else { throw JSONScanner.Miss() }
        return usage
    }

    /// A choice's message: the assistant's, its content text or null, its other text fields (reasoning, name, tool
    /// call id) strings or null, and its tool calls of the types Codable reads.
    private static func readMessage(_ json: inout JSONScanner) throws {
        var isAssistant = false
        var first = true
        try json.beginObject()
        while let key = try json.nextKey(&first) {
            if JSONScanner.matches(key, "role") {
                isAssistant = try json.string(is: "assistant")
            } else if JSONScanner.matches(key, "content") || JSONScanner.matches(key, "reasoning_content")
                        || JSONScanner.matches(key, "name") || JSONScanner.matches(key, "tool_call_id") {
                if !json.skipNull() { _ = try json.skipString() }
            } else if JSONScanner.matches(key, "tool_calls") {
                if !json.skipNull() { try readToolCalls(&json) }
            } else {
                try json.skipValue()
            }
        }
        guard isAssistant else { throw JSONScanner.Miss() }
    }

    /// Tool calls (``OpenAIToolCall``): objects whose `index` is an integer, `id` and `type` strings, `function` an
    /// object of string `name` and `arguments` — each of them, or null, or absent.
    private static func readToolCalls(_ json: inout JSONScanner) throws {
        var first = true
        try json.beginArray()
        while try json.nextElement(&first) {
            var firstKey = true
            try json.beginObject()
            while let key = try json.nextKey(&firstKey) {
                if JSONScanner.matches(key, "index") {
                    _ = try json.optionalInt()
                } else if JSONScanner.matches(key, "id") || JSONScanner.matches(key, "type") {
                    if !json.skipNull() { _ = try json.skipString() }
                } else if JSONScanner.matches(key, "function") {
                    guard !json.skipNull() else { continue }
                    var firstField = true
                    try json.beginObject()
                    while let field = try json.nextKey(&firstField) {
                        if JSONScanner.matches(field, "name") || JSONScanner.matches(field, "arguments") {
                            if !json.skipNull() { _ = try json.skipString() }
                        } else {
                            try json.skipValue()
                        }
                    }
                } else {
                    try json.skipValue()
                }
            }
        }
    }

    /// Choices: at least one, each an object with an assistant's `message`, an integer `index` (or none) and a
    /// string `finish_reason` (or null).
    private static func readChoices(_ json: inout JSONScanner) throws {
        var first = true
        try json.beginArray()
        var count = 0
        while try json.nextElement(&first) {
            count += 1
            var hasMessage = false
            var firstKey = true
            try json.beginObject()
            while let key = try json.nextKey(&firstKey) {
                if JSONScanner.matches(key, "message") {
                    try readMessage(&json)
                    hasMessage = true
                } else if JSONScanner.matches(key, "index") {
                    _ = try json.optionalInt()
                } else if JSONScanner.matches(key, "finish_reason") {
                    if !json.skipNull() { _ = try json.skipString() }
                } else {
                    try json.skipValue()
                }
            }
            guard hasMessage else { throw JSONScanner.Miss() }
        }
        guard count > 0 else { throw JSONScanner.Miss() }
    }
}
