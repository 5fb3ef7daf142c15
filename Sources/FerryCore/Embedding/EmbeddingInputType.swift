/// What texts to embed are, for models that embed a search query and the passages it should find differently
/// (e5's `query: ` and `passage: ` prefixes; OpenAI-compatible servers that take `input_type`).
public enum EmbeddingInputType: String, Sendable, Hashable, Codable, CaseIterable {
    case query
    case passage
}
