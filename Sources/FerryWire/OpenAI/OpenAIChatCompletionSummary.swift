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
            } else {
                try json.skipValue()
            }
        }
        guard seen.id, seen.object, seen.created, seen.model, seen.choices else { throw JSONScanner.Miss() }
        return usage
    }

    /// The first choice's message: the assistant's, its content text or null; anything else it holds (tool calls,
    /// reasoning…) is forwarded as written.
    private static func readMessage(_ json: inout JSONScanner) throws {
        var isAssistant = false
        var first = true
        try json.beginObject()
        while let key = try json.nextKey(&first) {
            if JSONScanner.matches(key, "role") {
                isAssistant = try json.string(is: "assistant")
            } else if JSONScanner.matches(key, "content") {
                if !json.skipNull() { try json.skipString() }
            } else {
                try json.skipValue()
            }
        }
        guard isAssistant else { throw JSONScanner.Miss() }
    }

    /// Choices: at least one; the first an object with an assistant's `message`.
    private static func readChoices(_ json: inout JSONScanner) throws {
        var first = true
        try json.beginArray()
        guard try json.nextElement(&first) else { throw JSONScanner.Miss() }
        var hasMessage = false
        var firstKey = true
        try json.beginObject()
        while let key = try json.nextKey(&firstKey) {
            if JSONScanner.matches(key, "message") {
                try readMessage(&json)
                hasMessage = true
            } else {
                try json.skipValue()
            }
        }
        guard hasMessage else { throw JSONScanner.Miss() }
        while try json.nextElement(&first) { try json.skipValue() }
    }
}
