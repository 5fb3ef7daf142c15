/// A complete legacy text completion.
public struct CompletionResponse: Sendable, Hashable, Codable {
    public var id: String
    public var model: String
    /// Seconds since 1970.
    public var created: Int
    public var text: String
    public var finishReason: FinishReason?
    public var usage: Usage?

    public init(id: String, model: String, created: Int, text: String, finishReason: FinishReason?, usage: Usage?) {
        self.id = id
        self.model = model
        self.created = created
        self.text = text
        self.finishReason = finishReason
        self.usage = usage
    }
}
