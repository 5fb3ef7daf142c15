/// How far an agent run may go: model turns, time per tool call and in all, and how much of a tool's result is fed
/// back (the rest is cut, with a note saying so).
public struct AgentLimits: Sendable, Hashable {
    /// Model turns at most; a run still calling tools after them fails with what it did.
    public var maxSteps: Int
    public var toolTimeout: Duration
    public var totalTimeout: Duration
    /// Bytes of a tool result the model sees at most.
    public var maxResultBytes: Int

    public init(maxSteps: Int = 8, toolTimeout: Duration = .seconds(30), totalTimeout: Duration = .seconds(300), maxResultBytes: Int = 16_384) {
        self.maxSteps = maxSteps
        self.toolTimeout = toolTimeout
        self.totalTimeout = totalTimeout
        self.maxResultBytes = maxResultBytes
    }
}
