/// What an ingest did: documents added, updated, unchanged and removed; files skipped with the reason; passages
/// made and embedded.
public struct IngestSummary: Sendable, Hashable, Codable {
    public struct Skipped: Sendable, Hashable, Codable {
        public var path: String
        public var reason: String
    }

    public var collection: String
    public var added: [String] = []
    public var updated: [String] = []
    public var unchanged: [String] = []
    public var removed: [String] = []
    public var skipped: [Skipped] = []
    /// Passages written (of added and updated documents).
    public var chunks = 0
    /// Passages embedded now; the others reused the vector they already had.
    public var embedded = 0
    public var reused = 0
    public var embeddingModel: String?
    /// Set when the collection gets no vectors (no embedding model): why.
    public var notice: String?
    public var seconds: Double = 0

    enum CodingKeys: String, CodingKey {
        case collection, added, updated, unchanged, removed, skipped, chunks, embedded, reused, notice, seconds
        case embeddingModel = "embedding_model"
    }

    public init(collection: String) {
        self.collection = collection
    }
}
