import FerryCore

/// FerrySim's tokenizer: a word (with its leading space) is a token, and each chat message adds its role
/// markers, as a chat template does. Counts are what usage reports and what the timing model charges.
public enum SimTokenizer {
    /// The tokens of a text: whitespace-separated words.
    public static func tokens(_ text: String) -> [String] {
        text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
    }

    /// The tokens of a conversation, role markers included.
    public static func tokens(_ request: ChatRequest) -> [String] {
        var result: [String] = []
        for message in request.messages {
            result.append("<|\(message.role.rawValue)|>")
            result.append(contentsOf: tokens(message.text))
            for call in message.toolCalls {
                result.append(call.name)
                result.append(contentsOf: tokens(call.arguments))
            }
            result.append("<|end|>")
        }
        for tool in request.tools {
            result.append(tool.name)
            result.append(contentsOf: tokens(tool.description ?? ""))
        }
        result.append("<|assistant|>")
        return result
    }

    /// A token's id in a 50,000-word vocabulary (for `/tokenize`).
    public static func id(_ token: String) -> Int {
        var hash = StableHash()
        hash.combine(token)
        return Int(hash.value % 50_000)
    }
}
