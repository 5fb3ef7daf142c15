import FerryCore

/// Turns texts into vectors for retrieval. Two kinds: ``LanguageModelEmbedder`` (any configured backend's
/// embedding endpoint, through the router) and ``E5Embedder`` (the embedded multilingual-e5-small library).
///
/// ```swift
/// let vectors = try await embedder.embed(["Where is the ferry?"], as: .query)
/// ```
public protocol Embedder: Sendable {
    /// The model's name, recorded in a collection: querying it with another model is refused.
    var modelName: String { get }
    /// One vector per text, in order.
    func embed(_ texts: [String], as type: EmbeddingInputType) async throws -> [[Float]]
    /// The model's own tokenizer, when one is at hand (chunks are then counted exactly).
    var tokenCounter: (any TokenCounter)? { get }
}
