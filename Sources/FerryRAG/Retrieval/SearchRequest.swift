/// A search: the query, where, how many, how.
///
/// ```swift
/// let request = SearchRequest(query: "beard regulations", collection: "manuals", topK: 5, mode: .hybrid)
/// ```
public struct SearchRequest: Sendable, Hashable {
    public var query: String
    public var collection: String
    public var topK: Int
    public var mode: SearchMode
    public var filters: SearchFilters
    /// Maximal marginal relevance: 1 is pure relevance, lower trades some for diversity (nil: off).
    public var mmrLambda: Double?
    /// The query's vector when the caller has embedded it already (with the collection's model); nil: the
    /// retriever's embedder makes it.
    public var queryVector: [Float]?

    public init(query: String, collection: String = CollectionInfo.defaultName, topK: Int = 5, mode: SearchMode = .hybrid, filters: SearchFilters = SearchFilters(), mmrLambda: Double? = nil, queryVector: [Float]? = nil) {
        self.query = query
        self.collection = collection
        self.topK = topK
        self.mode = mode
        self.filters = filters
        self.mmrLambda = mmrLambda
        self.queryVector = queryVector
    }
}
