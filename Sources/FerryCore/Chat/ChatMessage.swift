/// One message of a conversation.
///
/// ```swift
/// let question = ChatMessage.user("What is the capital of France?")
/// let answer = ChatMessage.assistant("Paris.")
/// let result = ChatMessage.tool(callID: "call_1", name: "get_weather", content: #"{"temp":21}"#)
/// ```
public struct ChatMessage: Sendable, Hashable, Codable {
    public var role: ChatRole
    /// The content parts, in order. Text-only messages have one `.text` part (or none).
    public var content: [ContentPart]
    /// The tool calls an assistant message made.
    public var toolCalls: [ToolCall]
    /// For a `tool` message: the id of the call this answers.
    public var toolCallID: String?
    /// For a `tool` message: the name of the tool that answered; otherwise the author's name, if given.
    public var name: String?

    public init(
        role: ChatRole,
        content: [ContentPart] = [],
        toolCalls: [ToolCall] = [],
        toolCallID: String? = nil,
        name: String? = nil
    ) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.name = name
    }

    /// All text parts joined, images left out.
    public var text: String {
        var result = ""
        for part in content {
            if case .text(let text) = part { result += text }
        }
        return result
    }

    /// The images of this message, in order.
    public var images: [ImageSource] {
        content.compactMap { part in
            if case .image(let image) = part { return image }
            return nil
        }
    }

    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: .system, content: [.text(text)]) }
    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: .user, content: [.text(text)]) }
    public static func assistant(_ text: String, toolCalls: [ToolCall] = []) -> ChatMessage {
        ChatMessage(role: .assistant, content: text.isEmpty ? [] : [.text(text)], toolCalls: toolCalls)
    }
    public static func tool(callID: String?, name: String? = nil, content: String) -> ChatMessage {
        ChatMessage(role: .tool, content: [.text(content)], toolCallID: callID, name: name)
    }
}
