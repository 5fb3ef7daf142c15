/// A route declared a RAG route (`routes.NAME.rag`): chat clients asking for it — OpenAI's or Ollama's — get
/// answers grounded in a collection, their sources in the `ferry_sources` field, and as a numbered list at the end
/// of the text when `sources_in_text` is on or the request carries `X-Ferry-Sources: text`.
///
/// ```yaml
/// routes:
///   manuals:
///     backends: [vllm, ollama]
///     rag: {collection: manuals, mode: adaptive}
/// ```
public struct RAGRoute: Sendable, Hashable {
    public var collection: String
    public var mode: QueryMode
    public var sourcesInText: Bool
    /// Passages per question (nil: `rag.answer.top_k`).
    public var topK: Int?

    public init(collection: String = CollectionInfo.defaultName, mode: QueryMode = .simple, sourcesInText: Bool = false, topK: Int? = nil) {
        self.collection = collection
        self.mode = mode
        self.sourcesInText = sourcesInText
        self.topK = topK
    }
}
