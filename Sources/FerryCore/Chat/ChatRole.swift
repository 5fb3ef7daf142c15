/// Who wrote a message in a conversation.
public enum ChatRole: String, Sendable, Hashable, Codable, CaseIterable {
    case system
    case user
    case assistant
    case tool
}
