import FerryCore

/// What `prefix-affinity` routes by: the prefix a request shares with others (a conversation's system prompt) and
/// the conversation itself (its opening: system prompt and first user message, the same on every turn). The shared
/// prefix picks the first choice, so conversations that share it meet one replica's cache; the conversation picks
/// the order of the others, so when bounded load passes a request on, that conversation's turns keep going to the
/// same second choice, where their history is cached.
///
/// ```swift
/// let key = PrefixKey(of: request)     // shared: the system prompt; conversation: + the first user message
/// ```
public struct PrefixKey: Sendable, Hashable {
    public var shared: String
    public var conversation: String

    public init(shared: String, conversation: String) {
        self.shared = shared
        self.conversation = conversation
    }

    /// One text for both (completions, embeddings, queries: no conversation).
    public init(_ text: String) {
        shared = text
        conversation = text
    }

    /// A chat request's key: its system messages (or, without any, its first message) and its opening.
    public init(of request: ChatRequest) {
        var shared = ""
        var conversation = ""
        for message in request.messages {
            if message.role == .system {
                shared += message.text
                shared += "\u{1E}"
            }
            conversation += message.role.rawValue
            conversation += "\u{1F}"
            conversation += message.text
            conversation += "\u{1E}"
            if message.role == .user { break }
        }
        if shared.isEmpty { shared = request.messages.first?.text ?? "" }
        self.init(shared: shared, conversation: conversation)
    }

    /// No key: strategies other than prefix affinity.
    public static let none = PrefixKey("")
}
