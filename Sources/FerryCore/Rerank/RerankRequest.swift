/// Passages to order by their relevance to a query, by a reranking model (a cross-encoder served at `/rerank`).
///
/// ```swift
/// let ranked = try await model.rerank(RerankRequest(model: "bge-reranker", query: "beard rules", documents: passages))
/// let best = passages[ranked.results[0].index]
/// ```
public struct RerankRequest: Sendable, Hashable, Codable {
    public var model: String
    public var query: String
    public var documents: [String]
    /// How many results to return (nil: one per document).
    public var topN: Int?

    public init(model: String, query: String, documents: [String], topN: Int? = nil) {
        self.model = model
        self.query = query
        self.documents = documents
        self.topN = topN
    }
}

/// A reranking model's order: each result names a document of the request by its index, best first.
public struct RerankResponse: Sendable, Hashable, Codable {
    public struct Result: Sendable, Hashable, Codable {
        /// The document's position in the request.
        public var index: Int
        /// The model's relevance score (higher is better; its scale is the model's own).
        public var score: Double

        public init(index: Int, score: Double) {
            self.index = index
            self.score = score
        }
    }

    public var results: [Result]

    public init(results: [Result]) {
        self.results = results
    }
}
