/// Texts to embed.
///
/// ```swift
/// let vectors = try await model.embed(EmbeddingRequest(model: "nomic-embed-text", inputs: ["hello", "world"]))
/// ```
public struct EmbeddingRequest: Sendable, Hashable, Codable {
    public var model: String
    public var inputs: [String]
    /// A requested vector size, for models that can shorten their output.
    public var dimensions: Int?
    /// Whether the texts are queries or passages, for models embedding them differently (e5, sent as
    /// `input_type`); nil for models that do not.
    public var inputType: EmbeddingInputType?

    public init(model: String, inputs: [String], dimensions: Int? = nil, inputType: EmbeddingInputType? = nil) {
        self.model = model
        self.inputs = inputs
        self.dimensions = dimensions
        self.inputType = inputType
    }
}
