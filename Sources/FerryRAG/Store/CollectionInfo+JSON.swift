extension CollectionInfo {
    /// A collection as `ferry collections --json` and `GET /api/collections` show it:
    /// `{"name", "documents", "chunks", "embedding_model", "dimensions"}`.
    public struct JSON: Encodable, Sendable, Hashable {
        public var name: String
        public var documents: Int
        public var chunks: Int
        public var embeddingModel: String?
        public var dimensions: Int?

        enum CodingKeys: String, CodingKey {
            case name, documents, chunks, dimensions
            case embeddingModel = "embedding_model"
        }
    }

    public var json: JSON {
        JSON(name: name, documents: documents, chunks: chunks, embeddingModel: embeddingModel, dimensions: dimensions)
    }
}
