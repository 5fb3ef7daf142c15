import FerryRAG

/// How the gateway answers questions from documents: `/api/query`, and the RAG routes' chat answers.
///
/// ```swift
/// var answers = AnswerSettings()
/// answers.ragRoutes["manuals"] = RAGRoute(collection: "manuals", mode: .adaptive)
/// let documents = DocumentService(store: store, answers: answers, embedder: { nil })
/// ```
public struct AnswerSettings: Sendable {
    public var options = AnsweringOptions()
    /// The route that writes `/api/query`'s answers; nil: the router's only route, or `default`.
    public var route: String?
    /// The mode of a question that does not name one.
    public var mode: QueryMode = .simple
    /// A route serving `/v1/rerank`; nil: no reranking.
    public var rerankRoute: String?
    /// The RAG routes, by each name a client may ask for (route names and aliases).
    public var ragRoutes: [String: RAGRoute] = [:]

    public init() {}
}
