/// A complete call of a tool, as made by an assistant message.
///
/// `arguments` is JSON text (OpenAI's form); dialects that send an object (Ollama, Gemini) are serialised with
/// sorted keys, so the text is deterministic.
public struct ToolCall: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// The arguments as JSON text, e.g. `{"city":"Paris"}`.
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }

    /// The arguments parsed as JSON, or nil when the text is not valid JSON.
    public var argumentsValue: JSONValue? { try? JSONValue(parsing: arguments) }

    /// An id for a call that arrived without one (Ollama), derived from its position so it is stable.
    public static func synthesizedID(index: Int, seed: String = "") -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in seed.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        let suffix = String(hash & 0xffff_ffff, radix: 16)
        return "call_\(index)_\(suffix)"
    }
}
