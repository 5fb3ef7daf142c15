/// One vector per input, in the order of the inputs.
public struct EmbeddingResponse: Sendable, Hashable, Codable {
    public var model: String
    public var embeddings: [[Float]]
    public var usage: Usage?

    public init(model: String, embeddings: [[Float]], usage: Usage? = nil) {
        self.model = model
        self.embeddings = embeddings
        self.usage = usage
    }
}
