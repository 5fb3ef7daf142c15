import FerryCore

/// One step of an agent run, as it happens: for a CLI to show, the gateway to relay, a test to check.
public enum AgentEvent: Sendable, Hashable {
    /// The model is asked (turn `step`, counting from 1) with the conversation so far.
    case asking(step: Int, messages: [ChatMessage])
    /// Text the model wrote along with its tool calls (its reasoning).
    case thinking(String)
    /// A tool call the model made.
    case toolCall(ToolCall)
    /// A call's result as the model will see it: cut to the limit, or the error as text when it failed.
    case toolResult(ToolResult)
    /// What the model's turn cost, when the backend says.
    case usage(Usage)
    /// The final answer.
    case answer(String)
}

/// What a tool call gave back.
public struct ToolResult: Sendable, Hashable {
    public var callID: String
    public var name: String
    public var content: String
    public var failed: Bool
    public var duration: Duration

    public init(callID: String, name: String, content: String, failed: Bool, duration: Duration) {
        self.callID = callID
        self.name = name
        self.content = content
        self.failed = failed
        self.duration = duration
    }
}
