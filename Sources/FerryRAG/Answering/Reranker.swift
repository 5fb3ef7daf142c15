import FerryCore

/// Orders passages by relevance to a query, more finely than retrieval does (a cross-encoder).
public protocol Reranker: Sendable {
    /// The passages' indexes with their scores, best first.
    func rerank(query: String, passages: [String]) async throws -> [RerankResponse.Result]
}

/// Reranking by a route's `/rerank` endpoint (vLLM and llama.cpp's server with a reranking model).
///
/// ```swift
/// let reranker = LanguageModelReranker(model: router, route: "rerank")
/// ```
public struct LanguageModelReranker: Reranker {
    public let model: any LanguageModel
    public let route: String

    public init(model: any LanguageModel, route: String) {
        self.model = model
        self.route = route
    }

    public func rerank(query: String, passages: [String]) async throws -> [RerankResponse.Result] {
        try await model.rerank(RerankRequest(model: route, query: query, documents: passages)).results
    }
}
